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
  /// The thresholds' learning rate as a multiple of the weights' scheduled one (1: as sae-lens).
  public var thresholdLearningRateFactor: Double

  /// sae-lens's `jumprelu_init_threshold`.
  public static let initialThreshold = 0.01
  /// sae-lens's `jumprelu_bandwidth`.
  public static let defaultBandwidth = 0.05
  /// sae-lens's `l0_coefficient` default (where the synth-bench experiment starts its controller).
  public static let initialCoefficient = 1.0

  /// A JumpReLU SAE of `width` latents with thresholds at `initialThreshold`, bandwidth ε and either
  /// a fixed coefficient `coefficient` or the `controller`'s (which then sets c).
  public init(width: Int, coefficient: Double, controller: TargetL0Controller? = nil,
              bandwidth: Double = JumpReLUTrainingArchitecture.defaultBandwidth,
              initialThreshold: Double = JumpReLUTrainingArchitecture.initialThreshold, thresholdLearningRateFactor: Double = 1) {
    precondition(width >= 1 && bandwidth > 0 && initialThreshold >= 0 && coefficient >= 0 && coefficient.isFinite,
                 "JumpReLU needs width >= 1, bandwidth > 0, threshold >= 0 and a finite coefficient >= 0.")
    thresholds = Array(repeating: initialThreshold, count: width)
    self.bandwidth = bandwidth
    self.coefficient = controller?.coefficient ?? coefficient
    self.controller = controller
    thresholdOptimizer = AdamOptimizer(parameterCount: width, learningRate: 0)
    self.thresholdLearningRateFactor = thresholdLearningRateFactor
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
      thresholdOptimizer.learningRate = step.learningRate * thresholdLearningRateFactor
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
