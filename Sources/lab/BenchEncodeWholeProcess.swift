import Foundation
import LabFormats

extension BenchEncode {
  /// The whole-process goals of issue 19 item 1: `lab encode` as a process at least this many
  /// times SPAMS `lasso`'s in-process throughput…
  static let wholeProcessGoal = 1.2
  /// …and its wall time at most this many times its coding loop.
  static let overheadGoal = 1.25

  /// `--whole-process`: for each thread count, each peer run in-process, then `lab encode` run
  /// `--repeats` times right after as a separate process; prints the throughput ratios (lab
  /// process over peer) and the lab's wall time over its coding loop, then one JSON line.
  func runWholeProcess(threadCounts: [Int], rows: Int, peers: PeerBenchmark, peerRuns: [(method: String, dtypes: String)]) throws {
    let scratch = scratchDirectory
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    var records: [[String: Any]] = []
    for count in threadCounts {
      var record: [String: Any] = ["threads": count, "points": rows]
      // Dense Z.npy (N × K float64), then sparse Z.npz (CSR), the form SPAMS's lasso returns its codes in.
      for codes in [CodesFormat.dense, .sparse] {
        let timing = try EncodeProcessTiming.prepare(data: "\(dataDir)/independent_X.npy", rows: rows, dictionary: "\(dataDir)/independent_D.npy",
                                                     lambda: lambda, threads: count, method: method.rawValue, codes: codes, directory: scratch)
        let label = codes == .dense ? "dense Z.npy" : "sparse Z.npz"
        let figures = try measureWholeProcess(timing, label: label, threads: count, rows: rows, peers: peers, peerRuns: peerRuns)
        if codes == .dense {
          record.merge(figures) { _, new in new }
        } else {
          record["sparseCodes"] = figures
        }
      }
      records.append(record)
    }
    let json = try JSONSerialization.data(withJSONObject: ["bench": "w1_sparse_coding_whole_process", "runs": records], options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
  }

  /// `lab encode` writing `label`'s codes on `threads` threads: alone, then right after each peer run
  /// in-process; prints one line each and returns the record's "lab" and "peers" fields.
  private func measureWholeProcess(_ timing: EncodeProcessTiming, label: String, threads count: Int, rows: Int, peers: PeerBenchmark,
                                   peerRuns: [(method: String, dtypes: String)]) throws -> [String: Any] {
    var record: [String: Any] = [:]
    let alone = try processFigures(timing, rows: rows)
    print(String(format: "lab encode (whole process, %@) threads=%d: median wall %.4f s (best %.4f s), coding loop %.4f s, verification %.4f s, the rest (start-up, reading, writing, exit) %.4f s; wall / loop %.2f (goal ≤ %.2f: %@)",
                 label, count, alone.wall, alone.bestWall, alone.loop, alone.verification, alone.wall - alone.loop - alone.verification,
                 alone.wall / alone.loop, Self.overheadGoal, alone.wall / alone.loop <= Self.overheadGoal ? "met" : "not met"))
    record["lab"] = alone.record
    var peerRecords: [String: Any] = [:]
    for run in peerRuns {
      do {
        let figures = try peers.measure(
          peerArguments(threads: count, rows: rows, run: run), dataDirectory: dataDir, outDirectory: scratchDirectory)
        // The lab again, right after the peer, so that both sides saw about the same machine load.
        let adjacent = try processFigures(timing, rows: rows)
        for key in figures.keys.sorted() {
          let peer = figures[key]!
          let ratio = Double(rows) / adjacent.wall / peer.pointsPerSecond
          let bestRatio = Double(rows) / adjacent.bestWall / peer.bestPointsPerSecond
          let difference = (peer.objective - adjacent.objective) / adjacent.objective
          let goal = key.hasPrefix("spams") ? String(format: " (goal ≥ %.1f×: %@)", Self.wholeProcessGoal,
                                                     min(ratio, bestRatio) >= Self.wholeProcessGoal ? "met" : "not met") : ""
          print(String(format: "  vs %@ in-process (threads=%d): %.0f points/s (best %.0f), relative objective difference %+.2e; lab encode process (%@) right after: median wall %.4f s = %.0f points/s (wall / loop %.2f); ratio %.2f× median, %.2f× best%@",
                       key, count, peer.pointsPerSecond, peer.bestPointsPerSecond, difference, label, adjacent.wall, Double(rows) / adjacent.wall,
                       adjacent.wall / adjacent.loop, ratio, bestRatio, goal))
          peerRecords[key] = ["pointsPerSecond": peer.pointsPerSecond, "bestPointsPerSecond": peer.bestPointsPerSecond,
                              "objective": peer.objective, "lab": adjacent.record, "ratio": ratio, "bestRatio": bestRatio,
                              "relativeObjectiveDifference": difference]
        }
      } catch { print("peer run \(run.method) failed: \(error)") }
    }
    if !peerRecords.isEmpty { record["peers"] = peerRecords }
    return record
  }

  /// The whole-process runs' scratch directory (inputs, codes and the peers' output).
  private var scratchDirectory: String {
    FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-encode-\(ProcessInfo.processInfo.processIdentifier)").path
  }

  /// The medians (and best wall) of `--repeats` runs of the `lab encode` process.
  private func processFigures(_ timing: EncodeProcessTiming, rows: Int)
    throws -> (wall: Double, bestWall: Double, loop: Double, verification: Double, objective: Double, record: [String: Any])
  {
    var runs: [EncodeProcessTiming.Run] = []
    for _ in 0..<repeats { runs.append(try timing.run()) }
    let walls = runs.map(\.wallSeconds), loops = runs.map(\.loopSeconds), verifications = runs.map(\.verificationSeconds)
    let wall = BenchSupport.median(walls), loop = BenchSupport.median(loops), verification = BenchSupport.median(verifications)
    let record: [String: Any] = ["wallSeconds": walls, "loopSeconds": loops, "verificationSeconds": verifications, "medianWallSeconds": wall,
                                 "medianLoopSeconds": loop, "medianVerificationSeconds": verification, "pointsPerSecond": Double(rows) / wall,
                                 "wallOverLoop": wall / loop, "objective": runs.last!.objective]
    return (wall, walls.min()!, loop, verification, runs.last!.objective, record)
  }
}
