import Foundation
import LabTestSupport
@testable import LabExperiments
import Testing

/// The run-record envelope keeps the JSON contract: every committed record reads back and writes
/// the same bytes, and a record missing a field fails with a message naming it.
@Suite struct RunRecordTests {
  static let notebooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("notebooks-md")

  /// Reads `<id>.json` as `Record` and writes it again.
  static func roundTrip<Results>(_ type: RunRecord<Results>.Type, _ id: String) throws -> (original: Data, written: Data) {
    let path = notebooks.appendingPathComponent("\(id).json").path
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return (data, try RecordEncoding.encode(try RunRecords.parse(type, id: id, data: data, path: path)))
  }

  @Test("every committed record reads into its RunRecord and writes back byte for byte")
  func committedRecordsRoundTrip() throws {
    let pairs = [
      try Self.roundTrip(HierarchyRecord.self, "hierarchy"), try Self.roundTrip(StarExperiment.Record.self, "star"),
      try Self.roundTrip(ExclusiveExperiment.Record.self, "exclusive"), try Self.roundTrip(WideLimitExperiment.Record.self, "wide-limit"),
      try Self.roundTrip(OneDExperiment.Record.self, "one-d"), try Self.roundTrip(UniversalityExperiment.Record.self, "universality"),
      try Self.roundTrip(AbsorptionExperiment.Record.self, "absorption"), try Self.roundTrip(FrontierExperiment.Record.self, "frontier"),
      try Self.roundTrip(SuppressionExperiment.Record.self, "suppression"), try Self.roundTrip(NSAEExperiment.Record.self, "nsae"),
      try Self.roundTrip(IntuitiveExperiment.Record.self, "intuitive"),
      try Self.roundTrip(RealActivationsExperiment.Record.self, "real-activations"),
      try Self.roundTrip(SynthBenchExperiment.Record.self, "synth-bench"),
    ]
    #expect(pairs.count == ExperimentRegistry.all.count)
    for (original, written) in pairs { #expect(written == original) }
  }

  @Test("a record without an envelope field or a results field fails naming the field")
  func missingFieldIsNamed() throws {
    let path = Self.notebooks.appendingPathComponent("one-d.json").path
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    for field in ["checks", "seeds", "toy", "line", "deadAtom"] {
      var broken = object
      broken[field] = nil
      let data = try JSONSerialization.data(withJSONObject: broken)
      #expect(throws: RunRecordError.self) { try RunRecords.parse(OneDExperiment.Record.self, id: "one-d", data: data, path: "one-d.json") }
      do { _ = try RunRecords.parse(OneDExperiment.Record.self, id: "one-d", data: data, path: "one-d.json") } catch {
        #expect("\(error)".contains("'\(field)'"), "\(error)")
      }
    }
    var withoutInvocation = object
    withoutInvocation["invocation"] = nil
    let legacy = try RunRecords.parse(OneDExperiment.Record.self, id: "one-d", data: JSONSerialization.data(withJSONObject: withoutInvocation), path: "one-d.json")
    #expect(legacy.reproduce == RunInvocation(reproduce: "lab run one-d --seed \(legacy.toy.seed)", quick: false))
  }

  @Test("a closed set read from a record (a suppression method, a frontier architecture) rejects an unknown name, naming the field")
  func unknownNamesAreRejected() throws {
    for (id, from, to) in [("suppression", "\"method\" : \"topk\"", "\"method\" : \"top-k\""),
                           ("frontier", "\"architecture\" : \"shallow\"", "\"architecture\" : \"flat\"")] {
      let text = try String(contentsOf: Self.notebooks.appendingPathComponent("\(id).json"), encoding: .utf8)
      #expect(text.contains(from))
      let data = Data(text.replacingOccurrences(of: from, with: to).utf8)
      do {
        if id == "suppression" { _ = try RunRecords.parse(SuppressionExperiment.Record.self, id: id, data: data, path: "\(id).json") }
        else { _ = try RunRecords.parse(FrontierExperiment.Record.self, id: id, data: data, path: "\(id).json") }
        Issue.record("\(id): an unknown name was accepted")
      } catch {
        #expect("\(error)".contains(id == "suppression" ? "method" : "architecture"), "\(error)")
      }
    }
  }

  @Test("a toy file naming an unknown end of the pair inequality fails naming the field and the known names")
  func unknownEndInToy() throws {
    let repository = Self.notebooks.deletingLastPathComponent()
    let text = try String(contentsOf: repository.appendingPathComponent("toys/exclusive.json"), encoding: .utf8)
    let broken = text.replacingOccurrences(of: "\"lower\"", with: "\"middle\"")
    #expect(broken != text)
    let url = try Scratch.directory().appendingPathComponent("exclusive.json")
    try Data(broken.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: ToyFileError.self) { try ToyLoader.load(ExclusiveToy.self, path: url.path) }
    do { _ = try ToyLoader.load(ExclusiveToy.self, path: url.path) } catch {
      #expect("\(error)".contains("failingEnd") && "\(error)".contains("must be one of \"lower\", \"upper\", got \"middle\""), "\(error)")
    }
  }

  @Test("the index counts each committed record's findings by outcome beside its checks, and '—' where an experiment has none")
  func indexCountsFindings() throws {
    let rows = ExperimentIndex.statuses(in: Self.notebooks.path)
    let page = ExperimentIndex.markdown(rows)
    #expect(page.contains("| experiment | claim | checks | findings |"))
    var withFindings = 0
    for (entry, status) in rows {
      guard case .recorded(let summary) = status else { Issue.record("\(entry.id) has no committed record"); continue }
      let counts = status.findingCounts
      if let findings = summary.findings {
        withFindings += 1
        #expect(counts.reproduced == findings.filter { $0.outcome == .reproduced }.count && counts.refuted == findings.filter { $0.outcome == .refuted }.count
                && counts.reproduced + counts.refuted + counts.inconclusive == findings.count)
        #expect(page.contains("| \(status.findings) |") && status.findings == "\(counts.reproduced) reproduced, \(counts.refuted) refuted, \(counts.inconclusive) inconclusive")
        #expect(findings.allSatisfy { $0.seeds >= Replicates.minimum && $0.estimate.isFinite && $0.standardError.isFinite && $0.standardError >= 0 }, "\(entry.id)")
      } else {
        #expect(counts == FindingCounts([]) && status.findings == "—", "\(entry.id)")
      }
    }
    #expect(withFindings == 8)  // the five replications, intuitive, real-activations and synth-bench
  }
}
