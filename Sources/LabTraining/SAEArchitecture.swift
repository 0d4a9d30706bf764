/// How an architecture turns pre-activations `h = (x − b_dec) W_enc + b_enc` (plus training noise,
/// if any) into codes. Every rule keeps a code only where it is positive; the derivative of a code
/// with respect to its pre-activation is 1 where the code is positive and 0 elsewhere, except for
/// ``tanhReLU`` whose derivative is `1 − z²` where the code is positive.
public enum ActivationRule: Equatable, Sendable {
  /// `z = ReLU(h)`.
  case relu
  /// Keep the `k` largest pre-activations of each row (ties broken by the lower latent index),
  /// zero the rest, then ReLU (SAELens `topk` without decoder-norm rescaling).
  case topK(Int)
  /// Keep the `k·B` largest pre-activations of the whole B-row batch (ties broken by the lower
  /// row-major index), zero the rest, then ReLU (SAELens `BatchTopK`, training only).
  case batchTopK(Int)
  /// `z = ReLU(h) · [h > θ_i]` with one threshold per latent, or a single threshold for every
  /// latent (SAELens `jumprelu` at inference).
  case jumpReLU([Double])
  /// ``jumpReLU(_:)`` in training with learned per-latent thresholds θ ≥ 0: the codes are the same,
  /// and the kernel also returns the thresholds' pseudo-gradient by the rectangle-kernel straight-
  /// through estimator of bandwidth ε (sae-lens `JumpReLU` and `Step` backward):
  /// ∂θ_i = Σ_b −(θ_i/ε) · 1[|h_bi − θ_i| < ε/2] · ∂L/∂z_bi, plus the ``SparsityPenalty/l0(_:)`` term
  /// Σ_b −(c/(Bε)) · 1[|h_bi − θ_i| < ε/2].
  case trainedJumpReLU(thresholds: [Double], bandwidth: Double)
  /// `z = tanh(ReLU(h))`, codes in [0, 1) (the normalised SAE).
  case tanhReLU
  /// ``MatchingPursuit`` from the decoder (no pre-activations): at most `maxIterations` greedy steps,
  /// stopping below `residualThreshold`. Encoded and trained by ``MatchingPursuit``, not ``SAEKernel``.
  case matchingPursuit(maxIterations: Int, residualThreshold: Double)
}

/// The sparsity term added to the reconstruction loss, averaged over the batch.
public enum SparsityPenalty: Equatable, Sendable {
  /// No penalty (TopK controls sparsity).
  case none
  /// `λ · mean_batch Σ_i z_i ‖W_dec,i‖`, SAELens `standard` and bench_w3_sae.py.
  case decoderNormWeightedL1(Double)
  /// `λ · mean_batch Σ_i z_i` (codes are nonnegative), for unit-norm decoders and the normalised SAE.
  case l1(Double)
  /// `c · mean_batch #{i : z_i ≠ 0}`, the "step" L0 loss of sae-lens JumpReLU: it has no gradient on
  /// the weights, only the thresholds' pseudo-gradient (``ActivationRule/trainedJumpReLU(thresholds:bandwidth:)``).
  case l0(Double)

  /// The coefficient λ (0 for ``none``).
  public var coefficient: Double {
    switch self {
    case .none: 0
    case .decoderNormWeightedL1(let c), .l1(let c), .l0(let c): c
    }
  }

  /// The coefficient of the penalty's gradient on the codes (0 for ``none`` and ``l0(_:)``).
  var codeGradientCoefficient: Double {
    switch self {
    case .none, .l0: 0
    case .decoderNormWeightedL1(let c), .l1(let c): c
    }
  }

  /// The same penalty with its coefficient multiplied by `factor` (the L1 warm-up).
  public func scaled(by factor: Double) -> SparsityPenalty {
    switch self {
    case .none: .none
    case .decoderNormWeightedL1(let c): .decoderNormWeightedL1(c * factor)
    case .l1(let c): .l1(c * factor)
    case .l0(let c): .l0(c * factor)
    }
  }
}

/// A shallow sparse-autoencoder architecture: one encoder layer, one decoder layer, an activation
/// rule, a sparsity penalty and how it is named in a `cfg.json`. Every architecture has encoder and
/// decoder biases; most subtract the decoder bias from the input before encoding (SAELens
/// `apply_b_dec_to_input = true`).
public protocol SAEArchitecture: Sendable {
  /// The registry name used by `lab train --arch` (e.g. `"relu-l1"`).
  var kind: String { get }
  /// The `architecture` written to `cfg.json` (e.g. `"standard"`; ours start with `"sparselab_"`).
  var saeLensArchitecture: String { get }
  /// The activation rule in training.
  var activation: ActivationRule { get }
  /// The activation rule at inference (default: the training rule).
  var inferenceActivation: ActivationRule { get }
  /// The sparsity penalty of the training loss.
  var penalty: SparsityPenalty { get }
  /// Whether `b_dec` is subtracted from the input before encoding (default true).
  var subtractsDecoderBias: Bool { get }
  /// Whether training keeps every decoder row at unit norm (default false): the gradient component
  /// parallel to each row is removed before the step and the rows are renormalised after it.
  var unitNormDecoder: Bool { get }
  /// The standard deviation σ of the Gaussian noise added to the pre-activations in training only
  /// (default 0: none).
  var trainingNoise: Double { get }
  /// The norm of every decoder row at initialisation (default 0.1, SAELens `decoder_init_norm`).
  var initialDecoderNorm: Double { get }
  /// Whether the SAELens folder holds `W_enc` and `b_enc` (default true; false for a tied encoder).
  var writesEncoder: Bool { get }
  /// Matryoshka's inner widths w_1 < … < w_{L−1} < F, each adding a nested reconstruction loss (default none).
  var nestedPrefixes: [Int] { get }
  /// Architecture-specific `cfg.json` keys as (key, JSON text) pairs, in order.
  var saeLensExtraConfig: [(key: String, json: String)] { get }
  /// Extra float32 tensors of `sae_weights.safetensors` for an SAE of `width` latents (default none).
  func saeLensExtraTensors(width: Int) -> [(name: String, values: [Float])]
  /// The architecture fitted to the training data before the first step (default: unchanged);
  /// `meanInputNorm` is the mean Euclidean norm of the data rows (a pass over all of them, so it is
  /// evaluated only by the kinds that use it), `inputDimension` their length m.
  func prepared(meanInputNorm: @autoclosure () -> Double, inputDimension: Int) -> any SAEArchitecture
  /// Learns from a finished training step (after the weights' update); default: nothing.
  mutating func record(_ step: TrainingStepRecord)
}

/// What a training step tells its architecture after the weights' update.
public struct TrainingStepRecord: Sendable {
  /// The smallest positive code of the batch (nil when none fired).
  public var minimumPositiveCode: Double?
  /// The number of nonzero codes in the batch, and B.
  public var activeCount: Int, batchSize: Int
  /// The thresholds' pseudo-gradient (``ActivationRule/trainedJumpReLU(thresholds:bandwidth:)``), else nil.
  public var thresholdGradient: [Double]?
  /// The step's scheduled learning rate.
  public var learningRate: Double

  /// A record; see the properties.
  public init(minimumPositiveCode: Double?, activeCount: Int, batchSize: Int, thresholdGradient: [Double]?, learningRate: Double) {
    self.minimumPositiveCode = minimumPositiveCode
    self.activeCount = activeCount
    self.batchSize = batchSize
    self.thresholdGradient = thresholdGradient
    self.learningRate = learningRate
  }
}

extension SAEArchitecture {
  /// The training rule.
  public var inferenceActivation: ActivationRule { activation }
  /// True.
  public var subtractsDecoderBias: Bool { true }
  /// False.
  public var unitNormDecoder: Bool { false }
  /// 0.
  public var trainingNoise: Double { 0 }
  /// 0.1.
  public var initialDecoderNorm: Double { 0.1 }
  /// None.
  public var nestedPrefixes: [Int] { [] }
  /// True.
  public var writesEncoder: Bool { true }
  /// None.
  public func saeLensExtraTensors(width: Int) -> [(name: String, values: [Float])] { [] }
  /// Unchanged.
  public func prepared(meanInputNorm: @autoclosure () -> Double, inputDimension: Int) -> any SAEArchitecture { self }
  /// Nothing.
  public mutating func record(_ step: TrainingStepRecord) {}
}
