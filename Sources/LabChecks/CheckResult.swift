/// The outcome of testing one claim.
public enum CheckStatus: String, Codable, Sendable {
  /// The measurement satisfies the claim.
  case pass
  /// The measurement contradicts the claim.
  case fail
  /// The measurement could not be made reliably (e.g. an LP answer failed verification).
  case inconclusive
}

/// One row of a verdict table: a claim, what was measured, the threshold and the status.
public struct CheckResult: Codable, Sendable, Equatable {
  /// Stable identifier, e.g. `ground-truth/lp-k-descent`.
  public var id: String
  /// The claim in words, with its THEORY reference.
  public var claim: String
  /// What was measured, as printed in the report.
  public var measured: String
  /// The threshold or expected outcome, as printed in the report.
  public var threshold: String
  /// The verdict.
  public var status: CheckStatus

  /// Creates a result.
  public init(id: String, claim: String, measured: String, threshold: String, status: CheckStatus) {
    self.id = id
    self.claim = claim
    self.measured = measured
    self.threshold = threshold
    self.status = status
  }

  /// A result whose status is pass when `holds` and fail otherwise.
  public init(id: String, claim: String, measured: String, threshold: String, holds: Bool) {
    self.init(id: id, claim: claim, measured: measured, threshold: threshold, status: holds ? .pass : .fail)
  }
}
