import LabOptimization
import LabSolvers

/// HULL and CONE membership (THEORY §5.6): the ℓ₁ distance from q to conv{p_n} (or cone{p_n}),
///
///     min 𝟙ᵀ(s⁺ + s⁻)  s.t.  Σ_n μ_n p_n + s⁺ − s⁻ = q,  𝟙ᵀμ = 1 (hull only),  μ, s± ≥ 0.
///
/// 0 iff q is inside; solved by GLPK and verified. The zonotope Σ_n [−1, 1]·p_n of the signed
/// conditions (THEORY Theorem 4.7) is the same program with μ_n ∈ [−1, 1] and no 𝟙ᵀμ row.
public enum HullDistance {
  /// The distance and whether the LP answer passed verification.
  public struct Result: Sendable {
    /// ℓ₁ distance (+∞ for the empty hull).
    public var distance: Double
    /// Whether the LP answer was independently verified (true for the trivial empty cases).
    public var verified: Bool
  }

  /// Distance from `q` to the hull (`conic == false`) or cone of `points` (each of q's dimension).
  public static func distance(of q: [Double], to points: [[Double]], conic: Bool) throws -> Result {
    if points.isEmpty {
      return Result(distance: conic ? q.reduce(0) { $0 + abs($1) } : .infinity, verified: true)
    }
    return try solve(q, points, weights: .nonnegative, convex: !conic)
  }

  /// Distance from `q` to the zonotope Σ_n [−1, 1]·g_n of `generators` (each of q's dimension).
  public static func distance(of q: [Double], toZonotope generators: [[Double]]) throws -> Result {
    if generators.isEmpty { return Result(distance: q.reduce(0) { $0 + abs($1) }, verified: true) }
    return try solve(q, generators, weights: .between(-1, 1), convex: false)
  }

  private static func solve(_ q: [Double], _ points: [[Double]], weights bounds: LinearProgram.Bounds, convex: Bool) throws -> Result {
    var program = LinearProgram(direction: .minimize)
    let weights = program.addColumns(count: points.count, bounds: bounds, cost: 0)
    let above = program.addColumns(count: q.count, bounds: .nonnegative, cost: 1)
    let below = program.addColumns(count: q.count, bounds: .nonnegative, cost: 1)
    for dimension in q.indices {
      var terms = weights.map { (column: $0, value: points[$0 - weights.lowerBound][dimension]) }
      terms.append((above.lowerBound + dimension, 1))
      terms.append((below.lowerBound + dimension, -1))
      program.addRow(terms, bounds: .fixed(q[dimension]))
    }
    if convex { program.addRow(weights.map { (column: $0, value: 1.0) }, bounds: .fixed(1)) }
    let result = try GLPK.solveVerified(program)
    return Result(distance: result.solution.status == .optimal ? result.solution.objective : .nan,
                  verified: result.solution.status == .optimal && result.verification.verified)
  }

  /// The star condition of Theorem 4.4 as a membership test: with a bias,
  /// q_S = ((1 − c_ij) z̄_i)_{i∈S} against conv{(z_in)_{i∈S} : n ∈ B_j}; without, ((1 − c_ij) Z_i) against the cone.
  /// Signed codes (Theorem 4.7): (−σ_j, (T_ij)_{i∈S}) against the zonotope Σ_{n∈B_j} [−1, 1]·(1, (z_in)_{i∈S}),
  /// the first coordinate dropped without bias (σ_j, T_ij as in ``StarProgram``).
  public static func star(_ problem: SparseCodingProblem, receiver j: Int, donors: [Int],
                          activityThreshold tau: Double = 0) throws -> Result {
    if problem.isSigned {
      let (signSum, targets) = problem.signedTargets(receiver: j, donors: donors, threshold: tau)
      let lead: [Double] = problem.hasBias ? [1] : []
      let generators = (0..<problem.codes.rows).filter { !problem.isActive($0, j, threshold: tau) }
        .map { point in lead + donors.map { problem.codes[point, $0] } }
      return try distance(of: (problem.hasBias ? [-signSum] : []) + targets, toZonotope: generators)
    }
    let z = problem.codes, d = problem.dictionary
    let n = z.rows
    let q = donors.map { i -> Double in
      let cosine = zip(d.row(i), d.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
      let mass = (0..<n).reduce(0.0) { $0 + z[$1, i] }
      return (1 - cosine) * (problem.hasBias ? mass / Double(n) : mass)
    }
    let points = (0..<n).filter { z[$0, j] <= tau }.map { point in donors.map { z[point, $0] } }
    return try distance(of: q, to: points, conic: !problem.hasBias)
  }
}
