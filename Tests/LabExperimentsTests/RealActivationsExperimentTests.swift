import Foundation
@testable import LabExperiments
import LabTestSupport
import PropertyBased
import Testing

/// The real-activations experiment on the test suite's tiny BERT (d = 32, 2 layers; the fixture of
/// LabTransformerTests) and a small text: determinism, its files, the record as the report's only
/// source, the sweep contract, and bad inputs named.
@Suite struct RealActivationsExperimentTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("LabTransformerTests/Fixtures")

  static let provenance = Provenance(labVersion: "", glpkVersion: "", blasConfiguration: "", blasThreads: 1, startedAt: "", wallSeconds: 0, command: "")

  /// A text of 120 short lines of words in and out of the tiny vocabulary.
  static func text() throws -> String {
    let words = ["the", "a", "cat", "dog", "of", "and", "to", "is", "in", "running", "walked", "blue", "red", "house", "tree", "Émile", "42", "!"]
    var generator = SplitMixLines(seed: 7)
    let lines = (0..<120).map { _ in (0..<(3 + generator.next() % 9)).map { _ in words[generator.next() % words.count] }.joined(separator: " ") }
    let path = try Scratch.directory().appendingPathComponent("text.txt").path
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// The default toy, shrunk to the tiny model: 60 training and 30 held-out lines, few steps.
  static func small() throws -> RealActivationsToy {
    var toy = RealActivationsToy.default
    toy.corpus = .init(model: fixtures.appendingPathComponent("tiny-bert").path, text: try text(), layer: 2, sequenceLength: 16,
                       trainingDocuments: 60, heldOutDocuments: 30)
    toy.ks = [2, 4]
    toy.stationarityRows = 24
    toy.training = .init(batchSize: 32, steps: 60, learningRate: 1e-3)
    return toy
  }

  @Test("a small run is deterministic, writes report, figures and record, and re-renders from the record alone")
  func smallRun() throws {
    let toy = try Self.small()
    #expect(toy.problems().isEmpty, "\(toy.problems())")
    // Two runs as separate processes: in this test process other suites change OpenBLAS's global
    // thread count while the run's sgemms execute, so an in-process comparison measured that, not
    // the experiment (it differed by a few bytes in one of three full-suite runs).
    let directory = try Scratch.directory()
    let toyPath = directory.appendingPathComponent("small.json")
    try JSONEncoder().encode(toy).write(to: toyPath)
    func run(_ name: String) throws -> [(name: String, contents: Data)] {
      let out = directory.appendingPathComponent(name)
      let result = try LabExecutable.run(["run", "real-activations", "--toy", toyPath.path, "--out", out.path, "--quiet", "--threads", "1"])
      // Exit 1 is a failed check (the tiny model's SAEs need not learn); 2 or a signal would be an error.
      #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
      let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0 != Provenance.sidecarName(id: "real-activations") }
      return try names.sorted().map { ($0, try Data(contentsOf: out.appendingPathComponent($0))) }
    }
    let firstFiles = try run("a"), secondFiles = try run("b")
    #expect(firstFiles.map(\.name) == ["index.md", "real-activations-agreement.svg", "real-activations-findings.svg", "real-activations-frontier.svg",
                                       "real-activations.json", "real-activations.md"])
    #expect(firstFiles.map(\.contents) == secondFiles.map(\.contents), "two runs of the same toy differ")
    let invocation = RunInvocation(reproduce: "lab run real-activations --toy small.json", quick: false)
    let first = try RealActivationsExperiment.product(toy, progress: { _ in }).render(Self.provenance, invocation)
    #expect(first.map(\.name) == ["real-activations.md", "real-activations-agreement.svg", "real-activations-frontier.svg",
                                  "real-activations-findings.svg", "real-activations.json", Provenance.sidecarName(id: "real-activations")])

    let path = try Scratch.directory().appendingPathComponent("real-activations.json").path
    let written = try #require(first.first { $0.name == "real-activations.json" })
    try written.contents.write(to: URL(fileURLWithPath: path))
    let rerendered = try ExperimentRegistry.entry("real-activations").get().rerender(path)
    #expect(rerendered.map(\.name) == first.prefix(4).map(\.name) && rerendered.map(\.contents) == first.prefix(4).map(\.contents))

    let record = try #require(try JSONSerialization.jsonObject(with: written.contents) as? [String: Any])
    let checks = (record["checks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    #expect(checks == ["training/learned", "frontier/matched-l0", "stationarity/ran"])
    let saes = record["saes"] as? [[String: Any]] ?? []
    #expect(saes.count == 5 * 7 && saes.allSatisfy { $0["decoder"] == nil }, "the record keeps no decoder")
    #expect((record["seedPairs"] as? [Any])?.count == 10 && (record["sizePairs"] as? [Any])?.count == 5 && (record["randomBaselines"] as? [Any])?.count == 10)
    #expect((record["findings"] as? [[String: Any]] ?? []).count == 14)
    let corpus = try #require(record["corpus"] as? [String: Any])
    #expect(corpus["dimension"] as? Int == 32 && corpus["corpusLines"] as? Int == 120)
    let markdown = String(decoding: first[0].contents, as: UTF8.self)
    #expect(markdown.contains("## Stationarity of the ReLU-L1 SAEs") && markdown.contains("r4/relu-l1-2x"))
    let measured = saes.filter { $0["stationarity"] != nil }.compactMap { $0["name"] as? String }
    #expect(measured == (0..<5).map { "r\($0)/relu-l1-2x" }, "stationarity runs on the suppression ratio's ReLU-L1 SAEs")
  }

  @Test("one point alone is that point of the whole sweep; a result in another's place, or measured on other activations, is refused naming the point")
  func points() throws {
    let toy = try Self.small()
    let names = RealActivationsExperiment.sweepPoints(toy)
    #expect(names.count == 35 && names.prefix(7) == ["r0/relu-l1-1x", "r0/relu-l1-2x", "r0/nsae-2x", "r0/k=2/shallow", "r0/k=2/deep encoder",
                                                      "r0/k=4/shallow", "r0/k=4/deep encoder"])
    let all = try RealActivationsExperiment.runPoints(Array(names.indices), of: toy) { _ in }
    #expect(try RecordEncoding.encode(RealActivationsExperiment.runPoint(8, of: toy) { _ in }) == RecordEncoding.encode(all[8]))
    func refusal(_ edited: [RealActivationsExperiment.TrainedPoint]) -> SweepPointError? {
      do { _ = try RealActivationsExperiment.record(toy, results: edited) } catch let error as SweepPointError { return error } catch {}
      return nil
    }
    #expect(refusal(all) == nil)
    var swapped = all
    swapped.swapAt(0, 1)
    #expect(refusal(swapped)?.index == 0 && refusal(swapped)?.message.contains("expected 'r0/relu-l1-1x'") == true, "\(String(describing: refusal(swapped)))")
    var other = all
    other[9].corpus.trainingTokens += 1
    #expect(refusal(other)?.index == 9 && refusal(other)?.message.contains("'corpus'") == true, "\(String(describing: refusal(other)))")
  }

  @Test("a missing model folder names the folder and the fetch script, through lab run as one line with exit 2")
  func missingModel() throws {
    var toy = try Self.small()
    let missing = try Scratch.directory().appendingPathComponent("no-model").path
    toy.corpus.model = missing
    do {
      _ = try RealActivationsExperiment.runPoints([0], of: toy) { _ in }
      Issue.record("a missing model folder was accepted")
    } catch let error as ToyFileError {
      #expect(error.description.hasPrefix(missing) && error.description.contains("scripts/fetch-minilm.sh"), "\(error)")
    }
    let directory = try Scratch.directory()
    let toyPath = directory.appendingPathComponent("toy.json")
    try ToyLoader.encode(toy).write(to: toyPath)
    let run = try LabExecutable.run(["run", "real-activations", "--toy", toyPath.path, "--out", directory.appendingPathComponent("out").path, "--quiet"])
    #expect(run.status == 2)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1 && lines.first?.contains("scripts/fetch-minilm.sh") == true && lines.first?.contains(missing) == true, "\(run.stderr)")
  }

  @Test("bad toy values are named; the default and quick toys are valid and keep five replicates")
  func problems() throws {
    var toy = RealActivationsToy.default
    toy.replicates = 4
    toy.ratios = [2, 1]
    toy.suppressionRatio = 3
    toy.corpus.model = ""
    toy.ks = []
    let found = toy.problems().joined(separator: " ")
    for field in ["'replicates'", "'ratios'", "'suppressionRatio'", "'corpus.model'", "'ks'"] { #expect(found.contains(field), "\(field): \(found)") }
    #expect(RealActivationsToy.default.problems().isEmpty && RealActivationsToy.default.quick().problems().isEmpty)
    #expect(RealActivationsToy.default.quick().replicates >= 5)
    var tooWide = try Self.small()
    tooWide.ks = [2, 100]
    #expect(throws: ToyFileError.self) { _ = try RealActivationsExperiment.runPoints([0], of: tooWide) { _ in } }
  }

  @Test("the committed record reads back and writes the same bytes, and its checks judged again are the recorded ones")
  func committedRecord() throws {
    let (original, written) = try RunRecordTests.roundTrip(RealActivationsExperiment.Record.self, "real-activations")
    #expect(written == original)
    let record = try CheckRejudgingTests.record(RealActivationsExperiment.Record.self, "real-activations")
    #expect(RealActivationsFindings.checks(record) == record.checks)
    #expect(record.findings.allSatisfy { $0.seeds >= 5 && $0.standardError.isFinite && $0.standardError >= 0 })
  }

  @Test("the document choice is a seeded sample without repetition, inside the file")
  func choice() async {
    await propertyCheck(count: 100, input: Gen.int(in: 1...500), Gen.int(in: 0...500), Gen.uint64()) { total, wanted, seed in
      let count = min(total, wanted)
      let chosen = RealActivationsCorpus.choose(count, of: total, seed: seed)
      #expect(chosen.count == count && Set(chosen).count == count && chosen.allSatisfy { (0..<total).contains($0) })
      #expect(chosen == RealActivationsCorpus.choose(count, of: total, seed: seed))
      #expect(RealActivationsCorpus.choose(total, of: total, seed: seed).sorted() == Array(0..<total))
    }
  }

  @Test("Pearson's r against a two-pass reference; the plateau measure of a flat and of a falling loss")
  func statistics() async {
    await propertyCheck(count: 100, input: Gen.double(in: -10...10).array(of: 3...40), Gen.double(in: -1...1)) { xs, slope in
      let ys = xs.enumerated().map { slope * $0.element + sin(Double($0.offset)) }
      let n = Double(xs.count), mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
      let sxy = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
      let sx = xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +).squareRoot(), sy = ys.map { ($0 - my) * ($0 - my) }.reduce(0, +).squareRoot()
      let reference = sx > 0 && sy > 0 ? sxy / (sx * sy) : 0
      #expect(abs(HeldOutMetrics.pearson(xs, ys) - reference) <= 1e-9)
    }
    #expect(RealActivationsExperiment.plateauDrop((0..<40).map { [Double($0), 2] }) == 0)
    let falling = RealActivationsExperiment.plateauDrop((0..<40).map { [Double($0), 100 - Double($0)] })
    #expect(abs(falling - 10 / (100 - 24.5)) < 1e-12)
  }
}

/// A small deterministic integer stream for the test text.
private struct SplitMixLines {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int((z ^ (z >> 31)) % 1_000_003)
  }
}
