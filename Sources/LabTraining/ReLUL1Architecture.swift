/// SAELens `standard`: `z = ReLU((x − b_dec) W_enc + b_enc)`, trained with the decoder-norm-weighted
/// L1 penalty `λ · mean_batch Σ_i z_i ‖W_dec,i‖` — the loss of bench_w3_sae.py.
public struct ReLUL1Architecture: SAEArchitecture, Equatable {
  /// λ, the L1 coefficient (`--l1`).
  public var l1Coefficient: Double
  /// The controller that moves λ to a target L0 (`--k`), if any.
  public var controller: TargetL0Controller?

  /// A ReLU SAE with L1 coefficient `l1Coefficient` ≥ 0.
  public init(l1Coefficient: Double) {
    precondition(l1Coefficient >= 0 && l1Coefficient.isFinite, "The L1 coefficient must be finite and >= 0, got \(l1Coefficient).")
    self.l1Coefficient = l1Coefficient
  }

  /// A ReLU SAE whose L1 coefficient follows `controller` to its target L0.
  public init(controller: TargetL0Controller) {
    l1Coefficient = controller.coefficient
    self.controller = controller
  }

  /// `"relu-l1"`.
  public var kind: String { "relu-l1" }
  /// `"standard"`.
  public var saeLensArchitecture: String { "standard" }
  /// ReLU.
  public var activation: ActivationRule { .relu }
  /// The decoder-norm-weighted L1 penalty with coefficient λ.
  public var penalty: SparsityPenalty { .decoderNormWeightedL1(l1Coefficient) }
  /// None: `standard` has no extra keys.
  public var saeLensExtraConfig: [(key: String, json: String)] { [] }
}

extension ReLUL1Architecture {
  /// The controller's update of λ, if there is one.
  public mutating func record(_ step: TrainingStepRecord) {
    guard var controller else { return }
    controller.record(activeCount: step.activeCount, batchSize: step.batchSize)
    l1Coefficient = controller.coefficient
    self.controller = controller
  }
}
