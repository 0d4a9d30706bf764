import Foundation
import LabChecks

/// What one experiment measured, beyond what every run record shares: the typed payload of a
/// ``RunRecord``, and how its report is drawn from the record.
public protocol ExperimentResults: Codable, Sendable {
  /// The experiment's toy.
  associatedtype Toy: ExperimentToy
  /// Whether the record keeps named sub-seeds (`seeds`); an experiment that draws nothing has none.
  static var hasSeeds: Bool { get }
  /// Whether the record keeps findings of a source study (`findings`).
  static var hasFindings: Bool { get }
  /// The experiment's parts of its report (see ``ReportTemplate``), from the record alone.
  static func report(_ record: RunRecord<Self>) throws -> ReportParts
}

extension ExperimentResults {
  public static var hasSeeds: Bool { true }
  public static var hasFindings: Bool { false }
}

/// The run record of every experiment: the envelope they share (toy, seeds, checks, findings,
/// provenance, invocation) around the experiment's own ``ExperimentResults``. In JSON the
/// envelope's fields and the results' fields sit side by side in one object, as records have
/// always been written; reading an older record either works or fails naming the field.
@dynamicMemberLookup
public struct RunRecord<Results: ExperimentResults>: Sendable {
  /// The toy as run (after any `--seed` override).
  public var toy: Results.Toy
  /// Named sub-seeds derived from the root seed (empty, and not written, when the experiment has none).
  public var seeds: [String: UInt64]
  /// What the experiment measured.
  public var results: Results
  /// The verdict table.
  public var checks: [CheckResult]
  /// The findings of the source study (empty, and not written, when the experiment has none).
  public var findings: [SourceFinding]
  /// Versions, thread count and timing; `nil` until the run has finished. Written to its own file
  /// (``Provenance/sidecarName(id:)``), not into the record; read from records written before.
  public var provenance: Provenance?
  /// The versions read from the record (``recordVersions`` is what a report shows).
  public var versions: RecordVersions?
  /// The command that reproduces the run; absent in records written before it was recorded.
  public var invocation: RunInvocation?

  /// A record before its provenance and invocation are known.
  public init(toy: Results.Toy, seeds: [String: UInt64] = [:], results: Results, checks: [CheckResult], findings: [SourceFinding] = []) {
    self.toy = toy
    self.seeds = seeds
    self.results = results
    self.checks = checks
    self.findings = findings
  }

  /// The results' fields, read as the record's own (`record.line` for `record.results.line`).
  public subscript<Value>(dynamicMember path: KeyPath<Results, Value>) -> Value { results[keyPath: path] }

  /// The versions that made the numbers: from the provenance when the run is known, else as read.
  public var recordVersions: RecordVersions? { provenance.map(RecordVersions.init) ?? versions }

  /// How the run was asked for; a record written before invocations were recorded was a full
  /// run of the embedded toy with its own seed.
  public var reproduce: RunInvocation { invocation ?? .legacy(id: toy.id, seed: toy.seed) }
}

extension RunRecord: Codable {
  private enum Field: String, CodingKey { case toy, seeds, checks, findings, provenance, versions, invocation }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: Field.self)
    toy = try container.decode(Results.Toy.self, forKey: .toy)
    seeds = Results.hasSeeds ? try container.decode([String: UInt64].self, forKey: .seeds) : [:]
    checks = try container.decode([CheckResult].self, forKey: .checks)
    findings = Results.hasFindings ? try container.decode([SourceFinding].self, forKey: .findings) : []
    provenance = try container.decodeIfPresent(Provenance.self, forKey: .provenance)
    versions = try container.decodeIfPresent(RecordVersions.self, forKey: .versions)
    invocation = try container.decodeIfPresent(RunInvocation.self, forKey: .invocation)
    results = try Results(from: decoder)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: Field.self)
    try container.encode(toy, forKey: .toy)
    if Results.hasSeeds { try container.encode(seeds, forKey: .seeds) }
    try container.encode(checks, forKey: .checks)
    if Results.hasFindings { try container.encode(findings, forKey: .findings) }
    try container.encodeIfPresent(recordVersions, forKey: .versions)
    try container.encodeIfPresent(invocation, forKey: .invocation)
    try results.encode(to: encoder)
  }
}

extension RunRecord: ExperimentRecord, StampableRecord {
  public typealias Toy = Results.Toy

  /// The report (rendered by ``ReportTemplate``) followed by its figures.
  public func reportFiles() throws -> [(name: String, contents: Data)] {
    let parts = try Results.report(self)
    let findingsFigure = Results.hasFindings ? [(FindingsFigure.name(id: toy.id), Data(FindingsFigure.document(findings).utf8))] : []
    return [("\(toy.id).md", Data(ReportTemplate.markdown(self, parts).utf8))] + parts.figures + findingsFigure
  }
}
