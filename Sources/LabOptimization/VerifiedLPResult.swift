/// Solve + verify in one call; what the lab's checks use.
public struct VerifiedLPResult: Sendable {
  /// GLPK's answer.
  public let solution: LPSolution
  /// The independent check of that answer.
  public let verification: LPVerification
}

extension GLPK {
  /// The largest program (nonzero coefficients) whose failed simplex answer is re-solved with
  /// `glp_exact`; larger ones keep the failed verification (the rational solver's time grows fast).
  public static let exactRetryLimit = 20_000

  /// Solves `program` with `method` and checks the answer with ``LPVerifier/verify(_:_:tolerance:)``.
  ///
  /// A simplex answer that fails the check is solved again with `glp_exact` when the program has at
  /// most ``exactRetryLimit`` nonzeros, and that answer is kept if it passes. The simplex works to
  /// GLPK's feasibility tolerance 1e-7, above the check's 1e-9 (relative): a point coded against a
  /// perturbed dictionary came back with a primal infeasibility of 4.5e-8 and failed, while the
  /// exact answer to the same program verified.
  ///
  /// - Throws: ``LPValidationError`` when the program is invalid; nothing is solved then.
  public static func solveVerified(
    _ program: LinearProgram, method: LPMethod = .simplex, tolerance: Double = 1e-9
  ) throws -> VerifiedLPResult {
    let solution = try solve(program, method: method)
    let first = VerifiedLPResult(solution: solution, verification: LPVerifier.verify(program, solution, tolerance: tolerance))
    guard method == .simplex, !first.verification.verified, program.entries.count <= exactRetryLimit else { return first }
    let exact = try solve(program, method: .exact)
    let second = VerifiedLPResult(solution: exact, verification: LPVerifier.verify(program, exact, tolerance: tolerance))
    return second.verification.verified ? second : first
  }
}
