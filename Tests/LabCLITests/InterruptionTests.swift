import Foundation
import LabExperiments
import LabFormats
import Testing
import LabTestSupport

/// Interrupted and concurrent runs never lose or corrupt an output: a run killed at any moment
/// leaves the previous files intact, and two runs into one directory leave complete files.
@Suite("Interrupted and concurrent runs", .serialized)
struct InterruptionTests {
  static func contents(_ directory: URL, _ name: String) throws -> Data {
    try Data(contentsOf: directory.appendingPathComponent(name))
  }

  @Test("SIGKILL while lab generate streams a large X.npy leaves the previous X.npy byte-identical")
  func killDuringLargeWrite() throws {
    let directory = try Scratch.directory()
    let before = try LabExecutable.run(["generate", "independent", "--out", directory.path, "--samples", "500", "--seed", "1"])
    #expect(before.status == 0, "\(before.stderr)")
    let previous = try Self.contents(directory, "X.npy")
    let process = try LabExecutable.start(["generate", "independent", "--out", directory.path, "--samples", "5000000", "--seed", "2"])
    // Wait until the new X.npy is being written (its partial file, in the write's staging
    // directory, has grown past 1 MB), then kill.
    let deadline = Date().addingTimeInterval(60)
    var writing = false
    while !writing && Date() < deadline && process.isRunning {
      let stagings = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasPrefix(AtomicWriter.stagingPrefix) }.map { directory.appendingPathComponent($0) }
      writing = stagings.contains { staging in
        ((try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []).contains { name in
          name.hasPrefix("X.npy.") && name.hasSuffix(".partial")
            && ((try? FileManager.default.attributesOfItem(atPath: staging.appendingPathComponent(name).path)[.size] as? Int) ?? 0) > 1 << 20
        }
      }
      if !writing { usleep(20_000) }
    }
    #expect(writing, "the large write never started")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    #expect(try Self.contents(directory, "X.npy") == previous)
  }

  @Test("SIGKILL at random moments of lab run: every report file is the previous one or the new one, complete")
  func killDuringRun() throws {
    let directory = try Scratch.directory()
    let first = try LabExecutable.run(["run", "star", "--out", directory.path, "--seed", "1", "--quiet"])
    #expect(first.status == 0)
    let names = ["star.md", "star-polygon.svg"]
    let old = try names.map { try Self.contents(directory, $0) }
    // The new bytes, from a complete run elsewhere with the other seed.
    let reference = try Scratch.directory()
    let started = Date()
    #expect(try LabExecutable.run(["run", "star", "--out", reference.path, "--seed", "2", "--quiet"]).status == 0)
    let duration = Date().timeIntervalSince(started)
    let new = try names.map { try Self.contents(reference, $0) }
    #expect(old[0] != new[0])
    for attempt in 0..<8 {
      let process = try LabExecutable.start(["run", "star", "--out", directory.path, "--seed", "2", "--quiet"])
      usleep(useconds_t(duration * 1e6 * Double(attempt + 1) / 8))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      for (index, name) in names.enumerated() {
        let now = try Self.contents(directory, name)
        #expect(now == old[index] || now == new[index], "attempt \(attempt): \(name) is neither the previous nor the new file")
      }
      let record = try Self.contents(directory, "star.json")
      #expect(throws: Never.self) { try RunRecords.parse(StarExperiment.Record.self, id: "star", data: record, path: "star.json") }
    }
  }

  @Test("Two lab generate runs into one directory leave exactly the bytes of one complete run")
  func concurrentGenerate() throws {
    let reference = try Scratch.directory()
    #expect(try LabExecutable.run(["generate", "independent", "--out", reference.path, "--samples", "40000", "--seed", "3"]).status == 0)
    let directory = try Scratch.directory()
    let runs = try (0..<2).map { _ in try LabExecutable.start(["generate", "independent", "--out", directory.path, "--samples", "40000", "--seed", "3"]) }
    for run in runs { run.waitUntilExit() }
    #expect(runs.allSatisfy { $0.terminationStatus == 0 })
    for name in ["X.npy", "codes.npy", "dictionary.npy", "world.json"] {
      #expect(try Self.contents(directory, name) == Self.contents(reference, name), "\(name)")
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".partial") }
    #expect(left.isEmpty, "partial files left: \(left)")
  }

  @Test("Two lab run processes into one directory leave complete reports that agree with the records")
  func concurrentRuns() throws {
    let directory = try Scratch.directory()
    let toy = try LabCommandTests.smallToy(in: directory)
    let out = directory.appendingPathComponent("out")
    let runs = try (0..<2).map { _ in try LabExecutable.start(["run", "hierarchy", "--toy", toy, "--out", out.path, "--quiet"]) }
    for run in runs { run.waitUntilExit() }
    #expect(runs.allSatisfy { $0.terminationStatus == 0 })
    let report = try Self.contents(out, "hierarchy.md")
    // A complete report ends with its line of links to the theory guide.
    let lastLine = String(decoding: report, as: UTF8.self).split(separator: "\n").last ?? ""
    #expect(lastLine.hasPrefix("Defined in the project's [guide to the theory]") && lastLine.hasSuffix(")."))
    // Whichever run's record survived, the report is what it renders to (both runs are identical).
    let rerendered = try LabExecutable.run(["report", "hierarchy", "--out", out.path])
    #expect(rerendered.status == 0, "\(rerendered.stderr)")
    #expect(try Self.contents(out, "hierarchy.md") == report)
    #expect(String(decoding: try Self.contents(out, "index.md"), as: UTF8.self).contains("[`hierarchy`](hierarchy.md)"))
  }
}
