import LabOptimization

/// The answer of one first-order LP test (LP-K, LP-R or LIN), after independent verification.
public struct LPTestResult: Sendable {
  /// The LP's optimal value (≤ 0 for these tests); NaN when the LP was not solved to optimality.
  public var value: Double
  /// The solver's status.
  public var status: LPSolution.Status
  /// The independent check of the returned primal and dual vectors.
  public var verification: LPVerification
  /// The glp_exact retry of a simplex answer that failed verification, when one ran.
  public var exactRetry: VerifiedLPResult.ExactRetry?
  /// The optimal direction, when the LP was solved.
  public var direction: PerturbationDirection?
  /// The solver's row multipliers, in the order the program adds its rows (for LIN: the certificate ν of THEORY §5.4).
  public var rowDuals: [Double] = []
  /// Number of columns and rows of the LP.
  public var size: (columns: Int, rows: Int)

  /// Whether the value may be relied on: optimal and verified.
  public var isTrusted: Bool { status == .optimal && verification.verified }

  /// Why the value may not be relied on, in one sentence; `nil` when it may.
  public var failure: String? {
    guard !isTrusted else { return nil }
    guard status == .optimal else {
      return "GLPK's status is \(status.rawValue), not optimal (iteration cap, \(Int(GLPK.simplexSeconds)) s time limit or a numerical failure)."
    }
    switch exactRetry {
    case .unverified?: return "\(verification.detail) The glp_exact retry did not verify either."
    case .outOfTime?: return "\(verification.detail) The glp_exact retry ran out of its \(Int(GLPK.exactRetrySeconds)) s budget."
    default: return verification.detail
    }
  }
}

extension LPTestResult {
  /// The test from a verified solve: its status, verification and exact retry, with `value` in the test's units.
  init(solved result: VerifiedLPResult, value: Double, direction: PerturbationDirection?, size: (columns: Int, rows: Int)) {
    self.value = value
    status = result.solution.status
    verification = result.verification
    exactRetry = result.exactRetry
    self.direction = direction
    rowDuals = result.solution.rowDuals
    self.size = size
  }
}
