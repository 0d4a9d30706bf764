import LabNumerics
import LabOptimization
import LabSolvers

/// CERT (THEORY §5.4): the least total violation of the certificate (D1)–(D4),
///
///     min Σ(e⁺ + e⁻) + Σt + Σ(a⁺ + a⁻) + Σ(g⁺ + g⁻)  over ν_n ∈ ℝᵐ, κ_k and slacks ≥ 0, s.t.
///       d_kᵀν_n + e⁺_kn − e⁻_kn = 1                        (z_nk > τ)
///       d_kᵀν_n − t_kn ≤ 1                                  (z_nk ≤ τ)
///       Σ_n z_nk ν_n,i + κ_k D_ki − a⁺_ik + a⁻_ik = 0        (i = 1..m, k = 1..K)
///       Σ_n ν_n,i − g⁺_i + g⁻_i = 0                          (i = 1..m, only with a bias)
///
/// By strong duality CERT = −value(LIN with ω = 1), so CERT = 0 iff a certificate exists, and at
/// λ > 0 LP-R = −λ·CERT. It is solved as its own LP so that the identity is a real check.
///
/// Signed codes (§5.4): the equality rows have right-hand side sign z_nk, and an inactive entry
/// also gets −d_kᵀν_n − t_kn ≤ 1 (one slack for both sides: at most one of them can bind).
public enum CertificateProgram {
  /// Builds CERT for `problem`'s dictionary, codes and bias option, solves it with GLPK and verifies the answer.
  public static func solve(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0) throws -> LPTestResult {
    let d = problem.dictionary, z = problem.codes
    let m = d.columns, k = d.rows, n = z.rows
    var program = LinearProgram(direction: .minimize)
    let nu = program.addColumns(count: m * n, bounds: .free, cost: 0)  // ν_n,i ↦ nu.lowerBound + i + m·n
    let kappa = program.addColumns(count: k, bounds: .free, cost: 0)
    func nuColumn(_ point: Int, _ i: Int) -> Int { nu.lowerBound + i + m * point }
    for point in 0..<n {
      for atom in 0..<k {
        var terms = (0..<m).map { (column: nuColumn(point, $0), value: d[atom, $0]) }
        if problem.isActive(point, atom, threshold: tau) {
          terms.append((program.addColumn(bounds: .nonnegative, cost: 1), 1))
          terms.append((program.addColumn(bounds: .nonnegative, cost: 1), -1))
          program.addRow(terms, bounds: .fixed(problem.isSigned && z[point, atom] < 0 ? -1 : 1))
        } else {
          let slack = program.addColumn(bounds: .nonnegative, cost: 1)
          terms.append((slack, -1))
          program.addRow(terms, bounds: .atMost(1))
          if problem.isSigned {
            var opposite = (0..<m).map { (column: nuColumn(point, $0), value: -d[atom, $0]) }
            opposite.append((slack, -1))
            program.addRow(opposite, bounds: .atMost(1))
          }
        }
      }
    }
    for atom in 0..<k {
      for i in 0..<m {
        var terms: [(column: Int, value: Double)] = (0..<n).compactMap { point in
          z[point, atom] == 0 ? nil : (nuColumn(point, i), z[point, atom])
        }
        terms.append((kappa.lowerBound + atom, d[atom, i]))
        terms.append((program.addColumn(bounds: .nonnegative, cost: 1), -1))
        terms.append((program.addColumn(bounds: .nonnegative, cost: 1), 1))
        program.addRow(terms, bounds: .fixed(0))
      }
    }
    if problem.hasBias {
      for i in 0..<m {
        var terms = (0..<n).map { (column: nuColumn($0, i), value: 1.0) }
        terms.append((program.addColumn(bounds: .nonnegative, cost: 1), -1))
        terms.append((program.addColumn(bounds: .nonnegative, cost: 1), 1))
        program.addRow(terms, bounds: .fixed(0))
      }
    }
    let result = try GLPK.solveVerified(program)
    let solved = result.solution.status == .optimal
    return LPTestResult(solved: result, value: solved ? result.solution.objective : .nan, direction: nil,
                        size: (program.columnCount, program.rowCount))
  }
}
