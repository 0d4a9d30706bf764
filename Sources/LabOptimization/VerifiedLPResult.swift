import CGLPK

/// Solve + verify in one call; what the lab's checks use.
public struct VerifiedLPResult: Sendable {
  /// What the `glp_exact` retry of a simplex answer that failed verification did.
  public enum ExactRetry: String, Sendable, Codable {
    /// The exact answer, or the double-precision solution of the exact retry's optimal basis, passed the
    /// verification and is the one returned.
    case verified
    /// The exact answer also failed the verification; the simplex answer is returned.
    case unverified
    /// The retry ran out of its time budget; the simplex answer is returned, unverified.
    case outOfTime = "out-of-time"
  }

  /// GLPK's answer, in the units of the program as given.
  public let solution: LPSolution
  /// The independent check of that answer against the program as given.
  public let verification: LPVerification
  /// The exact retry, or `nil` when none ran (the first answer verified, or it came from `.exact`).
  public let exactRetry: ExactRetry?
}

extension GLPK {
  /// The time budget of a `glp_exact` retry, in seconds; a retry that runs out counts as unverified.
  public static let exactRetrySeconds = 30.0
  /// The time budget of the first solve, in seconds: a simplex that stalls past it ends `undefined`
  /// (unverified) instead of holding a check for its whole iteration cap.
  public static let simplexSeconds = 120.0

  /// Solves `program` with `method` and checks the answer against `program` with
  /// ``LPVerifier/verify(_:_:tolerance:)``.
  ///
  /// Every program is scaled once here (``equilibrated(_:)``), so no builder scales its own: every
  /// row and then every column by a power of two near its largest |coefficient| (unscaled, LP-R's
  /// rounding grew with the units of the data), and the costs by a power of two near the largest
  /// |cost| (near a stationary point the costs are ~1e-9, below GLPK's absolute optimality tolerance
  /// 1e-7, and unscaled LP-K came back with positive values). The scaling is the lab's own, one pass
  /// of powers of two: GLPK's `glp_scale_prob` (iterated geometric-mean scaling) made the primal
  /// simplex end `undefined` on a trained hierarchy's LP-R (612 columns, 603 rows) that it solves
  /// unscaled. The answer is mapped back to the program as given before it is verified, so the
  /// scaling can change which answer GLPK finds, never what counts as verified. A program whose
  /// columns are all boxed is solved by the dual simplex (``firstSimplex(for:)``).
  ///
  /// A simplex answer that fails the check is solved again by `glp_exact` from the simplex's final
  /// basis (usually optimal already, so the rational solver only confirms or repairs it), within
  /// `exactRetrySeconds`. The exact answer is kept if it passes. The simplex works to GLPK's
  /// feasibility tolerance 1e-7, above the check's 1e-9 (relative): a point coded against a
  /// perturbed dictionary came back with a primal infeasibility of 4.5e-8 and failed, while the
  /// exact answer to the same program verified.
  ///
  /// `glp_exact` does not solve the program's own doubles: it replaces every coefficient, bound and
  /// cost by a short fraction within 1e-9 of it (its `set_d_eps`). Where the optimal duals are large
  /// that perturbation shows: on a signed LIN (90 columns, 63 rows, duals up to 2.4e5) the exact
  /// answer's reduced costs, recomputed from the program as given, were off by 5e-5 and its duality
  /// gap was 2e-4. So when the exact answer fails the check, its optimal basis is solved again in
  /// double precision from the program's own numbers (``basisSolution(of:program:method:status:)``),
  /// and that answer is kept if it passes: on the same LIN its primal infeasibility was 4e-16 and its
  /// gap 1.4e-9 (allowed 2.8e-8), its value −CERT's to 1.2e-10.
  ///
  /// - Throws: ``LPValidationError`` when the program is invalid; nothing is solved then.
  public static func solveVerified(
    _ program: LinearProgram, method: LPMethod = .simplex, tolerance: Double = 1e-9,
    exactRetrySeconds budget: Double = exactRetrySeconds
  ) throws -> VerifiedLPResult {
    try program.validate()
    try refuseClosedForm(method)
    let scaling = equilibrated(program)
    let scaled = scaling.program
    let previousTerminalOutput = glp_term_out(GLP_OFF)
    defer { glp_term_out(previousTerminalOutput) }
    let problem: OpaquePointer = glp_create_prob()
    defer { glp_delete_prob(problem) }
    load(scaled, into: problem)
    var parameters = simplexParameters(for: program)
    parameters.meth = firstSimplex(for: program)
    parameters.tm_lim = Int32(clamping: Int((simplexSeconds * 1000).rounded()))
    let first = run(method, on: problem, program: program, parameters: &parameters).solution.unscaled(scaling)
    let firstCheck = LPVerifier.verify(program, first, tolerance: tolerance)
    guard method == .simplex, !firstCheck.verified else {
      return VerifiedLPResult(solution: first, verification: firstCheck, exactRetry: nil)
    }
    parameters.tm_lim = Int32(clamping: Int((budget * 1000).rounded()))
    let (exact, code) = run(.exact, on: problem, program: program, parameters: &parameters)
    if code == GLP_ETMLIM {
      return VerifiedLPResult(solution: first, verification: firstCheck, exactRetry: .outOfTime)
    }
    let exactAnswer = exact.unscaled(scaling)
    let exactCheck = LPVerifier.verify(program, exactAnswer, tolerance: tolerance)
    if exactCheck.verified {
      return VerifiedLPResult(solution: exactAnswer, verification: exactCheck, exactRetry: .verified)
    }
    guard exact.status == .optimal,
          let basis = basisSolution(of: problem, program: scaled, method: .exact, status: .optimal)?.unscaled(scaling)
    else { return VerifiedLPResult(solution: first, verification: firstCheck, exactRetry: .unverified) }
    let basisCheck = LPVerifier.verify(program, basis, tolerance: tolerance)
    return basisCheck.verified
      ? VerifiedLPResult(solution: basis, verification: basisCheck, exactRetry: .verified)
      : VerifiedLPResult(solution: first, verification: firstCheck, exactRetry: .unverified)
  }

  /// How ``equilibrated(_:)`` scaled a program: GLPK's costs are the costs times the column scale
  /// over `cost`, row `i` is multiplied by `rows[i]`, column `j` stands for `columns[j]` units of the original.
  struct Scaling {
    /// The scaled program GLPK sees.
    var program: LinearProgram
    /// The power of two the costs are divided by.
    var cost: Double
    /// The power of two each row is multiplied by.
    var rows: [Double]
    /// The power of two each column is multiplied by (x = columns[j]·x').
    var columns: [Double]
  }

  /// The program GLPK sees, equilibrated once for every LP of the checks (THEORY §5.1): each row
  /// (coefficients and bounds) multiplied by the power of two that brings its largest |coefficient|
  /// into [1, 2); then each column by the power of two that brings its largest scaled |coefficient|
  /// into [1, 2) (its cost times that power, its bounds divided by it; at most 2³⁰ either way, so that a
  /// column of tiny coefficients cannot push the other costs out of GLPK's window); then the costs divided by the
  /// power of two at or below the largest scaled |cost| (1 for a zero objective). Powers of two make
  /// every step exact. A scaled value below the validator's window (1e-30) is far below the resolution
  /// of its sum and becomes 0.
  static func equilibrated(_ program: LinearProgram) -> Scaling {
    func power(_ value: Double) -> Double { value > 0 ? Double(sign: .plus, exponent: value.exponent, significand: 1) : 1 }
    func flushed(_ value: Double) -> Double { abs(value) < LinearProgram.smallestMagnitude ? 0 : value }
    var largestInRow = [Double](repeating: 0, count: program.rowCount)
    for entry in program.entries { largestInRow[entry.row] = max(largestInRow[entry.row], abs(entry.value)) }
    let rowScales = largestInRow.map { 1 / power($0) }
    var largestInColumn = [Double](repeating: 0, count: program.columnCount)
    for entry in program.entries {
      largestInColumn[entry.column] = max(largestInColumn[entry.column], abs(entry.value * rowScales[entry.row]))
    }
    let columnScales = largestInColumn.map { 1 / power($0) }.map { min(max($0, 0x1p-30), 0x1p30) }
    let costScale = power(zip(program.objective, columnScales).map { ($0 * $1).magnitude }.max() ?? 0)
    var scaled = LinearProgram(direction: program.direction)
    for (column, (cost, bounds)) in zip(program.objective, program.columnBounds).enumerated() {
      let s = columnScales[column]
      scaled.addColumn(bounds: LinearProgram.Bounds(lower: flushed(bounds.lower / s), upper: flushed(bounds.upper / s)),
                       cost: flushed(cost * s / costScale))
    }
    var terms = [[(column: Int, value: Double)]](repeating: [], count: program.rowCount)
    for entry in program.entries {
      terms[entry.row].append((entry.column, flushed(entry.value * rowScales[entry.row] * columnScales[entry.column])))
    }
    for (row, bounds) in program.rowBounds.enumerated() {
      let f = rowScales[row]
      scaled.addRow(terms[row], bounds: LinearProgram.Bounds(lower: flushed(bounds.lower * f), upper: flushed(bounds.upper * f)))
    }
    return Scaling(program: scaled, cost: costScale, rows: rowScales, columns: columnScales)
  }

  /// The simplex GLPK runs first on `program`: the dual simplex when every column has finite bounds,
  /// else the primal simplex.
  ///
  /// With every column boxed, every basis is dual feasible (a nonbasic column sits at whichever bound
  /// its reduced cost asks for), so the dual simplex starts in its phase 2 and never meets the primal
  /// degeneracy of the checks' cone programs, whose zero right-hand sides make the origin a vertex
  /// shared by thousands of bases. From there the primal simplex stalled and returned a dual vertex
  /// with |y| up to 8.7e6 on a learned tree-world dictionary's LP-R (N = 1000, m = 12, K = 9): the
  /// recomputed reduced costs then carry rounding of 1e-8 and its duality gap 9e-8 failed the
  /// check's 1e-9 (the glp_exact answer, rounded to doubles, failed too). The dual simplex answered
  /// the same program in a sixth of the time with |y| ≤ 205 and a gap of 4e-12.
  static func firstSimplex(for program: LinearProgram) -> Int32 {
    program.columnBounds.allSatisfy { $0.lower.isFinite && $0.upper.isFinite } ? GLP_DUALP : GLP_PRIMAL
  }
}

extension LPSolution {
  /// The answer to the ``GLPK/equilibrated(_:)`` program as an answer to the original: the primal
  /// point times the column scales, row activities divided by the row scales, row duals times row
  /// scale and cost scale, reduced costs times the cost scale over the column scale, objective times the cost scale.
  func unscaled(_ scaling: GLPK.Scaling) -> LPSolution {
    LPSolution(status: status, method: method, objective: objective * scaling.cost, primal: zip(primal, scaling.columns).map { $0 * $1 },
               rowActivity: zip(rowActivity, scaling.rows).map { $0 / $1 },
               rowDuals: zip(rowDuals, scaling.rows).map { $0 * $1 * scaling.cost },
               reducedCosts: zip(reducedCosts, scaling.columns).map { $0 * scaling.cost / $1 })
  }
}
