import LabNumerics
import LabOptimization

/// Exact L1 coding (the λ → 0 problem P⁺₀ of THEORY §2.1) as a linear program per point:
///
///     γ⁺_D(v) = min { Σ_k z_k : Σ_k z_k d_k = v, z ≥ 0 },   v = x − b,
///
/// solved by GLPK and accepted only when the independent certificate check passes
/// (``LabOptimization/LPVerifier``). A point outside the cone of the atoms has cost +∞.
public enum ExactL1Coding {
  /// The answer for one point.
  public struct PointCode: Sendable {
    /// The optimal code, or `nil` when v is not in the cone of the atoms.
    public var code: [Double]?
    /// γ⁺_D(v), or +∞ when infeasible.
    public var cost: Double
    /// Whether the LP answer passed the independent verification.
    public var verified: Bool
    /// The row duals ν (one per coordinate of v): a certificate with d_kᵀν ≤ 1, = 1 on the support, when optimal.
    public var duals: [Double]?
  }

  /// The summed cost over a data set.
  public struct Total: Sendable {
    /// Σ_n γ⁺_D(x_n − b); +∞ when any point is outside the cone.
    public var cost: Double
    /// Points whose LP was infeasible.
    public var infeasiblePoints: Int
    /// Points whose LP answer failed verification (or was undefined).
    public var unverifiedPoints: Int
  }

  /// Codes one point v (length m) against `dictionary` (`K × m`).
  public static func code(_ v: [Double], dictionary: Matrix<Double>) throws -> PointCode {
    var program = LinearProgram(direction: .minimize)
    let columns = program.addColumns(count: dictionary.rows, bounds: .nonnegative, cost: 1)
    for i in 0..<dictionary.columns {
      program.addRow(columns.map { (column: $0, value: dictionary[$0, i]) }, bounds: .fixed(v[i]))
    }
    let result = try GLPK.solveVerified(program)
    switch result.solution.status {
    case .optimal:
      return PointCode(code: result.solution.primal, cost: result.solution.objective, verified: result.verification.verified,
                       duals: result.solution.rowDuals)
    case .infeasible:
      return PointCode(code: nil, cost: .infinity, verified: result.verification.verified, duals: nil)
    case .unbounded, .undefined:
      return PointCode(code: nil, cost: .nan, verified: false, duals: nil)
    }
  }

  /// Σ_n γ⁺_D(x_n − b) over the rows of `samples`.
  public static func total(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?) throws -> Total {
    let centred = SparseCodingProblem.subtractingBias(bias, from: samples)
    var total = Total(cost: 0, infeasiblePoints: 0, unverifiedPoints: 0)
    for n in 0..<centred.rows {
      let point = try code(centred.row(n), dictionary: dictionary)
      if !point.verified { total.unverifiedPoints += 1 }
      if point.cost == .infinity { total.infeasiblePoints += 1 }
      total.cost += point.cost
    }
    return total
  }
}
