/// The ReLU SAE with a unit-norm decoder (Anthropic's original recipe, dictionary_learning's
/// `ConstrainedAdam`): `z = ReLU((x − b_dec) W_enc + b_enc)`, loss `mean_batch Σ_d (x̂ − x)² +
/// λ · mean_batch Σ_i z_i`, every decoder row kept at norm 1 (initialised at 1; the gradient
/// component parallel to a row is removed before each step and the rows renormalised after it).
/// On the constraint set the penalty equals the decoder-norm-weighted one of ``ReLUL1Architecture``.
/// Saved as SAELens `standard` (the file does not record the training constraint).
public struct UnitNormReLUL1Architecture: SAEArchitecture, Equatable {
  /// λ, the L1 coefficient (`--l1`).
  public var l1Coefficient: Double

  /// A unit-norm-decoder ReLU SAE with L1 coefficient `l1Coefficient` ≥ 0.
  public init(l1Coefficient: Double) {
    precondition(l1Coefficient >= 0 && l1Coefficient.isFinite, "The L1 coefficient must be finite and >= 0, got \(l1Coefficient).")
    self.l1Coefficient = l1Coefficient
  }

  /// `"relu-l1-unit"`.
  public var kind: String { "relu-l1-unit" }
  /// `"standard"`.
  public var saeLensArchitecture: String { "standard" }
  /// ReLU.
  public var activation: ActivationRule { .relu }
  /// Plain L1 with coefficient λ.
  public var penalty: SparsityPenalty { .l1(l1Coefficient) }
  /// True.
  public var unitNormDecoder: Bool { true }
  /// 1.
  public var initialDecoderNorm: Double { 1 }
  /// None.
  public var saeLensExtraConfig: [(key: String, json: String)] { [] }
}
