import LabChecks
import LabOptimization
import LabSolvers

/// One LP test as recorded.
public struct LPRecord: Codable, Sendable, Equatable {
  /// The LP value (≤ 0), or null when not solved.
  public var value: Double?
  /// The value divided by the verdict scale λΣz (THEORY §5.1).
  public var relativeValue: Double?
  /// The solver's status.
  public var status: LPSolution.Status
  /// Whether the independent verification accepted the answer.
  public var verified: Bool
  /// Duality gap recomputed by the verifier.
  public var dualityGap: Double
  /// LP size.
  public var columns: Int
  /// LP size.
  public var rows: Int
}

/// A candidate (D, b, Z) at λ > 0 and what the checks say about it.
public struct StateRecord: Codable, Sendable {
  /// L_λ.
  public var loss: Double
  /// Verdict scale λΣz.
  public var scale: Double
  /// (K1)–(K3).
  public var kkt: KKTResiduals
  /// Every ordered pair with both features used.
  public var pairs: [PairCondition]
  /// LP-K by GLPK.
  public var lpK: LPRecord
  /// LP-K by its closed form (THEORY §5.2).
  public var lpKClosedForm: Double
  /// LP-R (ω = λ).
  public var lpR: LPRecord
  /// §5.1 verdict: `descent-found` or `stationary` (or `inconclusive`).
  public var verdict: Verdict
  /// Self-verification of the LP-K direction, when it found descent.
  public var lpKSteps: SelfVerification?
  /// Self-verification of the LP-R direction, when it found descent.
  public var lpRSteps: SelfVerification?
  /// The dictionary, rows dog, labrador, cat.
  public var dictionary: [[Double]]
  /// The bias, when the problem has one.
  public var bias: [Double]?
}
