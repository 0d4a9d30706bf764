/// Which codes a sparse-coding problem allows: the nonnegative problem P⁺_λ or the signed
/// problem P^±_λ of THEORY §2.1.
public enum CodeConstraint: String, Sendable, Codable, CaseIterable {
  /// z ≥ 0, penalty λ Σ_k z_k.
  case nonnegative
  /// z ∈ ℝ^K, penalty λ Σ_k |z_k|.
  case signed
}
