/// Solve + verify in one call; what the lab's checks use.
public struct VerifiedLPResult: Sendable {
  /// GLPK's answer.
  public let solution: LPSolution
  /// The independent check of that answer.
  public let verification: LPVerification
}

extension GLPK {
  /// Solves `program` with `method` and checks the answer with ``LPVerifier/verify(_:_:tolerance:)``.
  ///
  /// - Throws: ``LPValidationError`` when the program is invalid; nothing is solved then.
  public static func solveVerified(
    _ program: LinearProgram, method: LPMethod = .simplex, tolerance: Double = 1e-9
  ) throws -> VerifiedLPResult {
    let solution = try solve(program, method: method)
    return VerifiedLPResult(
      solution: solution, verification: LPVerifier.verify(program, solution, tolerance: tolerance))
  }
}
