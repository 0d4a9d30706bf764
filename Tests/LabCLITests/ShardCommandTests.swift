import Foundation
import LabExperiments
import LabGenerators
import Testing
import LabTestSupport

/// `lab run … --sweep --shard i/n` and `lab report --merge` on small toys of the sweep
/// experiments: the merged files are the unsharded run's, and bad specs or shard sets are refused.
@Suite("lab run --sweep --shard and lab report --merge", .serialized)
struct ShardCommandTests {
  /// Small toys of the sweep experiments (8, 6, 7, 10 and 3 points; well under a second each in a debug build).
  static func smallToys() -> [(id: String, toy: Data)] {
    var absorption = AbsorptionToy.default
    absorption.trainingSamples = 128
    absorption.evaluationSamples = 128
    absorption.dictionarySamples = 64
    absorption.stationaritySamples = 32
    absorption.l1Coefficients = [0.2]
    absorption.cooccurrenceRates = [1, 0.5]
    absorption.sae.steps = 40
    absorption.sae.batchSize = 32
    absorption.dictionaryLearning.maxIterations = 50
    absorption.replicates = 5
    var frontier = FrontierToy.default
    frontier.sampleCount = 128
    frontier.ks = [1, 3]
    frontier.training.width = 8
    frontier.training.steps = 20
    frontier.training.batchSize = 32
    frontier.training.plateauWindow = 10
    frontier.heldOutCount = 64
    var universality = UniversalityToy.default
    universality.world = IndependentWorld(featureCount: 16, firing: .constant(0.1), magnitude: universality.world.magnitude,
                                          embedding: Embedding(inputDimension: 8))
    universality.trainingSamples = 1000
    universality.evaluationSamples = 100
    universality.ratios = [1, 2]
    universality.referenceRatio = 2
    universality.training.steps = 20
    universality.training.batchSize = 64
    universality.baselineDimension = 64
    return [("absorption", try! ToyLoader.encode(absorption)), ("frontier", try! ToyLoader.encode(frontier)),
            ("universality", try! ToyLoader.encode(universality)), ("suppression", try! ToyLoader.encode(SmallToys.suppression)),
            ("nsae", try! ToyLoader.encode(SmallToys.nsae))]
  }

  /// Writes `toy` into `directory` and returns its path.
  static func toyFile(_ toy: Data, named name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try toy.write(to: url)
    return url.path
  }

  /// A run's provenance, from the file beside its record.
  static func provenance(_ directory: URL, id: String) throws -> [String: Any] {
    let data = try Data(contentsOf: directory.appendingPathComponent(Provenance.sidecarName(id: id)))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  @Test("merged shards 1/3, 2/3, 3/3 write the unsharded run's report and figures byte for byte, and its record but for the provenance")
  func mergedEqualsUnsharded() throws {
    for (id, toy) in Self.smallToys() {
      let directory = try Scratch.directory()
      let path = try Self.toyFile(toy, named: "\(id).json", in: directory)
      let full = directory.appendingPathComponent("full"), shards = directory.appendingPathComponent("shards")
      let merged = directory.appendingPathComponent("merged")
      // `--sweep` alone is the ordinary run (the other two experiments run without it).
      let unsharded = try LabExecutable.run(["run", id, "--toy", path, "--out", full.path, "--quiet"] + (id == "frontier" ? ["--sweep"] : []))
      #expect(unsharded.status != 2, "\(id): \(unsharded.stderr)")
      var shardSeconds = 0.0
      for i in 1...3 {
        let shard = try LabExecutable.run(["run", id, "--sweep", "--shard", "\(i)/3", "--toy", path, "--out", shards.path, "--quiet", "--json"])
        #expect(shard.status == 0, "\(id) shard \(i): \(shard.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(shard.stdout.utf8)) as? [String: Any]
        shardSeconds += summary?["wallSeconds"] as? Double ?? .nan
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: shards.path).sorted() == (1...3).map { "\(id).shard-\($0)-of-3.json" })
      let merge = try LabExecutable.run(["report", "--merge", shards.path, "--out", merged.path])
      #expect(merge.status == unsharded.status, "\(id): \(merge.stderr)")
      #expect(merge.stdout.contains("\(id): ") && merge.stdout.contains("merged 3 shards into"), "\(merge.stdout)")

      let names = try FileManager.default.contentsOfDirectory(atPath: full.path).sorted()
      #expect(names.contains("\(id).md") && names.contains("index.md") && names.contains(where: { $0.hasSuffix(".svg") }), "\(names)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: merged.path).sorted() == names)
      // The record keeps no provenance (it lives beside it), so it too is the unsharded run's, byte for byte.
      #expect(names.contains(Provenance.sidecarName(id: id)), "\(names)")
      for name in names where name != Provenance.sidecarName(id: id) {
        #expect(try Data(contentsOf: merged.appendingPathComponent(name)) == Data(contentsOf: full.appendingPathComponent(name)), "\(id): \(name)")
      }
      let a = try Self.provenance(full, id: id), b = try Self.provenance(merged, id: id)
      for key in ["labVersion", "glpkVersion", "blasConfiguration", "blasThreads"] {
        #expect(a[key] as? NSObject == b[key] as? NSObject, "\(id): provenance.\(key)")
      }
      #expect(abs((b["wallSeconds"] as? Double ?? .nan) - shardSeconds) < 1e-9, "\(id): merged wall time is the shards' sum")
      #expect((b["command"] as? String ?? "").contains("report --merge"))
    }
  }

  @Test("lab show --sweep numbers the sweep points from 0; an experiment without a sweep exits 2")
  func showSweep() throws {
    let shown = try LabExecutable.run(["show", "frontier", "--sweep"])
    #expect(shown.status == 0, "\(shown.stderr)")
    let lines = shown.stdout.split(separator: "\n")
    #expect(lines.count == 60 && lines.first == "0 seed-0/k=1/shallow" && lines.last == "59 seed-4/k=8/deep encoder + decoder", "\(lines)")
    let plain = try LabExecutable.run(["show", "star", "--sweep"])
    #expect(plain.status == 2 && plain.stderr.contains("'star' has no sweep"), "\(plain.stderr)")
  }

  @Test("bad --shard values, --shard without --sweep and --sweep without a sweep exit 2 and write nothing")
  func badSpecs() throws {
    let directory = try Scratch.directory()
    let out = directory.appendingPathComponent("out").path
    for (value, message) in [("0/3", "'--shard' must be i/n with 1 ≤ i ≤ n, got '0/3'"), ("4/3", "got '4/3'"), ("2/0", "got '2/0'"),
                             ("two/3", "'--shard' must be i/n with integers 1 ≤ i ≤ n (e.g. 2/4), got 'two/3'")] {
      let result = try LabExecutable.run(["run", "frontier", "--sweep", "--shard", value, "--out", out])
      #expect(result.status == 2 && result.stderr.contains(message), "\(value): \(result.stderr)")
    }
    let noSweep = try LabExecutable.run(["run", "frontier", "--shard", "1/2", "--out", out])
    #expect(noSweep.status == 2 && noSweep.stderr.contains("'--shard' needs '--sweep'"), "\(noSweep.stderr)")
    let plain = try LabExecutable.run(["run", "star", "--sweep", "--out", out])
    #expect(plain.status == 2 && plain.stderr.contains("'star' has no sweep") && plain.stderr.contains("absorption"), "\(plain.stderr)")
    let plainShard = try LabExecutable.run(["run", "frontier", "star", "--sweep", "--shard", "1/2", "--out", out])
    #expect(plainShard.status == 2 && plainShard.stderr.contains("'star' has no sweep"), "\(plainShard.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("an incomplete, duplicated or inconsistent set of shards exits 2 naming the file and field, and writes nothing")
  func inconsistentShards() throws {
    let id = "frontier"
    var toy = FrontierToy.default
    toy.sampleCount = 16  // with ks = [1], heldOutCount = 2 and batch 16, --quick leaves the toy as it is
    toy.ks = [1]
    toy.training.width = 4
    toy.training.steps = 5
    toy.training.batchSize = 16
    toy.training.plateauWindow = 5
    toy.heldOutCount = 2
    let directory = try Scratch.directory()
    let path = try Self.toyFile(try ToyLoader.encode(toy), named: "frontier.json", in: directory)
    func shards(_ name: String, _ spec: String, _ extra: [String] = []) throws -> URL {
      let url = directory.appendingPathComponent(name)
      let result = try LabExecutable.run(["run", id, "--sweep", "--shard", spec, "--toy", path, "--out", url.path, "--quiet"] + extra)
      #expect(result.status == 0, "\(result.stderr)")
      return url.appendingPathComponent("\(id).shard-\(spec.replacingOccurrences(of: "/", with: "-of-")).json")
    }
    let one = try shards("a", "1/3"), two = try shards("a", "2/3"), three = try shards("a", "3/3")
    let out = directory.appendingPathComponent("out")
    func merge(_ paths: [String]) throws -> LabExecutable.Run {
      try LabExecutable.run(["report", "--merge"] + paths + ["--out", out.path])
    }

    let missing = try merge([one.path, three.path])
    #expect(missing.status == 2 && missing.stderr.contains("shards of 'frontier' are incomplete: missing shard 2/3"), "\(missing.stderr)")
    let copy = directory.appendingPathComponent("copy-of-shard-1.json")
    try FileManager.default.copyItem(at: one, to: copy)
    let twice = try merge([one.path, two.path, three.path, copy.path])
    #expect(twice.status == 2 && twice.stderr.contains("field 'shard' is 1/3, the same shard as"), "\(twice.stderr)")
    let otherSeed = try shards("b", "2/3", ["--seed", "7"])
    let seed = try merge([one.path, otherSeed.path, three.path])
    #expect(seed.status == 2 && seed.stderr.contains("\(otherSeed.path): field 'toy' differs from the toy of \(one.path)"), "\(seed.stderr)")
    let otherCount = try shards("c", "2/2")
    let count = try merge([one.path, otherCount.path, three.path])
    #expect(count.status == 2 && count.stderr.contains("\(otherCount.path): field 'shard.count' is 2, but \(one.path) has 3"), "\(count.stderr)")
    let quick = try shards("d", "2/3", ["--quick"])
    let invocation = try merge([one.path, quick.path, three.path])
    #expect(invocation.status == 2 && invocation.stderr.contains("\(quick.path): field 'invocation' is"), "\(invocation.stderr)")

    let edited = directory.appendingPathComponent("edited.json")
    let text = String(decoding: try Data(contentsOf: two), as: UTF8.self)
    try Data(text.replacingOccurrences(of: "\"name\" : \"seed-0/k=1/deep encoder\"", with: "\"name\" : \"seed-0/k=2/deep encoder\"").utf8).write(to: edited)
    let renamed = try merge([one.path, edited.path, three.path])
    #expect(renamed.status == 2 && renamed.stderr.contains("\(edited.path): field 'points[0].name' is 'seed-0/k=2/deep encoder', expected 'seed-0/k=1/deep encoder'"), "\(renamed.stderr)")
    try Data(text.replacingOccurrences(of: "\"experiment\" : \"frontier\"", with: "\"experiment\" : \"star\"").utf8).write(to: edited)
    let star = try merge([one.path, edited.path, three.path])
    #expect(star.status == 2 && star.stderr.contains("\(edited.path): field 'experiment' is 'star', not an experiment with a sweep"), "\(star.stderr)")
    try Data(text.replacingOccurrences(of: "\"architecture\" : \"deep encoder\"", with: "\"architecture\" : \"shallow\"").utf8).write(to: edited)
    let swapped = try merge([one.path, edited.path, three.path])
    #expect(swapped.status == 2 && swapped.stderr.contains("\(edited.path): field 'points[0].result' holds k = 1, 'shallow'"), "\(swapped.stderr)")
    let empty = try merge([directory.path])
    #expect(empty.status == 2 && empty.stderr.contains("no shard records"), "\(empty.stderr)")
    let none = try LabExecutable.run(["report", "absorption", "--merge", one.deletingLastPathComponent().path, "--out", out.path])
    #expect(none.status == 2 && none.stderr.contains("no shard records of 'absorption'"), "\(none.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))

    let fine = try merge([one.deletingLastPathComponent().path])
    #expect(fine.status != 2 && FileManager.default.fileExists(atPath: out.appendingPathComponent("frontier.md").path), "\(fine.stderr)")

    // Sixteen shards of fifteen points (three per seed, five seeds): the sixteenth holds none, and the merge is the same record.
    let sixteen = try (1...16).map { try shards("e", "\($0)/16") }
    let beyond = try LabExecutable.run(["report", "--merge", sixteen[0].deletingLastPathComponent().path, "--out", directory.appendingPathComponent("e-out").path])
    #expect(beyond.status == fine.status, "\(beyond.stderr)")
    let threeRecord = try Data(contentsOf: out.appendingPathComponent("frontier.json"))
    let fourRecord = try Data(contentsOf: directory.appendingPathComponent("e-out/frontier.json"))
    #expect(threeRecord == fourRecord)
    let lastShard = try JSONSerialization.jsonObject(with: Data(contentsOf: sixteen[15])) as? [String: Any]
    #expect((lastShard?["points"] as? [Any])?.isEmpty == true && lastShard?["pointCount"] as? Int == 15)
  }
}
