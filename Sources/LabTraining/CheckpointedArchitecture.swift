/// An architecture that learns state outside the weights (a threshold, a coefficient a controller
/// moves, an optimiser of its own), which a checkpoint must carry for a resumed run to continue
/// bit-identically. Its fields go into `state.json` beside the shared ones.
public protocol CheckpointedArchitecture: SAEArchitecture {
  /// The architecture's own `state.json` fields (keys with JSON values).
  var checkpointFields: [(key: String, json: String)] { get }
  /// This architecture with the state that ``checkpointFields`` wrote, each value range-checked.
  func restored(from fields: TrainingCheckpoint.Fields) throws(TrainingError) -> any SAEArchitecture
}

extension BatchTopKArchitecture: CheckpointedArchitecture {
  /// `threshold`, θ.
  public var checkpointFields: [(key: String, json: String)] { [("threshold", TrainingCheckpoint.hexField(threshold))] }
  /// θ, finite and ≥ 0.
  public func restored(from fields: TrainingCheckpoint.Fields) throws(TrainingError) -> any SAEArchitecture {
    var copy = self
    copy.threshold = try fields.double("threshold", in: 0...Double.greatestFiniteMagnitude)
    return copy
  }
}

extension MatryoshkaBatchTopKArchitecture: CheckpointedArchitecture {
  /// BatchTopK's `threshold`.
  public var checkpointFields: [(key: String, json: String)] { batchTopK.checkpointFields }
  /// BatchTopK's θ.
  public func restored(from fields: TrainingCheckpoint.Fields) throws(TrainingError) -> any SAEArchitecture {
    var copy = self
    copy.batchTopK.threshold = try fields.double("threshold", in: 0...Double.greatestFiniteMagnitude)
    return copy
  }
}

extension NormalizedSAEArchitecture: CheckpointedArchitecture {
  /// `mean_input_norm`.
  public var checkpointFields: [(key: String, json: String)] { [("mean_input_norm", TrainingCheckpoint.hexField(meanInputNorm))] }
  /// The architecture prepared at the saved mean norm (finite, ≥ 0).
  public func restored(from fields: TrainingCheckpoint.Fields) throws(TrainingError) -> any SAEArchitecture {
    NormalizedSAEArchitecture(alpha: alpha, noiseSigma: noiseSigma, meanInputNorm: try fields.double("mean_input_norm", in: 0...Double.greatestFiniteMagnitude))
  }
}

extension ReLUL1Architecture: CheckpointedArchitecture {
  /// `l1_log_coefficient`, the controller's log λ, when λ follows a target L0.
  public var checkpointFields: [(key: String, json: String)] {
    controller.map { [("l1_log_coefficient", TrainingCheckpoint.hexField($0.logCoefficient))] } ?? []
  }
  /// The controller at its saved log λ (finite), and λ with it.
  public func restored(from fields: TrainingCheckpoint.Fields) throws(TrainingError) -> any SAEArchitecture {
    guard var controller else { return self }
    controller.logCoefficient = try fields.double("l1_log_coefficient", in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
    return ReLUL1Architecture(controller: controller)
  }
}

extension JumpReLUTrainingArchitecture: CheckpointedArchitecture {
  /// `jumprelu_thresholds` (θ), the thresholds' Adam (`jumprelu_adam_step`, `jumprelu_adam_first_moment`,
  /// `jumprelu_adam_second_moment`), `l0_coefficient` (c) and, with a controller, `l0_log_coefficient`.
  public var checkpointFields: [(key: String, json: String)] {
    [("jumprelu_thresholds", TrainingCheckpoint.hexListField(thresholds)),
     ("jumprelu_adam_step", "\(thresholdOptimizer.step)"),
     ("jumprelu_adam_first_moment", TrainingCheckpoint.hexListField(thresholdOptimizer.firstMoment)),
     ("jumprelu_adam_second_moment", TrainingCheckpoint.hexListField(thresholdOptimizer.secondMoment)),
     ("l0_coefficient", TrainingCheckpoint.hexField(coefficient))]
      + (controller.map { [("l0_log_coefficient", TrainingCheckpoint.hexField($0.logCoefficient))] } ?? [])
  }
  /// θ (each finite, ≥ 0), the thresholds' Adam (moments finite, second ≥ 0), c (finite, ≥ 0) and the controller's log c (within its bounds).
  public func restored(from fields: TrainingCheckpoint.Fields) throws(TrainingError) -> any SAEArchitecture {
    let real = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, nonnegative = 0...Double.greatestFiniteMagnitude
    var copy = self
    copy.thresholds = try fields.doubles("jumprelu_thresholds", count: thresholds.count, in: nonnegative)
    copy.thresholdOptimizer.step = try fields.integer("jumprelu_adam_step")
    copy.thresholdOptimizer.firstMoment = try fields.doubles("jumprelu_adam_first_moment", count: thresholds.count, in: real)
    copy.thresholdOptimizer.secondMoment = try fields.doubles("jumprelu_adam_second_moment", count: thresholds.count, in: nonnegative)
    copy.coefficient = try fields.double("l0_coefficient", in: nonnegative)
    if var controller {
      let range = controller.logCoefficientRange
      controller.logCoefficient = try fields.double("l0_log_coefficient", in: max(range.lowerBound, real.lowerBound)...min(range.upperBound, real.upperBound))
      copy.controller = controller
    }
    return copy
  }
}
