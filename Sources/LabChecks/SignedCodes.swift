import LabNumerics
import LabSolvers

/// The activity rule and masses that the checks share between nonnegative codes (P⁺) and signed
/// codes (P^±, THEORY §4.6): entry (n, k) is active iff z_nk > τ, or |z_nk| > τ for signed codes
/// (THEORY §5.1), and a feature's mass is Z_k = Σ_n z_nk, or ‖z_k‖₁ for signed codes.
extension SparseCodingProblem {
  /// Whether code entry (point, atom) is active at threshold τ.
  func isActive(_ point: Int, _ atom: Int, threshold tau: Double) -> Bool {
    isSigned ? abs(codes[point, atom]) > tau : codes[point, atom] > tau
  }

  /// Z_k, or ‖z_k‖₁ for signed codes.
  func mass(of atom: Int) -> Double {
    (0..<codes.rows).reduce(0.0) { $0 + (isSigned ? abs(codes[$1, atom]) : codes[$1, atom]) }
  }

  /// c_ij = d_iᵀd_j.
  func cosine(_ i: Int, _ j: Int) -> Double {
    zip(dictionary.row(i), dictionary.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
  }

  /// Whether d_i and d_j span a plane, the condition for a pair or star move between them: c_ij < 1,
  /// and also c_ij > −1 for signed codes (whose moves may rotate either way).
  func spansPlane(_ i: Int, _ j: Int) -> Bool {
    let c = cosine(i, j)
    return c < 1 && (!isSigned || c > -1)
  }

  /// Exact lasso codes of this problem's data, λ and code constraint for another dictionary and
  /// bias: the active-set ``NonnegativeLasso``, or for signed codes the exact signed active-set
  /// encoder (``ExactCodes``).
  func exactCodes(dictionary: Matrix<Double>, bias: [Double]?) -> Matrix<Double> {
    isSigned
      ? ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda, constraint: .signed)
      : NonnegativeLasso(dictionary: dictionary, lambda: lambda).codes(for: samples, bias: bias)
  }

  /// For receiver j of the signed problem (THEORY Theorem 4.7): σ_j = Σ_{n∈A_j} s_jn and, for each
  /// donor i, T_ij = c_ij‖z_i‖₁ − Σ_{n∈A_j} s_jn z_in (s_jn = sign z_jn).
  func signedTargets(receiver j: Int, donors: [Int], threshold tau: Double) -> (signSum: Double, targets: [Double]) {
    var signSum = 0.0
    var targets = donors.map { cosine($0, j) * mass(of: $0) }
    for n in 0..<codes.rows where isActive(n, j, threshold: tau) {
      let s: Double = codes[n, j] > 0 ? 1 : -1
      signSum += s
      for (position, i) in donors.enumerated() { targets[position] -= s * codes[n, i] }
    }
    return (signSum, targets)
  }
}
