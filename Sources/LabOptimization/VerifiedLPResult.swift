import CGLPK

/// Solve + verify in one call; what the lab's checks use.
public struct VerifiedLPResult: Sendable {
  /// What the `glp_exact` retry of a simplex answer that failed verification did.
  public enum ExactRetry: String, Sendable, Codable {
    /// The exact answer passed the verification and is the one returned.
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
  /// Every program is scaled once here (``equilibrated(_:)``), so no builder scales its own: the costs
  /// are divided by a power of two near the largest |cost| (near a stationary point the costs are
  /// ~1e-9, below GLPK's absolute optimality tolerance 1e-7, and unscaled LP-K came back with positive
  /// values), and every row by a power of two near its largest |coefficient| (unscaled, LP-R's
  /// rounding grew with the units of the data). Columns are not scaled: GLPK's own `glp_scale_prob`
  /// (geometric mean and equilibration of rows and columns) made the simplex end `undefined` on a
  /// trained hierarchy's LP-R (612 columns, 603 rows) that it solves unscaled. The answer is mapped
  /// back to the program as given before it is verified, so the scaling can change which answer
  /// GLPK finds, never what counts as verified.
  ///
  /// A simplex answer that fails the check is solved again by `glp_exact` from the simplex's final
  /// basis (usually optimal already, so the rational solver only confirms or repairs it), within
  /// `exactRetrySeconds`. The exact answer is kept if it passes. The simplex works to GLPK's
  /// feasibility tolerance 1e-7, above the check's 1e-9 (relative): a point coded against a
  /// perturbed dictionary came back with a primal infeasibility of 4.5e-8 and failed, while the
  /// exact answer to the same program verified.
  ///
  /// - Throws: ``LPValidationError`` when the program is invalid; nothing is solved then.
  public static func solveVerified(
    _ program: LinearProgram, method: LPMethod = .simplex, tolerance: Double = 1e-9,
    exactRetrySeconds budget: Double = exactRetrySeconds
  ) throws -> VerifiedLPResult {
    try program.validate()
    try refuseClosedForm(method)
    let (scaled, costScale, rowScales) = equilibrated(program)
    let previousTerminalOutput = glp_term_out(GLP_OFF)
    defer { glp_term_out(previousTerminalOutput) }
    let problem: OpaquePointer = glp_create_prob()
    defer { glp_delete_prob(problem) }
    load(scaled, into: problem)
    var parameters = simplexParameters(for: program)
    parameters.tm_lim = Int32(clamping: Int((simplexSeconds * 1000).rounded()))
    let first = run(method, on: problem, program: program, parameters: &parameters).solution.unscaled(costScale: costScale, rowScales: rowScales)
    let firstCheck = LPVerifier.verify(program, first, tolerance: tolerance)
    guard method == .simplex, !firstCheck.verified else {
      return VerifiedLPResult(solution: first, verification: firstCheck, exactRetry: nil)
    }
    parameters.tm_lim = Int32(clamping: Int((budget * 1000).rounded()))
    let (exact, code) = run(.exact, on: problem, program: program, parameters: &parameters)
    if code == GLP_ETMLIM {
      return VerifiedLPResult(solution: first, verification: firstCheck, exactRetry: .outOfTime)
    }
    let exactAnswer = exact.unscaled(costScale: costScale, rowScales: rowScales)
    let exactCheck = LPVerifier.verify(program, exactAnswer, tolerance: tolerance)
    return exactCheck.verified
      ? VerifiedLPResult(solution: exactAnswer, verification: exactCheck, exactRetry: .verified)
      : VerifiedLPResult(solution: first, verification: firstCheck, exactRetry: .unverified)
  }

  /// The program GLPK sees: the costs divided by `costScale`, the power of two at or below the largest
  /// |cost| (1 for a zero objective), and each row (coefficients and bounds) multiplied by its
  /// `rowScales` entry, the power of two that brings its largest |coefficient| into [1, 2). Powers
  /// of two make both exact. A scaled value below the validator's window (1e-30) is far below the
  /// resolution of its sum and becomes 0.
  static func equilibrated(_ program: LinearProgram) -> (program: LinearProgram, costScale: Double, rowScales: [Double]) {
    func power(_ value: Double) -> Double { value > 0 ? Double(sign: .plus, exponent: value.exponent, significand: 1) : 1 }
    func flushed(_ value: Double) -> Double { abs(value) < LinearProgram.smallestMagnitude ? 0 : value }
    let costScale = power(program.objective.map(\.magnitude).max() ?? 0)
    var largest = [Double](repeating: 0, count: program.rowCount)
    for entry in program.entries { largest[entry.row] = max(largest[entry.row], abs(entry.value)) }
    let rowScales = largest.map { 1 / power($0) }
    var scaled = LinearProgram(direction: program.direction)
    for (cost, bounds) in zip(program.objective, program.columnBounds) { scaled.addColumn(bounds: bounds, cost: flushed(cost / costScale)) }
    var terms = [[(column: Int, value: Double)]](repeating: [], count: program.rowCount)
    for entry in program.entries { terms[entry.row].append((entry.column, flushed(entry.value * rowScales[entry.row]))) }
    for (row, bounds) in program.rowBounds.enumerated() {
      let f = rowScales[row]
      scaled.addRow(terms[row], bounds: LinearProgram.Bounds(lower: flushed(bounds.lower * f), upper: flushed(bounds.upper * f)))
    }
    return (scaled, costScale, rowScales)
  }
}

extension LPSolution {
  /// The answer to the ``GLPK/equilibrated(_:)`` program as an answer to the original: the same primal
  /// point, row activities divided by the row scales, row duals times row scale and cost scale, reduced
  /// costs and objective times the cost scale.
  func unscaled(costScale: Double, rowScales: [Double]) -> LPSolution {
    LPSolution(status: status, method: method, objective: objective * costScale, primal: primal,
               rowActivity: zip(rowActivity, rowScales).map { $0 / $1 }, rowDuals: zip(rowDuals, rowScales).map { $0 * $1 * costScale },
               reducedCosts: reducedCosts.map { $0 * costScale })
  }
}
