import LabNumerics
import LabOptimization
import LabSolvers

/// The STAR / PAIR LP of THEORY §5.5 for receiver j and donors S (a pair when |S| = 1):
///
///     max N·β + Σ_{i∈S} (1 − c_ij) Z_i a_i   s.t.  β + Σ_{i∈S} z_in a_i ≤ 0  (n ∈ B_j),
///     −1 ≤ a_i, β ≤ 1   (β = 0 without bias).
///
/// The value is ≥ 0 and positive iff the star condition fails (Theorem 4.4); the optimal
/// (a, β) is the exact star move of Lemma 4.1 to first order (θ_i = τ s_ij a_i).
///
/// Signed codes (THEORY Theorem 4.7): the move changes ‖Z‖₁ at the rate
/// Σ_i a_i T_ij − β σ_j + Σ_{n∈B_j} |β + Σ_i a_i z_in| per unit τ, with σ_j = Σ_{A_j} s_jn and
/// T_ij = c_ij‖z_i‖₁ − Σ_{A_j} s_jn z_in, so the LP is
///
///     max −Σ_i T_ij a_i + σ_j β − Σ_{n∈B_j} u_n   s.t.  u_n ≥ ±(β + Σ_i z_in a_i)  (n ∈ B_j),
///     −1 ≤ a_i, β ≤ 1 (β = 0 without bias), u_n ≥ 0,
///
/// whose value is positive iff (−σ_j, (T_ij)_i) lies outside the zonotope Σ_{B_j} [−1, 1]·(1, (z_in)_i)
/// (first coordinate dropped without bias), where B_j = {n : |z_jn| ≤ τ}.
public enum StarProgram {
  /// The answer for one receiver and donor set.
  public struct Result: Sendable {
    /// The LP value (≥ 0); NaN when the LP was not solved.
    public var value: Double
    /// Donor rotations a_i, in the order of `donors`.
    public var rotations: [Double]
    /// Bias shift β along d_j.
    public var biasShift: Double
    /// The solver status and the independent verification.
    public var status: LPSolution.Status
    /// The independent check of the answer.
    public var verification: LPVerification
    /// Whether the star condition fails (value > 1e-9).
    public var fails: Bool { value > StarProgram.failureTolerance }
  }

  /// The value above which the condition fails (THEORY §5.1).
  public static let failureTolerance = 1e-9

  /// Solves the LP for `receiver` j and `donors` S (indices into the dictionary).
  public static func solve(_ problem: SparseCodingProblem, receiver j: Int, donors: [Int],
                           activityThreshold tau: Double = 0) throws -> Result {
    if problem.isSigned { return try solveSigned(problem, receiver: j, donors: donors, activityThreshold: tau) }
    let z = problem.codes, d = problem.dictionary
    let n = z.rows
    var program = LinearProgram(direction: .maximize)
    for i in donors {
      let cosine = zip(d.row(i), d.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
      let mass = (0..<n).reduce(0.0) { $0 + z[$1, i] }
      program.addColumn(bounds: .between(-1, 1), cost: (1 - cosine) * mass)
    }
    let beta = program.addColumn(bounds: problem.hasBias ? .between(-1, 1) : .fixed(0), cost: Double(n))
    for point in 0..<n where z[point, j] <= tau {
      var terms: [(column: Int, value: Double)] = [(beta, 1)]
      for (position, i) in donors.enumerated() { terms.append((position, z[point, i])) }
      program.addRow(terms, bounds: .atMost(0))
    }
    return try answer(program, donors: donors.count, beta: beta)
  }

  /// The signed (zonotope) LP of Theorem 4.7.
  private static func solveSigned(_ problem: SparseCodingProblem, receiver j: Int, donors: [Int],
                                  activityThreshold tau: Double) throws -> Result {
    let z = problem.codes
    let (signSum, targets) = problem.signedTargets(receiver: j, donors: donors, threshold: tau)
    var program = LinearProgram(direction: .maximize)
    for target in targets { program.addColumn(bounds: .between(-1, 1), cost: -target) }
    let beta = program.addColumn(bounds: problem.hasBias ? .between(-1, 1) : .fixed(0), cost: signSum)
    for point in 0..<z.rows where !problem.isActive(point, j, threshold: tau) {
      let u = program.addColumn(bounds: .nonnegative, cost: -1)
      for side in [1.0, -1.0] {
        var terms: [(column: Int, value: Double)] = [(u, 1), (beta, -side)]
        for (position, i) in donors.enumerated() { terms.append((position, -side * z[point, i])) }
        program.addRow(terms, bounds: .atLeast(0))
      }
    }
    return try answer(program, donors: donors.count, beta: beta)
  }

  private static func answer(_ program: LinearProgram, donors: Int, beta: Int) throws -> Result {
    let result = try GLPK.solveVerified(program)
    let x = result.solution.primal
    let solved = result.solution.status == .optimal
    return Result(value: solved ? result.solution.objective : .nan,
                  rotations: solved ? Array(x[0..<donors]) : [],
                  biasShift: solved ? x[beta] : .nan, status: result.solution.status,
                  verification: result.verification)
  }
}
