import Foundation
import LabExperiments
import Testing
import LabTestSupport

/// End-to-end tests of the `lab` executable on a small hierarchy toy (N = 40, fewer exact cases).
@Suite("lab command", .serialized)
struct LabCommandTests {
  /// A quick toy: the default world with N = 40 and one exact case.
  static func smallToy(in directory: URL) throws -> String {
    var toy = HierarchyToy.default
    toy.world.sampleCount = 40
    toy.exactCases = [.init(childAngleDegrees: 70, bias: true)]
    let path = directory.appendingPathComponent("small.json").path
    try ToyLoader.encode(toy).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test("The executable exists next to the tests")
  func executableBuilt() {
    #expect(FileManager.default.isExecutableFile(atPath: LabExecutable.url.path), "expected \(LabExecutable.url.path)")
  }

  @Test("Every check passes on a small toy, and a second run with the same seed writes a byte-identical report")
  func reproducibleReport() throws {
    let directory = try Scratch.directory()
    let toy = try Self.smallToy(in: directory)
    let first = try LabExecutable.run(["run", "hierarchy", "--toy", toy, "--out", directory.appendingPathComponent("a").path, "--quiet"])
    #expect(first.status == 0, "stdout: \(first.stdout)\nstderr: \(first.stderr)")
    let second = try LabExecutable.run(["run", "hierarchy", "--toy", toy, "--out", directory.appendingPathComponent("b").path, "--quiet", "--json"])
    #expect(second.status == 0)
    #expect(second.stdout.hasPrefix("{\"checks\":"))
    let a = try Data(contentsOf: directory.appendingPathComponent("a/hierarchy.md"))
    let b = try Data(contentsOf: directory.appendingPathComponent("b/hierarchy.md"))
    #expect(a == b)
    let report = String(decoding: a, as: UTF8.self)
    #expect(report.contains("## Verdict") && report.contains("## Reproduce") && report.contains("lab run hierarchy --seed 20261122 --toy \(toy)"))
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("a/hierarchy.json").path))
    #expect(report.contains("](hierarchy-objective.svg)"))
    let figure = try Data(contentsOf: directory.appendingPathComponent("a/hierarchy-objective.svg"))
    #expect(String(decoding: figure, as: UTF8.self).hasPrefix("<svg") && String(decoding: figure, as: UTF8.self).contains("<polyline"))
    #expect(try Data(contentsOf: directory.appendingPathComponent("b/hierarchy-objective.svg")) == figure)
    try Self.expectReportReRenders("hierarchy", in: directory.appendingPathComponent("a"))
  }

  @Test("An unknown experiment exits with 2 and suggests the nearest name; nothing is written")
  func unknownExperiment() throws {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["run", "hierachy", "--out", directory.appendingPathComponent("out").path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("Unknown experiment 'hierachy'. Did you mean 'hierarchy'?"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test("A malformed toy file exits with 2, names the file and field, and writes nothing")
  func malformedToy() throws {
    let directory = try Scratch.directory()
    let path = directory.appendingPathComponent("bad.json").path
    let text = String(decoding: try ToyLoader.encode(HierarchyToy.default), as: UTF8.self).replacingOccurrences(of: "\"lambda\" : 0.05", with: "\"lambda\" : 0")
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let result = try LabExecutable.run(["run", "hierarchy", "--toy", path, "--out", directory.appendingPathComponent("out").path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(path): 'lambda' must be a finite number > 0, got 0.0"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test("A missing toy file and a bad option exit with 2")
  func badInput() throws {
    let missing = try LabExecutable.run(["run", "hierarchy", "--toy", "/nonexistent/toy.json"])
    #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/toy.json: no such file"))
    let threads = try LabExecutable.run(["run", "hierarchy", "--threads", "0"])
    #expect(threads.status == 2 && threads.stderr.contains("'--threads' must be in 1...64, got 0."))
  }

  @Test("lab run star passes every check and writes its report, record and figure")
  func starExperiment() throws {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["run", "star", "--out", directory.path, "--quiet"])
    #expect(result.status == 0, "stdout: \(result.stdout)")
    #expect(result.stdout.contains("star: 6 of 6 checks pass"))
    for name in ["star.md", "star.json", "star-polygon.svg"] {
      #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), "\(name)")
    }
    try Self.expectReportReRenders("star", in: directory)
  }

  @Test("lab run exclusive on a smaller toy passes every check")
  func exclusiveExperiment() throws {
    let directory = try Scratch.directory()
    var toy = ExclusiveToy.default
    toy.exact.perturbations = 50  // the star-move check needs ≥ 50 feasible moves
    toy.trained.perturbations = 10
    toy.trained.sampleCount = 120
    let path = directory.appendingPathComponent("exclusive-toy.json").path
    try ToyLoader.encode(toy).write(to: URL(fileURLWithPath: path))
    let started = Date()
    let result = try LabExecutable.run(["run", "exclusive", "--toy", path, "--out", directory.path])
    #expect(result.status == 0, "stdout: \(result.stdout)")
    #expect(result.stdout.contains("exclusive: 24 of 24 checks pass"))
    // Standard error is a pipe: stage lines, and no progress bar although the run outlasts its 2 s delay.
    let seconds = Date().timeIntervalSince(started)
    #expect(result.stderr.contains("[exclusive] exact problem") && !result.stderr.contains("\r"), "after \(seconds) s: \(result.stderr)")
    try Self.expectReportReRenders("exclusive", in: directory)
  }

  @Test("lab run wide-limit on a smaller toy passes every check")
  func wideLimitExperiment() throws {
    let directory = try Scratch.directory()
    var toy = WideLimitToy.default
    toy.rays.sampleCount = 60
    toy.nets.sampleCount = 50
    toy.splitting.randomDictionaries = 5
    toy.splitting.trueRayRuns = 2
    toy.splitting.randomRuns = 1
    let path = directory.appendingPathComponent("wide.json").path
    try ToyLoader.encode(toy).write(to: URL(fileURLWithPath: path))
    let result = try LabExecutable.run(["run", "wide-limit", "--toy", path, "--out", directory.path, "--quiet"])
    #expect(result.status == 0, "stdout: \(result.stdout)")
    #expect(result.stdout.contains("wide-limit: 9 of 9 checks pass"))
    try Self.expectReportReRenders("wide-limit", in: directory)
  }

  @Test("lab run one-d on a smaller toy passes every check")
  func oneDExperiment() throws {
    let directory = try Scratch.directory()
    var toy = OneDToy.default
    toy.line.sampleCount = 150
    toy.line.restarts = 4
    toy.line.restartsWithoutBias = 2
    toy.line.singleAtomRestarts = 4
    toy.transition.randomRestarts = 1
    toy.arc.sampleCount = 400
    toy.arc.formulaPoints = 40
    toy.arc.optimisedSizes = [4]
    let path = directory.appendingPathComponent("one-d-toy.json").path
    try ToyLoader.encode(toy).write(to: URL(fileURLWithPath: path))
    let result = try LabExecutable.run(["run", "one-d", "--toy", path, "--out", directory.path, "--quiet"])
    #expect(result.status == 0, "stdout: \(result.stdout)")
    #expect(result.stdout.contains("one-d: 12 of 12 checks pass"))
    try Self.expectReportReRenders("one-d", in: directory)
  }

  @Test("lab show prints the embedded default toy")
  func show() throws {
    let result = try LabExecutable.run(["show", "hierarchy"])
    #expect(result.status == 0)
    #expect(result.stdout == String(decoding: try ToyLoader.encode(HierarchyToy.default), as: UTF8.self))
  }
}
