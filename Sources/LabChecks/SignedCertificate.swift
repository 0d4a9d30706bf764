import LabNumerics
import LabSolvers

/// The explicit certificate of the signed pair and star conditions at λ > 0 (THEORY Theorem 4.7):
/// at a stationary point of P^±_λ the weights w_jn = d_jᵀr_n/λ put the target (−σ_j, (T_ij)_i) into
/// the zonotope Σ_{n∈B_j} [−1, 1]·(1, (z_in)_i) for every receiver j and every donor set at once.
///
/// The four conditions, each measured as its largest violation (0 at an exact stationary point):
/// w_jn = sign z_jn on A_j ((K1±)), |w_jn| ≤ 1 on B_j ((K1±)), Σ_n w_jn = 0 (with a bias, (K3)), and
/// Σ_n z_in w_jn = c_ij‖z_i‖₁ for every i ≠ j ((K2) along d_j), which is Σ_{B_j} w_jn z_in = T_ij.
public struct SignedCertificate: Sendable, Equatable {
  /// The receiver j.
  public var receiver: Int
  /// w_jn = d_jᵀr_n/λ for every point n.
  public var weights: [Double]
  /// max_{n∈A_j} |w_jn − sign z_jn|.
  public var signViolation: Double
  /// max_{n∈B_j} (|w_jn| − 1)₊.
  public var boxViolation: Double
  /// |Σ_n w_jn| with a bias, 0 without.
  public var biasViolation: Double
  /// max_{i≠j used} |Σ_n z_in w_jn − c_ij‖z_i‖₁| / max(1, c_ij‖z_i‖₁).
  public var targetViolation: Double

  /// The weights for receiver j of `problem` (signed codes), active entries |z_jn| > τ.
  public init(_ problem: SparseCodingProblem, receiver j: Int, activityThreshold tau: Double = 0) {
    precondition(problem.isSigned, "SignedCertificate needs a problem with signed codes.")
    let z = problem.codes, n = z.rows
    let residual = problem.residual, dj = problem.dictionary.row(j)
    let w = (0..<n).map { point in zip(residual.row(point), dj).reduce(0) { $0 + $1.0 * $1.1 } / problem.lambda }
    var sign = 0.0, box = 0.0  // box starts at 0: (|w| − 1)₊
    for point in 0..<n {
      if problem.isActive(point, j, threshold: tau) {
        sign = max(sign, abs(w[point] - (z[point, j] > 0 ? 1 : -1)))
      } else {
        box = max(box, abs(w[point]) - 1)
      }
    }
    var target = 0.0
    for i in 0..<z.columns where i != j && problem.mass(of: i) > 0 {
      let goal = problem.cosine(i, j) * problem.mass(of: i)
      let reached = (0..<n).reduce(0.0) { $0 + z[$1, i] * w[$1] }
      target = max(target, abs(reached - goal) / max(1, abs(goal)))
    }
    receiver = j
    weights = w
    signViolation = sign
    boxViolation = box
    biasViolation = problem.hasBias ? abs(w.reduce(0, +)) : 0
    targetViolation = target
  }
}
