import Foundation
import LabTestSupport
import Testing

/// `lab bench encode --whole-process` (issue 19 item 1): `lab encode` timed as a separate process.
@Suite("lab bench encode --whole-process")
struct BenchEncodeWholeProcessTests {
  @Test("Without peers it times lab encode as a process writing dense and sparse codes for each thread count and reports wall time over the coding loop")
  func withoutPeers() throws {
    let directory = try EncodeCommandTests.fixture()
    let manager = FileManager.default
    try manager.copyItem(at: directory.appendingPathComponent("X.npy"), to: directory.appendingPathComponent("independent_X.npy"))
    try manager.copyItem(at: directory.appendingPathComponent("D.npy"), to: directory.appendingPathComponent("independent_D.npy"))
    let result = try LabExecutable.run(["bench", "encode", "--whole-process", "--data-dir", directory.path, "--samples", "30", "--repeats", "2",
                                        "--thread-counts", "1,2", "--skip-peers"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    for label in ["dense Z.npy", "sparse Z.npz"] {
      #expect(result.stdout.contains("lab encode (whole process, \(label)) threads=1") && result.stdout.contains("wall / loop")
              && result.stdout.contains("verification"), "\(result.stdout)")
    }
    let last = try #require(result.stdout.split(separator: "\n").last)
    let record = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    #expect(record["bench"] as? String == "w1_sparse_coding_whole_process")
    let runs = try #require(record["runs"] as? [[String: Any]])
    #expect(runs.map { $0["threads"] as? Int } == [1, 2] && runs.allSatisfy { $0["points"] as? Int == 30 && $0["sparseCodes"] != nil })
    for run in runs + runs.compactMap({ $0["sparseCodes"] as? [String: Any] }) {
      let lab = try #require(run["lab"] as? [String: Any])
      let walls = try #require(lab["wallSeconds"] as? [Double]), loops = try #require(lab["loopSeconds"] as? [Double])
      let verifications = try #require(lab["verificationSeconds"] as? [Double])
      #expect(walls.count == 2 && loops.count == 2 && verifications.count == 2)
      // A process's wall time includes its coding loop and its verification.
      #expect(zip(walls, zip(loops, verifications)).allSatisfy { $0 > $1.0 + $1.1 && $1.0 > 0 && $1.1 > 0 }, "\(walls) \(loops) \(verifications)")
    }
  }

  @Test("A peer precision other than float32 or float64 is refused with exit 2 naming the option and the value")
  func badPrecision() throws {
    let result = try LabExecutable.run(["bench", "encode", "--whole-process", "--sklearn-dtypes", "none"])
    #expect(result.status == 2 && result.stderr.contains("'--sklearn-dtypes'") && result.stderr.contains("'none'"), "\(result.stderr)")
  }
}
