import Foundation
import LabTestSupport
import Testing

/// `lab bench check` runs its set-up steps and the timed checks as child processes (`ChildProcess`):
/// in the case's directory, to their exit, stopped at `--timeout`.
@Suite("lab bench check runs and stops its child processes")
struct BenchCheckTimeoutTests {
  /// The record of `lab bench check --cases tree-float32` with `timeout`, its inputs in `directory`.
  static func record(timeout: String, in directory: URL) throws -> [String: Any] {
    let result = try LabExecutable.run(["bench", "check", "--cases", "tree-float32", "--repeats", "1", "--timeout", timeout, "--work", directory.path])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let last = try #require(result.stdout.split(separator: "\n").last)
    let record = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    let cases = try #require(record["cases"] as? [[String: Any]])
    return try #require(cases.first?["ours"] as? [String: Any])
  }

  @Test("A check that ends in time reports its exit status and verdict; one past --timeout is stopped and reported as timed out")
  func timeout() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-check-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let finished = try Self.record(timeout: "600", in: directory)
    #expect(finished["exit_status"] as? Int == 0 && finished["timed_out"] == nil && finished["decided"] as? Bool == true, "\(finished)")
    // The set-up steps ran in the case's directory and left its inputs there.
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tree-float32/X.npy").path))
    let stopped = try Self.record(timeout: "0.001", in: directory)
    #expect(stopped["timed_out"] as? Bool == true && stopped["exit_status"] as? Int == -1 && stopped["decided"] as? Bool == false, "\(stopped)")
    #expect((stopped["wall_s"] as? Double ?? .infinity) < 60)
  }
}
