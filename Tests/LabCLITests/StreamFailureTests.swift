import Foundation
import LabTestSupport
import Testing

/// Issue 20, class 6: a full standard stream never traps and never hides a failure. An error
/// message written to a full standard error still ends in its exit code; output lost on a full
/// standard output ends in exit code 2 with the reason on standard error, never in 0.
@Suite("Full standard streams")
struct StreamFailureTests {
  /// Runs `lab` with standard output and standard error on the given files; returns the exit
  /// status (a signal is a failure of the test) and what reached standard error when it is a file.
  static func run(_ arguments: [String], stdout: String, stderr: String, in directory: URL) throws -> (status: Int32, signalled: Bool) {
    let process = Process()
    process.executableURL = LabExecutable.url
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle(forWritingAtPath: stdout)
    process.standardError = FileHandle(forWritingAtPath: stderr)
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
  }

  /// Bad input of several commands, each an exit-2 path that writes one error line.
  static let badInputs: [[String]] = [
    ["chek"], ["learn", "--data", "none.npy", "--atoms", "2", "--lambda", "0.1", "--out", "o"],
    ["encode", "--data", "none.npy", "--dictionary", "none.npy", "--lambda", "-1", "--codes-out", "z.npy"],
    ["run", "nope"], ["generate", "no-such-toy", "--out", "o"], ["train", "--data", "x.npy"],
  ]

  @Test("An error written to a full standard error ends in exit code 2, not a signal", arguments: badInputs)
  func fullStandardError(_ arguments: [String]) throws {
    let directory = try Scratch.directory()
    let log = directory.appendingPathComponent("stdout").path
    FileManager.default.createFile(atPath: log, contents: nil)
    let result = try Self.run(arguments, stdout: log, stderr: "/dev/full", in: directory)
    #expect(!result.signalled && result.status == 2, "\(arguments): \(result)")
  }

  /// Successful commands whose result is a line on standard output.
  static let summaries: [[String]] = [
    ["list"], ["generate", "--list"], ["generate", "tree", "--samples", "50", "--out", "world"],
    ["run", "star", "--quiet", "--out", "reports", "--json"], ["--version"], ["--help"],
  ]

  @Test("Output lost on a full standard output ends in exit code 2 and one line on standard error", arguments: summaries)
  func fullStandardOutput(_ arguments: [String]) throws {
    let directory = try Scratch.directory()
    let errors = directory.appendingPathComponent("stderr").path
    FileManager.default.createFile(atPath: errors, contents: nil)
    let result = try Self.run(arguments, stdout: "/dev/full", stderr: errors, in: directory)
    let message = try String(contentsOfFile: errors, encoding: .utf8)
    #expect(!result.signalled && result.status == 2, "\(arguments): \(result) \(message)")
    #expect(message.hasPrefix("error: standard output could not be written") && message.filter { $0 == "\n" }.count == 1,
            "\(arguments): \(message)")
  }

  @Test("The same commands on a working standard output still end in exit code 0", arguments: summaries)
  func workingStandardOutput(_ arguments: [String]) throws {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(arguments, in: directory)
    #expect(result.status == 0 && !result.stdout.isEmpty && result.stderr.isEmpty, "\(arguments): \(result.stderr)")
  }
}
