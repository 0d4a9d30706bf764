/// sae-lens 6.54 `MatchingPursuitTrainingSAE`: the encoder is the transposed decoder and the codes are
/// ``MatchingPursuit``'s greedy residual pursuit with at most `maxIterations` steps (SynthSAEBench:
/// the target L0), stopping on an unchanged support or a residual norm below 0.01; trained on the
/// reconstruction loss alone through the pursuit, decoder rows initialised at norm 1. Saved as SAELens
/// `matching_pursuit` (`W_dec` and `b_dec` only).
public struct MatchingPursuitArchitecture: SAEArchitecture, Equatable {
  /// T, the most pursuit steps per sample (`--k`).
  public var maxIterations: Int
  /// The residual norm below which a sample stops (sae-lens `residual_threshold`).
  public var residualThreshold: Double

  /// sae-lens's default `residual_threshold`.
  public static let defaultResidualThreshold = 1e-2

  /// A matching-pursuit SAE with at most `maxIterations` ≥ 1 steps.
  public init(maxIterations: Int, residualThreshold: Double = MatchingPursuitArchitecture.defaultResidualThreshold) {
    precondition(maxIterations >= 1 && residualThreshold >= 0, "Matching pursuit needs maxIterations >= 1 and a threshold >= 0.")
    self.maxIterations = maxIterations
    self.residualThreshold = residualThreshold
  }

  /// `"matching-pursuit"`.
  public var kind: String { "matching-pursuit" }
  /// `"matching_pursuit"`.
  public var saeLensArchitecture: String { "matching_pursuit" }
  /// The pursuit.
  public var activation: ActivationRule { .matchingPursuit(maxIterations: maxIterations, residualThreshold: residualThreshold) }
  /// None.
  public var penalty: SparsityPenalty { .none }
  /// 1 (sae-lens forces `decoder_init_norm` = 1).
  public var initialDecoderNorm: Double { 1 }
  /// False: the encoder is the decoder.
  public var writesEncoder: Bool { false }
  /// `residual_threshold`, `max_iterations`, `stop_on_duplicate_support` (true).
  public var saeLensExtraConfig: [(key: String, json: String)] {
    [("residual_threshold", "\(residualThreshold)"), ("max_iterations", "\(maxIterations)"), ("stop_on_duplicate_support", "true")]
  }
}
