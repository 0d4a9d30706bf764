import Foundation
import LabExperiments
import Testing
import LabTestSupport

extension LabCommandTests {
  /// Deletes every report file (Markdown, SVG, index) in `directory`, re-renders them with
  /// `lab report`, and expects exactly the bytes `lab run` wrote: the report is a pure function of
  /// the saved record.
  static func expectReportReRenders(_ id: String, in directory: URL) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".md") || $0.hasSuffix(".svg") }.sorted()
    #expect(names.contains("\(id).md") && names.contains("index.md"), "\(names)")
    let written = try names.map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    for name in names { try FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
    let result = try LabExecutable.run(["report", id, "--out", directory.path])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    for (name, bytes) in zip(names, written) {
      #expect((try? Data(contentsOf: directory.appendingPathComponent(name))) == bytes, "\(name) re-rendered differently")
    }
  }
}

/// `lab list`, `lab report`, `lab run` with several names, `--all` and `--quick`, and the index.
@Suite("lab list, report and index", .serialized)
struct ReportCommandTests {
  @Test("lab list names every registered experiment; without records each is 'not run'")
  func listWithoutRecords() throws {
    let directory = try Scratch.directory()
    let text = try LabExecutable.run(["list", "--out", directory.path])
    #expect(text.status == 0)
    for entry in ExperimentRegistry.all { #expect(text.stdout.contains("\(entry.id)") && text.stdout.contains(entry.title)) }
    #expect(text.stdout.components(separatedBy: "[not run]").count - 1 == ExperimentRegistry.all.count)
    let json = try LabExecutable.run(["list", "--out", directory.path, "--json"])
    let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    #expect(items.map { $0["experiment"] as? String } == ExperimentRegistry.names)
    for item in items { #expect(item["findings"] as? [String: Int] == ["reproduced": 0, "refuted": 0, "inconclusive": 0]) }
  }

  @Test("A quick run is recorded: its record, reproduce line, list and index say so, and report re-renders it")
  func quickRunIsRecorded() throws {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["run", "star", "--quick", "--out", directory.path, "--json"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("\"quick\":true"))
    let summary = try #require(try RunRecords.summary(id: "star", in: directory.path))
    #expect(summary.invocation == RunInvocation(reproduce: "lab run star --seed 0 --quick", quick: true))
    #expect(String(decoding: try Data(contentsOf: directory.appendingPathComponent("star.md")), as: UTF8.self).contains("lab run star --seed 0 --quick"))
    let list = try LabExecutable.run(["list", "--out", directory.path])
    #expect(list.stdout.contains("[✓ 6 of 6 checks pass (quick)]"))
    let index = String(decoding: try Data(contentsOf: directory.appendingPathComponent("index.md")), as: UTF8.self)
    #expect(index.contains("| [`star`](star.md) | \(StarToy.default.title) | ✓ 6 of 6 checks pass (quick) | — |"))
    #expect(index.contains("| `hierarchy` |") && index.contains("not run"))
    try LabCommandTests.expectReportReRenders("star", in: directory)
  }

  @Test("The quick configurations test the same claims on fewer random probes")
  func quickConfigurations() {
    let exclusive = ExclusiveToy.default.quick()
    #expect(exclusive.exact.perturbations == 60 && exclusive.trained.perturbations == 40)
    #expect(exclusive.dictionaries == ExclusiveToy.default.dictionaries && exclusive.counterexamples == ExclusiveToy.default.counterexamples)
    #expect(exclusive.problems().isEmpty)
    let wide = WideLimitToy.default.quick()
    #expect(wide.splitting.randomDictionaries == 10 && wide.rays == WideLimitToy.default.rays && wide.nets == WideLimitToy.default.nets)
    #expect(wide.problems().isEmpty)
    let universality = UniversalityToy.default.quick()
    #expect(universality.ratios == UniversalityToy.default.ratios && universality.replicates == UniversalityToy.default.replicates
            && universality.training == UniversalityToy.default.training && universality.trainingSamples < UniversalityToy.default.trainingSamples
            && universality.problems().isEmpty)
    #expect(StarToy.default.quick() == StarToy.default && HierarchyToy.default.quick() == HierarchyToy.default && OneDToy.default.quick() == OneDToy.default)
  }

  @Test("lab run with several names runs each once and writes the index; an unknown name among them runs nothing")
  func severalNames() throws {
    let directory = try Scratch.directory()
    let bad = try LabExecutable.run(["run", "star", "exclusiv", "--out", directory.path])
    #expect(bad.status == 2 && bad.stderr.contains("Unknown experiment 'exclusiv'. Did you mean 'exclusive'?"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("star.md").path))
    let toy = try LabExecutable.run(["run", "star", "hierarchy", "--toy", "toys/star.json", "--out", directory.path])
    #expect(toy.status == 2 && toy.stderr.contains("'--toy' needs exactly one experiment, got 2."))
    let none = try LabExecutable.run(["run", "--out", directory.path])
    #expect(none.status == 2 && none.stderr.contains("Give at least one experiment"))
    let both = try LabExecutable.run(["run", "star", "--all", "--out", directory.path])
    #expect(both.status == 2)
    let twice = try LabExecutable.run(["run", "star", "star", "--out", directory.path, "--quiet"])
    #expect(twice.status == 0 && twice.stdout.components(separatedBy: "star: 6 of 6").count == 2)
  }

  @Test("lab report: a missing or malformed record is bad input (exit 2) and writes nothing; a failed check gives 1")
  func reportErrors() throws {
    let directory = try Scratch.directory()
    let missing = try LabExecutable.run(["report", "star", "--out", directory.path])
    #expect(missing.status == 2 && missing.stderr.contains("star.json: no such run record"))
    let empty = try LabExecutable.run(["report", "--out", directory.path])
    #expect(empty.status == 0 && FileManager.default.fileExists(atPath: directory.appendingPathComponent("index.md").path))

    #expect(try LabExecutable.run(["run", "star", "--out", directory.path, "--quiet"]).status == 0)
    let recordURL = directory.appendingPathComponent("star.json"), reportURL = directory.appendingPathComponent("star.md")
    let record = try Data(contentsOf: recordURL), report = try Data(contentsOf: reportURL)
    let text = String(decoding: record, as: UTF8.self)
    try Data(text.replacingOccurrences(of: "\"receiver\" : 2", with: "\"receiver\" : \"two\"").utf8).write(to: recordURL)
    let malformed = try LabExecutable.run(["report", "star", "--out", directory.path])
    #expect(malformed.status == 2 && malformed.stderr.contains("star.json: field '") && malformed.stderr.contains("receiver' has the wrong type"), "\(malformed.stderr)")
    #expect(try Data(contentsOf: reportURL) == report)

    let failing = text.replacingOccurrences(of: "\"status\" : \"pass\"", with: "\"status\" : \"fail\"")
    try Data(failing.utf8).write(to: recordURL)
    let failed = try LabExecutable.run(["report", "--all", "--out", directory.path])
    #expect(failed.status == 1 && failed.stdout.contains("star: 0 of 6 checks pass"))
    #expect(String(decoding: try Data(contentsOf: reportURL), as: UTF8.self).contains("**0 of 6 checks pass.**"))
    #expect(try LabExecutable.run(["list", "--out", directory.path]).stdout.contains("[✗ 0 of 6 checks pass]"))
  }

  @Test("The committed notebooks re-render from their records byte for byte (records written before invocations were recorded)")
  func committedNotebooks() throws {
    let notebooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("notebooks-md")
    for entry in ExperimentRegistry.all {
      let record = notebooks.appendingPathComponent("\(entry.id).json").path
      guard FileManager.default.fileExists(atPath: record) else { continue }
      for file in try entry.rerender(record) {
        #expect(try Data(contentsOf: notebooks.appendingPathComponent(file.name)) == file.contents, "notebooks-md/\(file.name)")
      }
    }
  }
}
