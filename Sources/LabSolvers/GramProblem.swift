/// The per-point lasso on a precomputed Gram matrix, as the coding kernels see it:
///
///     min_z  ½ zᵀGz − cᵀz + λ‖z‖₁   (z ≥ 0 when nonnegative),
///
/// which equals ½‖v − Σ_k z_k d_k‖² + λ‖z‖₁ − ½‖v‖² for G = D·Dᵀ and c = D·v, v = x − b.
/// `gram` points at the `K × K` row-major Gram matrix, owned by the caller for the kernels' use and
/// never written while they run (hence safe to share between worker threads).
struct GramProblem: @unchecked Sendable {
  /// G = D·Dᵀ, `atomCount × atomCount`, row-major.
  let gram: UnsafePointer<Double>
  /// K.
  let atomCount: Int
  /// λ > 0.
  let lambda: Double
  /// Nonnegative or signed codes.
  let constraint: CodeConstraint

  /// The (K1) / (K1±) violation of atom `a` with code `z` when its gradient of the smooth part is
  /// `u` = (Gz − c)_a = −d_aᵀr: |u + λ sign z| on the support, the excess of −u (|u|) over λ off it.
  @inline(__always)
  func violation(code z: Double, smoothGradient u: Double) -> Double {
    if z > 0 { return abs(u + lambda) }
    if z < 0 { return abs(u - lambda) }
    return max((constraint == .signed ? abs(u) : -u) - lambda, 0)
  }
}
