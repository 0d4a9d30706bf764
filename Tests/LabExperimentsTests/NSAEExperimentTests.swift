import Foundation
import LabChecks
@testable import LabExperiments
import Testing
import LabTestSupport

/// The normalised-SAE experiment on a small toy: determinism, its files, the report as a function
/// of the record, and the patch identities on every layer.
@Suite struct NSAEExperimentTests {
  /// The default toy with few rows and steps and three layers.
  static var small: NSAEToy { SmallToys.nsae }

  static let provenance = Provenance(labVersion: "", glpkVersion: "", blasConfiguration: "", blasThreads: 1, startedAt: "", wallSeconds: 0, command: "")

  @Test("a small run is deterministic, writes report, figure and record, and re-renders from the record alone")
  func smallRun() throws {
    let toy = Self.small
    #expect(toy.problems().isEmpty, "\(toy.problems())")
    let invocation = RunInvocation(reproduce: "lab run nsae --toy small.json", quick: false)
    let first = try NSAEExperiment.product(toy, progress: { _ in }).render(Self.provenance, invocation)
    let second = try NSAEExperiment.product(toy, progress: { _ in }).render(Self.provenance, invocation)
    #expect(first.map(\.name) == ["nsae.md", "nsae-l0.svg", "nsae-findings.svg", "nsae.json", Provenance.sidecarName(id: "nsae")])
    #expect(first.map(\.contents) == second.map(\.contents), "two runs of the same toy differ")

    let directory = try Scratch.directory()
    let path = directory.appendingPathComponent("nsae.json").path
    try first[3].contents.write(to: URL(fileURLWithPath: path))
    let rerendered = try ExperimentRegistry.entry("nsae").get().rerender(path)
    #expect(rerendered.map(\.name) == ["nsae.md", "nsae-l0.svg", "nsae-findings.svg"] && rerendered.map(\.contents) == Array(first.prefix(3).map(\.contents)))

    let record = try #require(try JSONSerialization.jsonObject(with: first[3].contents) as? [String: Any])
    let checks = (record["checks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    #expect(checks == ["toy-model/trained", "toy-model/zero-ablation", "toy-model/superposition", "patching/identities", "saes/learned"])
    let identities = (record["checks"] as? [[String: Any]])?.first { $0["id"] as? String == "patching/identities" }
    #expect(identities?["status"] as? String == "pass", "\(identities ?? [:])")
    let layers = record["layers"] as? [[String: Any]] ?? []
    #expect(layers.count == 3 && layers.allSatisfy { ($0["sweep"] as? [Any])?.count == 2 })
    let findings = record["findings"] as? [[String: Any]] ?? []
    #expect(findings.count == 6 && findings.allSatisfy { ($0["seeds"] as? Int) == toy.replicates && $0["outcome"] is String })
    #expect(String(decoding: first[1].contents, as: UTF8.self).hasPrefix("<svg"))
  }

  @Test("one point alone is that layer of the whole sweep; a layer in another's place or cut from another toy model is refused naming the point")
  func points() throws {
    let toy = Self.small
    let results = try NSAEExperiment.runPoints([0, 1, 2], of: toy) { _ in }
    #expect(try RecordEncoding.encode(NSAEExperiment.runPoint(1, of: toy) { _ in }) == RecordEncoding.encode(results[1]))
    func refusal(_ edited: [NSAEExperiment.LayerResult]) -> SweepPointError? {
      do { _ = try NSAEExperiment.seedRecord(toy, results: edited) } catch let error as SweepPointError { return error } catch {}
      return nil
    }
    #expect(refusal(results) == nil)
    var swapped = results
    swapped.swapAt(0, 1)
    #expect(refusal(swapped)?.index == 0 && refusal(swapped)?.message.contains("layer ×2.0, expected ×0.5") == true, "\(String(describing: refusal(swapped)))")
    var other = results
    other[2].toyModel.finalLoss += 1
    #expect(refusal(other)?.index == 2 && refusal(other)?.message.contains("a different toy model") == true, "\(String(describing: refusal(other)))")
  }

  @Test("the exact permutation test: a perfectly ordered series of n has p = 1/n!, a constant one p = 1")
  func permutationTest() {
    let ordered = PermutationCorrelation.test([1, 2, 3, 4], [0.1, 0.5, 0.7, 3])
    #expect(ordered.r > 0.8 && ordered.p == 1.0 / 24)
    let reversed = PermutationCorrelation.test([1, 2, 3, 4], [4, 3, 2, 1])
    #expect(abs(reversed.r + 1) < 1e-12 && reversed.p == 1)
    let constant = PermutationCorrelation.test([1, 2, 3], [5, 5, 5])
    #expect(constant.r == 0 && constant.p == 1)
  }

  @Test("a bad nsae toy is refused naming the field") func problems() {
    var toy = NSAEToy.default
    toy.scales = [4, 1, 2]
    toy.sae.sweepFactors = [1]
    toy.toyModel.importanceDecay = 2
    toy.world.embedding.noise = 0.1
    let found = toy.problems().joined(separator: " ")
    #expect(found.contains("'scales'") && found.contains("'sae.sweepFactors'") && found.contains("toyModel.importanceDecay") && found.contains("world.noise"))
    #expect(NSAEToy.default.problems().isEmpty && NSAEToy.default.quick().problems().isEmpty)
    let quick = NSAEToy.default.quick()
    #expect(quick.scales == [0.5, 2, 16] && quick.sae.sweepFactors == [0.0625, 1, 16])
    #expect(quick.sae.steps == NSAEToy.default.sae.steps && quick.toyModel.steps == NSAEToy.default.toyModel.steps / 2 && quick.replicates == NSAEToy.default.replicates)
  }
}
