import Foundation
import LabExperiments
import Testing

extension ReaderFuzzTests {
  @Test("Shard records (lab report --merge's reader): a hostile shard joins into a rendered record or fails naming a shard file")
  func shardRecords() async throws {
    var toy = FrontierToy.default
    toy.sampleCount = 64
    toy.ks = [1, 2]
    toy.training.width = 4
    toy.training.steps = 5
    toy.training.batchSize = 16
    toy.training.plateauWindow = 5
    toy.heldOutCount = 32
    let directory = try Scratch.directory()
    let toyPath = directory.appendingPathComponent("frontier.json").path
    try ToyLoader.encode(toy).write(to: URL(fileURLWithPath: toyPath))
    let sweep = try #require(ExperimentRegistry.entry("frontier").get().sweep)
    let provenance = Provenance(labVersion: "test", glpkVersion: "", blasConfiguration: "", blasThreads: 1, startedAt: "", wallSeconds: 0, command: "")
    let shards = try (1...2).map { i in
      let run = try sweep.runShard(toyPath, nil, false, SweepShard(index: i, count: 2)!) { _ in }
      return (path: run.fileName, data: try run.render(provenance, RunInvocation(reproduce: "lab run frontier", quick: false)))
    }
    #expect(shards.map(\.path) == ["frontier.shard-1-of-2.json", "frontier.shard-2-of-2.json"])
    let joined = try SweepMerge.merge(files: shards, command: "lab report --merge", searched: "the shards")
    #expect(joined.map(\.id) == ["frontier"] && joined[0].product.checks.count == 3)
    await Self.fuzz(shards[1].data, path: "frontier.shard-") { bytes in
      for merged in try SweepMerge.merge(files: [shards[0], (shards[1].path, bytes)], command: "", searched: "frontier.shard-*") {
        let files = try merged.product.render(merged.provenance, merged.invocation)
        #expect(files.contains { $0.name == "frontier.md" })
      }
    }
  }
}
