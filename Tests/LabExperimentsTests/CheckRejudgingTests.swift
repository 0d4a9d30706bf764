import Foundation
import LabChecks
@testable import LabExperiments
import Testing

/// A check is a pure function of the measurements a record keeps: judging every committed
/// record's payload again with today's checks gives the recorded ids, measured texts and
/// verdicts, and every threshold text today's code writes is the one a new run would record.
@Suite struct CheckRejudgingTests {
  static func record<Results>(_ type: RunRecord<Results>.Type, _ id: String) throws -> RunRecord<Results> {
    let path = RunRecordTests.notebooks.appendingPathComponent("\(id).json").path
    return try RunRecords.parse(type, id: id, data: Data(contentsOf: URL(fileURLWithPath: path)), path: path)
  }

  /// Every committed record's checks, as recorded and as judged again from its payload.
  static func rejudged() throws -> [(id: String, recorded: [CheckResult], judged: [CheckResult])] {
    let h = try record(HierarchyRecord.self, "hierarchy")
    let star = try record(StarExperiment.Record.self, "star")
    let x = try record(ExclusiveExperiment.Record.self, "exclusive")
    let w = try record(WideLimitExperiment.Record.self, "wide-limit")
    let d = try record(OneDExperiment.Record.self, "one-d")
    let u = try record(UniversalityExperiment.Record.self, "universality")
    let a = try record(AbsorptionExperiment.Record.self, "absorption")
    let f = try record(FrontierExperiment.Record.self, "frontier")
    let s = try record(SuppressionExperiment.Record.self, "suppression")
    let n = try record(NSAEExperiment.Record.self, "nsae")
    let i = try record(IntuitiveExperiment.Record.self, "intuitive")
    let real = try record(RealActivationsExperiment.Record.self, "real-activations")
    let bench = try record(SynthBenchExperiment.Record.self, "synth-bench")
    return [
      ("hierarchy", h.checks, HierarchyVerdict.checks(toy: h.toy, variants: h.variants, exactCases: h.exactCases)
        + HierarchyVerdict.absorptionChecks(h.absorption) + HierarchyVerdict.mopUpChecks(h.mopUp)
        + h.randomDatasets.enumerated().flatMap { HierarchyVerdict.randomDatasetChecks($0.element, index: $0.offset) }),
      ("star", star.checks, StarExperiment.checks(star.toy, withBias: star.cases[0], withoutBias: star.cases[1])),
      ("exclusive", x.checks, ExclusiveExperiment.checks(x.toy, exact: x.exact, trained: x.trained, counterexamples: x.counterexamples)),
      ("wide-limit", w.checks, WideLimitExperiment.checks(w.toy, rays: w.rays, nets: w.nets, bound: w.bound, sizes: w.sizes)),
      ("one-d", d.checks, OneDExperiment.checks(d.toy, line: d.line, transitions: d.transition,
                                                dead: d.deadAtom, arc: d.arc)),
      ("universality", u.checks, UniversalityFindings.checks(u)),
      ("absorption", a.checks, AbsorptionVerdict.checks(toy: a.toy, rates: a.rates)),
      ("frontier", f.checks, FrontierExperiment.checks(f.toy, points: f.points)),
      ("suppression", s.checks, SuppressionVerdict.checks(toy: s.toy, scales: s.scales)),
      ("nsae", n.checks, NSAEFindings.checks(n)),
      ("intuitive", i.checks, IntuitiveExperiment.checks(i.points)),
      ("real-activations", real.checks, RealActivationsFindings.checks(real)),
      ("synth-bench", bench.checks, SynthBenchVerdict.checks(bench.toy, bench.saes)),
    ]
  }

  /// The experiments whose records keep seed 0's payload and the checks joined over every seed.
  static let replicated: Set<String> = ["universality", "absorption", "frontier", "suppression", "nsae", "intuitive"]

  /// The number of seeds the committed record `id` was run on (its toy's `replicates`).
  static func replicates(_ id: String) throws -> Int {
    let data = try Data(contentsOf: RunRecordTests.notebooks.appendingPathComponent("\(id).json"))
    let toy = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["toy"] as? [String: Any]
    return try #require(toy?["replicates"] as? Int, "\(id).json: toy.replicates")
  }

  /// The replication record's joined row `recorded` against seed 0's row judged again: seed 0's
  /// measured text and status where every seed passed; otherwise the row names the failing seeds,
  /// seed 0 among them exactly when it fails again.
  static func agrees(joined recorded: CheckResult, seedZero judged: CheckResult, seeds: Int) -> Bool {
    if recorded.status == .pass {
      return judged.status == .pass && recorded.measured == "seed 0: \(judged.measured) (passes on all \(seeds) seeds)"
    }
    let listsSeedZero = recorded.measured.hasPrefix("not on seed 0") || recorded.measured.hasPrefix("not on seeds 0,")
    return judged.status == .pass ? !listsSeedZero : listsSeedZero && recorded.measured.hasSuffix("seed 0: \(judged.measured)")
  }

  @Test("judging every committed record again gives its recorded check ids, measured texts and verdicts")
  func sameVerdicts() throws {
    let all = try Self.rejudged()
    #expect(all.count == ExperimentRegistry.all.count)
    for (id, recorded, judged) in all {
      #expect(recorded.map(\.id) == judged.map(\.id), "\(id)")
      if Self.replicated.contains(id) {
        let seeds = try Self.replicates(id)
        for (joined, seedZero) in zip(recorded, judged) { #expect(Self.agrees(joined: joined, seedZero: seedZero, seeds: seeds), "\(id): \(joined.measured)") }
        continue
      }
      #expect(recorded.map(\.measured) == judged.map(\.measured), "\(id)")
      #expect(recorded.map(\.status) == judged.map(\.status), "\(id)")
    }
  }

  @Test("the records regenerated with today's code (the theory experiments) are judged again to the same rows, claims and threshold texts included")
  func regeneratedRecordsAreCurrent() throws {
    for (id, recorded, judged) in try Self.rejudged() where ["hierarchy", "star", "exclusive", "wide-limit", "one-d"].contains(id) {
      #expect(recorded == judged, "\(id)")
    }
  }
}
