/// SAELens `jumprelu` trained as sae-lens 6.54 `JumpReLUTrainingSAE` with the "step" sparsity loss
/// (DeepMind's JumpReLU; `jumprelu_ste_to_input` false): codes `z = h · [h > θ_i]` with one learned
/// threshold θ_i ≥ 0 per latent (initialised to 0.01, kept ≥ 0 after every step), loss
/// `mean_batch ‖x̂ − x‖² + c · mean_batch #{i : z_i ≠ 0}`. The weights get the exact gradient of the
/// reconstruction term (the step loss has none on them); the thresholds get the rectangle-kernel
/// straight-through pseudo-gradient of bandwidth ε = 0.05 (``ActivationRule/trainedJumpReLU(thresholds:bandwidth:)``)
/// and their own Adam at the weights' scheduled learning rate times ``thresholdLearningRateFactor``
/// (1 as sae-lens; larger for short runs, where Adam's steps of about the learning rate cannot move
/// a threshold far). With a ``TargetL0Controller`` the
/// coefficient c follows it (the SynthSAEBench recipe); saved as SAELens `jumprelu` with the thresholds.
/// These settings are in the data's units, or in the units of inputs normalised to mean norm √m
/// (``JumpReLUUnits``), as ``targetL0(width:target:)`` (`lab train --arch jumprelu --k K`) gives them.
public struct JumpReLUTrainingArchitecture: SAEArchitecture {
  /// θ, one threshold per latent.
  public var thresholds: [Double]
  /// ε, the straight-through estimator's bandwidth (sae-lens `jumprelu_bandwidth`).
  public var bandwidth: Double
  /// c, the L0 coefficient (sae-lens `l0_coefficient`).
  public var coefficient: Double
  /// The controller that moves c to a target L0, if any.
  public var controller: TargetL0Controller?
  /// Adam of the thresholds.
  public var thresholdOptimizer: AdamOptimizer<Double>
  /// The thresholds' learning rate as a multiple of the weights' scheduled one (1: as sae-lens), in ``units``.
  public var thresholdLearningRateFactor: Double
  /// The norm of every decoder row at initialisation (SAELens `decoder_init_norm`; 0.1, its default
  /// and every other architecture's, unless given).
  public var initialDecoderNorm: Double
  /// The units of the thresholds' settings.
  public var units: JumpReLUUnits
  /// s, the data's units per normalised unit (1 until ``prepared(meanInputNorm:inputDimension:)``
  /// with ``JumpReLUUnits/normalizedInput``): a threshold step of Adam, about its learning rate in
  /// normalised units, is s times that in the data's.
  public var unitScale = 1.0

  /// sae-lens's `jumprelu_init_threshold`.
  public static let initialThreshold = 0.01
  /// sae-lens's `jumprelu_bandwidth`.
  public static let defaultBandwidth = 0.05
  /// sae-lens's `l0_coefficient` default (where the synth-bench experiment starts its controller).
  public static let initialCoefficient = 1.0
  /// The SynthSAEBench recipe's `jumprelu_init_threshold`, in normalised units.
  public static let recipeThreshold = 1.0
  /// The SynthSAEBench recipe's `jumprelu_bandwidth`, in normalised units.
  public static let recipeBandwidth = 1.0
  /// The SynthSAEBench recipe's `decoder_init_norm` (its pre-activations start near its thresholds).
  public static let recipeDecoderNorm = 0.5
  /// The thresholds' learning rate, in normalised units, as a multiple of the weights' in
  /// ``targetL0(width:target:)``: a departure from the recipe (1 ×, over 195k steps), for runs of a
  /// few thousand steps, where Adam's steps of about the learning rate move a threshold about one
  /// normalised unit in all. On the planted world of `JumpReLUTargetL0Tests` (1,000 steps at lr 1e-3),
  /// factors 2, 3, 5 and 10 end within 10 % of targets 4, 8 and 12; factor 1 ends at 2.6 for target 4.
  public static let targetL0ThresholdLearningRateFactor = 3.0

  /// A JumpReLU SAE of `width` latents with thresholds at `initialThreshold`, bandwidth ε and either
  /// a fixed coefficient `coefficient` or the `controller`'s (which then sets c), all in `units`.
  public init(width: Int, coefficient: Double, controller: TargetL0Controller? = nil,
              bandwidth: Double = JumpReLUTrainingArchitecture.defaultBandwidth,
              initialThreshold: Double = JumpReLUTrainingArchitecture.initialThreshold, thresholdLearningRateFactor: Double = 1,
              units: JumpReLUUnits = .data, initialDecoderNorm: Double = 0.1) {
    precondition(width >= 1 && bandwidth > 0 && initialThreshold >= 0 && coefficient >= 0 && coefficient.isFinite,
                 "JumpReLU needs width >= 1, bandwidth > 0, threshold >= 0 and a finite coefficient >= 0.")
    thresholds = Array(repeating: initialThreshold, count: width)
    self.bandwidth = bandwidth
    self.coefficient = controller?.coefficient ?? coefficient
    self.controller = controller
    thresholdOptimizer = AdamOptimizer(parameterCount: width, learningRate: 0)
    self.thresholdLearningRateFactor = thresholdLearningRateFactor
    self.units = units
    self.initialDecoderNorm = initialDecoderNorm
  }

  /// The JumpReLU of `lab train --arch jumprelu --k K`, trained as the SynthSAEBench recipe trains
  /// it: thresholds initialised at ``recipeThreshold``, bandwidth ``recipeBandwidth``, decoder rows
  /// of norm ``recipeDecoderNorm`` and c starting at sae-lens's `l0_coefficient` default, all in
  /// ``JumpReLUUnits/normalizedInput`` units, with the anti-windup
  /// ``TargetL0Controller/bounded(target:initialCoefficient:)`` controller towards `target`; the
  /// thresholds learn at ``targetL0ThresholdLearningRateFactor`` × the weights' rate.
  public static func targetL0(width: Int, target: Int) -> JumpReLUTrainingArchitecture {
    let controller = TargetL0Controller.bounded(target: target, initialCoefficient: initialCoefficient)
    return JumpReLUTrainingArchitecture(width: width, coefficient: controller.coefficient, controller: controller, bandwidth: recipeBandwidth,
                                        initialThreshold: recipeThreshold, thresholdLearningRateFactor: targetL0ThresholdLearningRateFactor,
                                        units: .normalizedInput, initialDecoderNorm: recipeDecoderNorm)
  }

  /// With ``JumpReLUUnits/normalizedInput``: θ, ε, c (and the controller) converted from normalised
  /// units to the data's, by s = `meanInputNorm`/√m (θ and ε times s, c times s²), and s kept for
  /// the thresholds' steps. Unchanged with ``JumpReLUUnits/data`` or all-zero data.
  public func prepared(meanInputNorm: @autoclosure () -> Double, inputDimension: Int) -> any SAEArchitecture {
    guard units == .normalizedInput, inputDimension > 0 else { return self }
    let meanInputNorm = meanInputNorm()
    guard meanInputNorm > 0 else { return self }
    let s = meanInputNorm / Double(inputDimension).squareRoot()
    var copy = self
    copy.thresholds = thresholds.map { $0 * s }
    copy.bandwidth = bandwidth * s
    copy.coefficient = coefficient * s * s
    copy.controller = controller?.rescaled(by: s * s)
    copy.unitScale = s
    return copy
  }

  /// `"jumprelu"`.
  public var kind: String { "jumprelu" }
  /// `"jumprelu"`.
  public var saeLensArchitecture: String { "jumprelu" }
  /// JumpReLU at the learned thresholds, with their pseudo-gradient.
  public var activation: ActivationRule { .trainedJumpReLU(thresholds: thresholds, bandwidth: bandwidth) }
  /// JumpReLU at the learned thresholds.
  public var inferenceActivation: ActivationRule { .jumpReLU(thresholds) }
  /// The step L0 loss with coefficient c.
  public var penalty: SparsityPenalty { .l0(coefficient) }
  /// None: `jumprelu` has no extra keys.
  public var saeLensExtraConfig: [(key: String, json: String)] { [] }
  /// `threshold` [F].
  public func saeLensExtraTensors(width: Int) -> [(name: String, values: [Float])] { [("threshold", thresholds.map(Float.init))] }

  /// An Adam step of the thresholds on their pseudo-gradient, θ kept ≥ 0, then the controller's update of c.
  public mutating func record(_ step: TrainingStepRecord) {
    if let gradient = step.thresholdGradient {
      thresholdOptimizer.learningRate = step.learningRate * thresholdLearningRateFactor * unitScale
      thresholdOptimizer.update(&thresholds, gradient: gradient)
      for i in thresholds.indices where thresholds[i] < 0 { thresholds[i] = 0 }
    }
    if var controller {
      controller.record(activeCount: step.activeCount, batchSize: step.batchSize)
      coefficient = controller.coefficient
      self.controller = controller
    }
  }
}

/// The units in which a ``JumpReLUTrainingArchitecture``'s thresholds, bandwidth, coefficient and
/// threshold learning rate are given.
public enum JumpReLUUnits: Sendable, Equatable {
  /// The data's own units (sae-lens's `JumpReLUTrainingSAE` on raw inputs).
  case data
  /// Units of the input normalised to mean norm √m, sae-lens's `normalize_activations =
  /// "expected_average_only_in"` under which the SynthSAEBench recipe trains JumpReLU: the
  /// architecture is trained on the raw data with every setting converted (a pre-activation, so a
  /// threshold, scales as the input; the squared error as its square, so c does too).
  case normalizedInput
}
