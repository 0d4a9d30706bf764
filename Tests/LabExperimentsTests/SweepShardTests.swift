import Foundation
import LabExperiments
import PropertyBased
import Testing

/// `SweepShard`: parsing `--shard i/n` and dealing the sweep points out to the shards.
@Suite struct SweepShardTests {
  @Test("the shards of a sweep of any size cover every point exactly once, point p in shard (p mod n) + 1")
  func partition() async {
    await propertyCheck(count: 100, input: Gen.int(in: 0...300), Gen.int(in: 1...64)) { pointCount, n in
      var seen = [Int](repeating: 0, count: pointCount)
      for i in 1...n {
        let points = SweepShard(index: i, count: n)!.points(of: pointCount)
        #expect(points == points.sorted() && points.allSatisfy { $0 % n == i - 1 })
        for p in points { seen[p] += 1 }
      }
      #expect(seen.allSatisfy { $0 == 1 })
    }
  }

  @Test("--shard takes i/n with 1 ≤ i ≤ n; anything else is refused naming the value")
  func parsing() throws {
    #expect(try SweepShard(parsing: "2/4") == SweepShard(index: 2, count: 4))
    #expect(try SweepShard(parsing: "1/1").points(of: 3) == [0, 1, 2])
    for bad in ["0/4", "5/4", "2/0", "-1/3", "a/b", "2", "2/4/1", "", "/4", "2/"] {
      #expect(throws: SweepError.self) { try SweepShard(parsing: bad) }
      do { _ = try SweepShard(parsing: bad) } catch { #expect("\(error)".contains("'\(bad)'"), "\(error)") }
    }
    #expect(SweepShard(index: 0, count: 3) == nil && SweepShard(index: 4, count: 3) == nil && SweepShard(index: 1, count: 0) == nil)
  }

  @Test("the sweep experiments list their points, seed by seed; the others have no sweep")
  func registry() throws {
    #expect(ExperimentRegistry.all.filter { $0.sweep != nil }.map(\.id) == ["universality", "absorption", "frontier", "suppression", "nsae", "intuitive", "real-activations", "synth-bench"])
    func seeded(_ names: [String], seeds: Int = 5) -> [String] { (0..<seeds).flatMap { r in names.map { "seed-\(r)/\($0)" } } }
    let absorption = try #require(ExperimentRegistry.all.first { $0.id == "absorption" }?.sweep)
    #expect(try absorption.points(nil, nil, false) == seeded(["r=1/topk", "r=1/C=0.05", "r=1/C=0.2", "r=1/C=0.5", "r=1/L0=1", "r=1/L0=2",
                                                              "r=0.75/topk", "r=0.75/C=0.05", "r=0.75/C=0.2", "r=0.75/C=0.5", "r=0.75/L0=1", "r=0.75/L0=2",
                                                              "r=0.5/topk", "r=0.5/C=0.05", "r=0.5/C=0.2", "r=0.5/C=0.5", "r=0.5/L0=1", "r=0.5/L0=2"],
                                                             seeds: 20))
    #expect(try absorption.points(nil, nil, true) == seeded(["r=1/topk", "r=1/C=0.05", "r=1/C=0.2", "r=1/C=0.5", "r=1/L0=1",
                                                             "r=0.75/topk", "r=0.75/C=0.05", "r=0.75/C=0.2", "r=0.75/C=0.5", "r=0.75/L0=1",
                                                             "r=0.5/topk", "r=0.5/C=0.05", "r=0.5/C=0.2", "r=0.5/C=0.5", "r=0.5/L0=1"]))
    let frontier = try #require(ExperimentRegistry.all.first { $0.id == "frontier" }?.sweep)
    #expect(try frontier.points(nil, nil, false).count == 5 * 12)
    let universality = try #require(ExperimentRegistry.all.first { $0.id == "universality" }?.sweep)
    #expect(try universality.points(nil, nil, true) == seeded(["1x-seed-0", "1x-seed-1", "2x-seed-0", "2x-seed-1", "4x-seed-0", "4x-seed-1",
                                                               "4x-stream-b", "4x-shared-world", "4x-foreign-world"]))
    let suppression = try #require(ExperimentRegistry.all.first { $0.id == "suppression" }?.sweep)
    #expect(try suppression.points(nil, nil, false) == seeded(["s=1/relu-l1", "s=1/relu-l1-unit", "s=1/topk", "s=1/nsae", "s=1/dictionary-learning",
                                                               "s=4/relu-l1", "s=4/relu-l1-unit", "s=4/topk", "s=4/nsae", "s=4/dictionary-learning"]))
    let nsae = try #require(ExperimentRegistry.all.first { $0.id == "nsae" }?.sweep)
    #expect(try nsae.points(nil, nil, false) == seeded(["s=0.5", "s=1", "s=2", "s=4", "s=8", "s=16"]))
    #expect(try nsae.points(nil, nil, true) == seeded(["s=0.5", "s=2", "s=16"]))
    let intuitive = try #require(ExperimentRegistry.all.first { $0.id == "intuitive" }?.sweep)
    #expect(try intuitive.points(nil, nil, false) == seeded(["l1=0.1", "l1=0.3", "l1=1"]))
  }

  @Test("exact floats survive JSON bit for bit, NaN and signed zero included")
  func exactFloats() async throws {
    await propertyCheck(count: 50, input: Gen.uint32().array(of: 0...40)) { bits in
      let values = bits.map(Float.init(bitPattern:)) + [-0.0, .nan, .infinity]
      let decoded = try JSONDecoder().decode(ExactFloats.self, from: JSONEncoder().encode(ExactFloats(values)))
      #expect(decoded.values.map(\.bitPattern) == values.map(\.bitPattern))
    }
  }
}
