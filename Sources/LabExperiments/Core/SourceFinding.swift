/// A finding of a source write-up (`seeds/`) that an experiment redoes on a known world, and
/// whether it held there. Findings are results, not checks: one that does not reproduce does not
/// fail the run; the experiment's checks say whether the measurement itself is sound.
public struct SourceFinding: Codable, Sendable, Equatable {
  /// The finding, in the source's words where possible.
  public var claim: String
  /// What was measured here.
  public var measured: String
  /// When the finding counts as reproduced.
  public var criterion: String
  /// Whether it did.
  public var reproduced: Bool

  /// A finding.
  public init(claim: String, measured: String, criterion: String, reproduced: Bool) {
    self.claim = claim
    self.measured = measured
    self.criterion = criterion
    self.reproduced = reproduced
  }
}

/// How the findings of a run record came out, counted. A finding judged on one run is reproduced
/// or not; one that did not reproduce counts as refuted, and none is inconclusive until findings
/// are decided over seeds with a margin.
public struct FindingCounts: Codable, Sendable, Equatable {
  /// Findings that reproduced.
  public var reproduced: Int
  /// Findings that did not.
  public var refuted: Int
  /// Findings the measurement could not decide.
  public var inconclusive: Int

  /// The counts of `findings`.
  public init(_ findings: [SourceFinding]) {
    reproduced = findings.filter(\.reproduced).count
    refuted = findings.count - reproduced
    inconclusive = 0
  }

  /// "2 reproduced, 4 refuted, 0 inconclusive".
  public var text: String { "\(reproduced) reproduced, \(refuted) refuted, \(inconclusive) inconclusive" }
}

extension ReportSections {
  /// "N of M findings reproduced" and the findings table.
  static func findings(_ findings: [SourceFinding]) -> String {
    var table = MarkdownTable("", "finding of the source", "measured here", "criterion")
    for finding in findings { table.add(finding.reproduced ? "reproduced" : "not reproduced", finding.claim, finding.measured, finding.criterion) }
    return "## Findings of the source study\n\n**\(findings.filter(\.reproduced).count) of \(findings.count) findings reproduced.** "
      + "The verdict above only says whether the measurement is sound; a finding that does not reproduce on this world is a result, not a failure.\n\n"
      + table.text + "\n"
  }
}
