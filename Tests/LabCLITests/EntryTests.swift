import Foundation
import LabTestSupport
import Testing

/// What a user meets first: bare `lab`, mistyped commands, experiment names outside `lab run`, the
/// shared options with one meaning everywhere, negative values, and the old spellings.
@Suite("lab entry and shared options", .serialized)
struct EntryTests {
  @Test("Bare lab prints the help and exits 0")
  func bare() throws {
    let result = try LabExecutable.run([])
    #expect(result.status == 0 && result.stdout.contains("USAGE: lab <subcommand>") && result.stdout.contains("SUBCOMMANDS:"))
  }

  @Test("A mistyped command gets the nearest one, on one line, exit 2", arguments: [("chek", "check"), ("trian", "train"), ("reprot", "report")])
  func mistyped(_ typed: String, _ meant: String) throws {
    let result = try LabExecutable.run([typed])
    #expect(result.status == 2 && result.stderr.contains("Unknown command '\(typed)'. Did you mean '\(meant)'?"), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test("An experiment name is not a command: it points to lab run and writes nothing")
  func experimentName() throws {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["hierarchy"], in: directory)
    #expect(result.status == 2 && result.stderr.contains("run it with 'lab run hierarchy'"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test("--threads has one range and one message in every command that has it", arguments: [
    ["run", "star"], ["check", "--data", "X.npy", "--dictionary", "D.npy", "--lambda", "1"],
    ["encode", "--data", "X.npy", "--dictionary", "D.npy", "--lambda", "1", "--codes-out", "Z.npy"],
    ["learn", "--data", "X.npy", "--atoms", "2", "--lambda", "1", "--out", "o"],
    ["train", "--data", "X.npy", "--arch", "topk", "--k", "1", "--width", "2", "--batch", "1", "--steps", "1", "--lr", "1", "--out", "o"],
    ["bench", "learn"], ["bench", "scale"], ["bench", "generate"],
  ])
  func threads(_ command: [String]) throws {
    for value in ["0", "65", "-1"] {
      let result = try LabExecutable.run(command + ["--threads", value])
      #expect(result.status == 2 && result.stderr == "error: '--threads' must be in 1...64, got \(value).\n", "\(command[0]): \(result.stderr)")
    }
  }

  @Test("A negative value is reported as a bad value of its option, not as a missing one", arguments: [
    (["learn", "--data", "X.npy", "--atoms", "2", "--lambda", "-1", "--out", "o"], "'--lambda' must be a finite number > 0, got -1.0"),
    (["encode", "--data", "X.npy", "--dictionary", "D.npy", "--lambda", "-1", "--codes-out", "Z.npy"], "'--lambda' must be a finite number > 0, got -1.0"),
    (["learn", "--data", "X.npy", "--atoms", "-3", "--lambda", "1", "--out", "o"], "'--atoms' must be at least 1, got -3"),
    (["generate", "tree", "--out", "o", "--samples", "-5"], "'--samples' must be in 1...100000000, got -5"),
  ])
  func negative(_ command: [String], _ message: String) throws {
    let result = try LabExecutable.run(command)
    #expect(result.status == 2 && result.stderr.contains(message) && !result.stderr.contains("Missing value"), "\(result.stderr)")
  }

  @Test("Old spellings still work for one release, each with a one-line deprecation note")
  func deprecatedSpellings() throws {
    let shown = try LabExecutable.run(["show", "hierarchy", "--threads", "3"])
    let plain = try LabExecutable.run(["show", "hierarchy"])
    #expect(shown.status == 0 && shown.stdout == plain.stdout)
    #expect(shown.stderr.contains("'--threads' has no effect on 'lab show'"))
    let samples = try LabExecutable.run(["bench", "encode", "--n", "0"])
    #expect(samples.status == 2 && samples.stderr.contains("'lab bench encode --n' is deprecated") && samples.stderr.contains("'--samples' must be at least 1, got 0."))
    let peers = try LabExecutable.run(["bench", "learn", "--no-peers", "--atoms", "0"])
    #expect(peers.status == 2 && peers.stderr.contains("use '--skip-peers'"))
  }
}
