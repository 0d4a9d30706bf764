/// SAELens `BatchTopK` (Bussmann et al.): in training keep the `k·B` largest ReLU'd pre-activations
/// of the whole batch, trained on the reconstruction loss alone, while a threshold follows the
/// smallest kept code, `θ ← (1 − η) θ + η · min positive code` (η = `topk_threshold_lr`, θ starts
/// at 0, kept in `Double` as SAELens keeps it in float64). At inference every latent uses that
/// threshold: `z = ReLU(h) · [h > θ]`, and the SAE is saved as SAELens `jumprelu` with `threshold`
/// = θ in every slot (ANCHORS §4).
public struct BatchTopKArchitecture: SAEArchitecture, Equatable {
  /// k, the mean number of latents kept per sample.
  public var k: Int
  /// η, the threshold's update rate (SAELens default 0.01).
  public var thresholdLearningRate: Double
  /// θ, the inference threshold.
  public var threshold: Double

  /// A BatchTopK SAE keeping `k` ≥ 1 latents per sample on average.
  public init(k: Int, thresholdLearningRate: Double = 0.01, threshold: Double = 0) {
    precondition(k >= 1, "BatchTopK needs k >= 1, got \(k).")
    precondition(thresholdLearningRate > 0 && thresholdLearningRate <= 1, "The threshold rate must be in (0, 1], got \(thresholdLearningRate).")
    self.k = k
    self.thresholdLearningRate = thresholdLearningRate
    self.threshold = threshold
  }

  /// `"batchtopk"`.
  public var kind: String { "batchtopk" }
  /// `"jumprelu"`.
  public var saeLensArchitecture: String { "jumprelu" }
  /// Batch-level top k·B.
  public var activation: ActivationRule { .batchTopK(k) }
  /// JumpReLU with the single threshold θ for every latent.
  public var inferenceActivation: ActivationRule { .jumpReLU([threshold]) }
  /// None.
  public var penalty: SparsityPenalty { .none }
  /// None: `jumprelu` has no extra keys.
  public var saeLensExtraConfig: [(key: String, json: String)] { [] }
  /// `threshold` [F], θ in every slot.
  public func saeLensExtraTensors(width: Int) -> [(name: String, values: [Float])] {
    [("threshold", Array(repeating: Float(threshold), count: width))]
  }
  /// The SAELens update of θ.
  public mutating func record(_ step: TrainingStepRecord) {
    if let minimumPositiveCode = step.minimumPositiveCode { threshold = (1 - thresholdLearningRate) * threshold + thresholdLearningRate * minimumPositiveCode }
  }
}

/// SAELens `jumprelu` at inference, `z = ReLU(h) · [h > θ_i]`, as read from a `cfg.json`; it has no
/// training rule of its own here (a trained BatchTopK SAE is saved in this form).
public struct JumpReLUArchitecture: SAEArchitecture, Equatable {
  /// θ, one threshold per latent.
  public var thresholds: [Double]

  /// A JumpReLU SAE with the given per-latent thresholds.
  public init(thresholds: [Double]) { self.thresholds = thresholds }

  /// `"jumprelu"`.
  public var kind: String { "jumprelu" }
  /// `"jumprelu"`.
  public var saeLensArchitecture: String { "jumprelu" }
  /// JumpReLU at the thresholds.
  public var activation: ActivationRule { .jumpReLU(thresholds) }
  /// None.
  public var penalty: SparsityPenalty { .none }
  /// None.
  public var saeLensExtraConfig: [(key: String, json: String)] { [] }
  /// `threshold` [F].
  public func saeLensExtraTensors(width: Int) -> [(name: String, values: [Float])] { [("threshold", thresholds.map(Float.init))] }
}
