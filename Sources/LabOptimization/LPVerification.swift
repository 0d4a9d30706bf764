/// The independent check of an LP answer, computed only from the program and the returned vectors.
///
/// The numbers mean what their names say for an `optimal` claim. For the other claims they
/// describe the auxiliary LPs that certify the claim (see ``LPVerifier/verify(_:_:tolerance:)``),
/// and they are all zero when the answer was rejected before anything could be measured.
public struct LPVerification: Sendable, Codable, Equatable {
  /// The status the answer claimed.
  public let claimedStatus: LPSolution.Status
  /// max violation of column bounds and rows (A x recomputed in Swift, not GLPK's row activity).
  ///
  /// For an `infeasible` claim: the certified minimum total row violation (the phase-1 LP's dual
  /// objective). For an `unbounded` claim: the larger violation of the feasible point and the direction.
  public let primalInfeasibility: Double
  /// max violation of the dual sign conditions, reduced costs recomputed as c - A^T y in Swift.
  ///
  /// For `infeasible` and `unbounded` claims: the largest such violation among the auxiliary LPs.
  public let dualInfeasibility: Double
  /// c^T x recomputed. For an `unbounded` claim: `cᵀx` at the certified feasible point.
  public let primalObjective: Double
  /// recomputed from y, d and the finite bounds.
  ///
  /// For an `infeasible` claim: the phase-1 LP's dual objective. For an `unbounded` claim there is
  /// no dual; this is `cᵀr`, the rate at which the certified direction `r` improves the objective.
  public let dualObjective: Double
  /// |primal - dual| (zero for an `unbounded` claim).
  public let dualityGap: Double
  /// The tolerance the checks were run with.
  public let tolerance: Double
  /// Whether every check passed.
  public let verified: Bool
  /// One sentence: what was certified, or the first check that failed and by how much.
  public let detail: String

  /// A rejection made before anything could be measured; every number is zero.
  static func rejected(_ claimedStatus: LPSolution.Status, tolerance: Double, _ detail: String) -> LPVerification {
    LPVerification(
      claimedStatus: claimedStatus, primalInfeasibility: 0, dualInfeasibility: 0, primalObjective: 0,
      dualObjective: 0, dualityGap: 0, tolerance: tolerance, verified: false, detail: detail)
  }
}
