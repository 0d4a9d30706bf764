/// The normalised SAE (NSAE) of seeds/004: `c = tanh(ReLU(W_e x + b_e + ε))` with `ε ~ N(0, σ²)`
/// added to every pre-activation in training only, `x̂ = c W_d + b_d` with unconstrained decoder
/// norms, no decoder-bias subtraction before the encoder, and loss
/// `mean_batch Σ_d (x̂ − x)² + β · mean_batch Σ_i c_i` with `β = α · mean(‖x‖)²` over the training
/// data (the "per data source" scaling, fixed by ``prepared(meanInputNorm:inputDimension:)`` before training).
/// Decoder rows start at norm 1, since codes are at most 1. Saved with our own `cfg.json`
/// architecture `"sparselab_nsae"` (keys `alpha`, `noise_sigma`, `mean_input_norm`,
/// `apply_b_dec_to_input` false), which SAELens does not know and will refuse rather than misread.
public struct NormalizedSAEArchitecture: SAEArchitecture, Equatable {
  /// α (`--alpha`).
  public var alpha: Double
  /// σ (`--noise-sigma`).
  public var noiseSigma: Double
  /// mean(‖x‖) of the training data (0 until prepared).
  public var meanInputNorm: Double

  /// An NSAE with α ≥ 0, σ ≥ 0 and, once known, the mean input norm.
  public init(alpha: Double, noiseSigma: Double, meanInputNorm: Double = 0) {
    precondition(alpha >= 0 && alpha.isFinite && noiseSigma >= 0 && noiseSigma.isFinite && meanInputNorm >= 0,
                 "NSAE needs finite α, σ, mean norm >= 0, got \(alpha), \(noiseSigma), \(meanInputNorm).")
    self.alpha = alpha
    self.noiseSigma = noiseSigma
    self.meanInputNorm = meanInputNorm
  }

  /// `"nsae"`.
  public var kind: String { "nsae" }
  /// `"sparselab_nsae"`.
  public var saeLensArchitecture: String { "sparselab_nsae" }
  /// tanh ∘ ReLU.
  public var activation: ActivationRule { .tanhReLU }
  /// Plain L1 with β = α · mean(‖x‖)².
  public var penalty: SparsityPenalty { .l1(alpha * meanInputNorm * meanInputNorm) }
  /// False: the encoder sees x itself.
  public var subtractsDecoderBias: Bool { false }
  /// σ.
  public var trainingNoise: Double { noiseSigma }
  /// 1.
  public var initialDecoderNorm: Double { 1 }
  /// `alpha`, `noise_sigma`, `mean_input_norm`.
  public var saeLensExtraConfig: [(key: String, json: String)] {
    [("alpha", "\(alpha)"), ("noise_sigma", "\(noiseSigma)"), ("mean_input_norm", "\(meanInputNorm)")]
  }
  /// The same NSAE with the data's mean input norm (the dimension plays no part).
  public func prepared(meanInputNorm: @autoclosure () -> Double, inputDimension: Int) -> any SAEArchitecture {
    NormalizedSAEArchitecture(alpha: alpha, noiseSigma: noiseSigma, meanInputNorm: meanInputNorm())
  }
}
