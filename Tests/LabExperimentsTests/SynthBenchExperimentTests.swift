import Foundation
@testable import LabExperiments
import LabTestSupport
import LabTraining
import Testing

/// The synth-bench experiment: the quick configuration reproduces byte for byte and its shards merge
/// to the unsharded run; the findings and checks compute what they state; bad toys are named.
@Suite("synth-bench", .serialized)
struct SynthBenchExperimentTests {
  /// The files of a `lab run` output folder but the provenance sidecar (timings), by name.
  static func files(_ out: URL) throws -> [(name: String, contents: Data)] {
    let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0 != Provenance.sidecarName(id: "synth-bench") }
    return try names.sorted().map { ($0, try Data(contentsOf: out.appendingPathComponent($0))) }
  }

  /// The default toy with a smaller quick configuration (100 steps of 16 on a 128-feature world,
  /// width 40), so that this test's three runs of the debug build take about a minute each; CI runs
  /// the toy's own quick configuration with the release build and requires every check to pass.
  static func smallQuickToy(in directory: URL) throws -> String {
    var toy = SynthBenchToy.default
    toy.configurations.quick = SynthBenchToy.Configuration(
      world: SynthBenchToy.world(features: 128, dimension: 32, roots: 1, minimumFiring: 0.15), width: 40, prefixes: [4, 16], batchSize: 16,
      trainingSamples: 1600, learningRate: 1e-3, thresholdLearningRateFactor: 30, evaluationSamples: 500, replicates: 5)
    let path = directory.appendingPathComponent("small-quick.json").path
    try JSONEncoder().encode(toy).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test("--quick runs, its two shards merge to the same bytes (every SAE trained again), and it re-renders from its record")
  func quickRun() throws {
    let directory = try Scratch.directory()
    let toy = try Self.smallQuickToy(in: directory)
    let out = directory.appendingPathComponent("a")
    let result = try LabExecutable.run(["run", "synth-bench", "--toy", toy, "--quick", "--out", out.path, "--quiet", "--threads", "1"])
    // Exit 1 is a failed check (this small toy's SAEs train 100 steps and may miss their target L0); 2 or a signal would be an error.
    #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
    let first = try Self.files(out)
    #expect(first.map(\.name) == ["index.md", "synth-bench-findings.svg", "synth-bench-precision-recall.svg", "synth-bench.json", "synth-bench.md"])

    // The shards train every SAE again in other processes: the merge equal to the unsharded run, byte
    // for byte, is the quick configuration reproduced.
    let shards = directory.appendingPathComponent("shards")
    for i in 1...2 {
      let shard = try LabExecutable.run(["run", "synth-bench", "--toy", toy, "--quick", "--sweep", "--shard", "\(i)/2", "--out", shards.path, "--quiet", "--threads", "1"])
      #expect(shard.status == 0, "\(shard.stderr)")
    }
    let merged = directory.appendingPathComponent("merged")
    let merge = try LabExecutable.run(["report", "--merge", shards.path, "--out", merged.path])
    #expect(merge.status == 0 || merge.status == 1, "\(merge.stderr)")
    let mergedFiles = try Self.files(merged)
    #expect(mergedFiles.map(\.name) == first.map(\.name))
    for (a, b) in zip(mergedFiles, first) { #expect(a.contents == b.contents, "merged \(a.name) differs from the unsharded run's") }

    let recordPath = directory.appendingPathComponent("a/synth-bench.json").path
    let rerendered = try ExperimentRegistry.entry("synth-bench").get().rerender(recordPath)
    for file in rerendered {
      #expect(first.first { $0.name == file.name }?.contents == file.contents, "\(file.name) does not re-render from the record")
    }
    let record = try RunRecords.load(SynthBenchExperiment.Record.self, id: "synth-bench", path: recordPath)
    #expect(record.toy.configuration == .quick)
    #expect(record.checks.map(\.id) == ["metrics/range", "training/finite", "l0/target", "determinism"])
    #expect(record.checks.first { $0.id == "determinism" }?.status == .pass, "training the first SAE twice differed")
    #expect(record.findings.count == 7 && record.findings.allSatisfy { $0.seeds == record.toy.active.replicates })
    #expect(record.saes.count == 5 * 3 * record.toy.active.replicates && record.toy.targetL0s == [15, 25, 35])
    #expect(record.saes.allSatisfy { $0.metrics.samples == record.toy.active.evaluationSamples })
    #expect(record.saes.allSatisfy { ($0.trainingEncoder != nil) == $0.architecture.selectsBatchTopK })
    let markdown = String(decoding: try #require(first.first { $0.name == "synth-bench.md" }).contents, as: UTF8.self)
    #expect(markdown.contains("This report is of the **quick** configuration") && markdown.contains("| Matryoshka |"))
  }

  /// One SAE's result with the given F1, precision, recall, MCC and explained variance (other metrics neutral).
  static func result(_ a: SynthBenchToy.Architecture, _ k: Int, f1: Double, precision: Double = 0.5, recall: Double = 0.5, mcc: Double = 0.5,
                     explainedVariance: Double = 0.5) -> SynthBenchExperiment.SAEResult {
    // The metrics type has no public memberwise initialiser; its JSON form is its public face.
    let fields: [String: Any] = ["samples": 100, "mcc": mcc, "uniqueness": 1, "precision": precision, "recall": recall, "f1": f1,
                                 "explainedVariance": explainedVariance, "l0": Double(k), "trueL0": 30, "deadLatents": 0, "shrinkage": 0.9]
    let metrics = try! JSONDecoder().decode(SynthBenchMetrics.self, from: JSONSerialization.data(withJSONObject: fields))
    return .init(name: "seed-0/\(a)/L0=\(k)", replicate: 0, architecture: a, targetL0: k, metrics: metrics, trainingEncoder: nil,
                 sparsityCoefficient: nil, threshold: nil, divergedAtStep: nil, reproducedBits: nil)
  }

  @Test("each finding's quantity is the published comparison: positive when the published ranking holds, negative when it is reversed")
  func findingQuantities() {
    let toy = SynthBenchToy.default
    let publishedF1: [SynthBenchToy.Architecture: Double] = [.standardL1: 0.556, .batchTopK: 0.732, .matryoshka: 0.879, .jumpReLU: 0.731, .matchingPursuit: 0.446]
    let publishedEV: [SynthBenchToy.Architecture: Double] = [.standardL1: 0.765, .batchTopK: 0.792, .matryoshka: 0.779, .jumpReLU: 0.795, .matchingPursuit: 0.835]
    let publishedMCC: [SynthBenchToy.Architecture: Double] = [.standardL1: 0.604, .batchTopK: 0.757, .matryoshka: 0.793, .jumpReLU: 0.753, .matchingPursuit: 0.693]
    func saes(reversed: Bool) -> [SynthBenchExperiment.SAEResult] {
      toy.architectures.flatMap { a in toy.targetL0s.map { k in
        let sign = reversed ? -1.0 : 1.0, rank = Double(k - 25) / 100
        return Self.result(a, k, f1: sign * publishedF1[a]!, precision: 0.8 - sign * rank, recall: 0.5 + sign * rank, mcc: sign * publishedMCC[a]!,
                           explainedVariance: sign * publishedEV[a]!)
      } }
    }
    let holds = SynthBenchVerdict.findings(toy, saes(reversed: false)).map(\.value)
    let reversed = SynthBenchVerdict.findings(toy, saes(reversed: true)).map(\.value)
    #expect(holds.count == 7 && holds.allSatisfy { $0 > 0 }, "\(holds)")
    #expect(reversed.allSatisfy { $0 < 0 }, "\(reversed)")
    #expect(abs(holds[0] - (0.879 - 0.732)) < 1e-12 && abs(holds[2] - (0.556 - 0.446)) < 1e-12 && abs(holds[4] - (0.693 - 0.604)) < 1e-12)
    // A missing architecture makes the findings that need it not finite (inconclusive), never a number.
    let withoutMatryoshka = SynthBenchVerdict.findings(toy, saes(reversed: false).filter { $0.architecture != .matryoshka })
    #expect(withoutMatryoshka[0].value.isNaN)
  }

  @Test("the L0 check measures the relative miss, and matching pursuit only above its target")
  func l0Miss() {
    var l1 = Self.result(.standardL1, 20, f1: 0.5)
    l1.metrics.l0 = 23
    #expect(abs(SynthBenchVerdict.l0Miss(l1) - 0.15) < 1e-12)
    var pursuit = Self.result(.matchingPursuit, 20, f1: 0.5)
    pursuit.metrics.l0 = 12
    #expect(SynthBenchVerdict.l0Miss(pursuit) == 0)
    pursuit.metrics.l0 = 21
    #expect(abs(SynthBenchVerdict.l0Miss(pursuit) - 0.05) < 1e-12)
    var bad = Self.result(.batchTopK, 20, f1: 1.5)
    bad.metrics.shrinkage = .nan
    #expect(SynthBenchVerdict.outOfRange(bad.metrics, width: 64) == ["f1 1.5", "shrinkage nan"])
  }

  @Test("a bad toy names the configuration's field and the value")
  func badToy() {
    var toy = SynthBenchToy.default
    toy.configurations.reduced.trainingSamples = 1000
    toy.configurations.quick.prefixes = [32, 8]
    toy.configurations.published.thresholdLearningRateFactor = 0
    toy.targetL0s = [20, 15]
    let problems = toy.problems()
    #expect(problems.contains("'configurations.reduced.trainingSamples' must be a multiple of 'configurations.reduced.batchSize' (256), got 1000"))
    #expect(problems.contains("'configurations.quick.prefixes' must be strictly increasing widths in 1...127, got [32, 8]"))
    #expect(problems.contains("'configurations.published.thresholdLearningRateFactor' must be > 0 with learningRate × factor below 1, got 0.0"))
    #expect(problems.contains("'targetL0s' must be strictly increasing integers in 1...1024, got [20, 15]"))
    #expect(SynthBenchToy.default.problems().isEmpty, "\(SynthBenchToy.default.problems())")
  }

  @Test("the sweep's points are seed × architecture × target L0, and a result in another's place is refused naming the point")
  func points() throws {
    let toy = SynthBenchToy.default
    let names = SynthBenchExperiment.sweepPoints(toy)
    #expect(SynthBenchExperiment.sweepPoints(toy.quick()).count == 75, "--quick keeps the smallest, compared and largest target L0")
    #expect(names.count == 125 && names[0] == "seed-0/relu-l1/L0=15" && names[6] == "seed-0/batchtopk/L0=20" && names[25] == "seed-1/relu-l1/L0=15")
    let point = SynthBenchExperiment.point(31, of: toy)
    #expect(point.replicate == 1 && point.architecture == .batchTopK && point.targetL0 == 20)
    var results = names.indices.map { index -> SynthBenchExperiment.SAEResult in
      let (r, a, k) = SynthBenchExperiment.point(index, of: toy)
      var result = Self.result(a, k, f1: 0.5)
      result.name = names[index]
      result.replicate = r
      return result
    }
    #expect(throws: Never.self) { try SynthBenchExperiment.record(toy, results: results) }
    results.swapAt(3, 4)
    do {
      _ = try SynthBenchExperiment.record(toy, results: results)
      Issue.record("a swapped result was accepted")
    } catch let error as SweepPointError {
      #expect(error.index == 3 && error.message == "holds seed-0/relu-l1/L0=35, expected seed-0/relu-l1/L0=30")
    }
  }
}
