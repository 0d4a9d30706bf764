import LabOptimization

/// The answer of one first-order LP test (LP-K, LP-R or LIN), after independent verification.
public struct LPTestResult: Sendable {
  /// The LP's optimal value (≤ 0 for these tests); NaN when the LP was not solved to optimality.
  public var value: Double
  /// The solver's status.
  public var status: LPSolution.Status
  /// The independent check of the returned primal and dual vectors.
  public var verification: LPVerification
  /// The optimal direction, when the LP was solved.
  public var direction: PerturbationDirection?
  /// Number of columns and rows of the LP.
  public var size: (columns: Int, rows: Int)

  /// Whether the value may be relied on: optimal and verified.
  public var isTrusted: Bool { status == .optimal && verification.verified }
}
