import Foundation

extension BenchTrain {
  /// `lab bench train --whole-process`: `lab train --arch relu-l1` on all rows of the bench data's
  /// `independent_X.npy` (W3 small's model: F = 512, batch 4096, Adam 1e-3, l1 1.0) timed as a
  /// whole process, against its own training loop (the `seconds` it reports) and against
  /// `scripts/bench/peer_train_process.py` (the same model, data and steps in PyTorch, reading the
  /// file, measuring and writing a SAELens folder) timed the same way; 1 and 2 threads, alternating
  /// one run each per repeat; medians.
  func runWholeProcess() throws {
    let steps = self.steps ?? 300
    let data = dataDir + "/independent_X.npy"
    guard FileManager.default.fileExists(atPath: data) else {
      throw BadInput.fail("\(data) does not exist (\(BenchSupport.dataHint), or pass '--data-dir DIR')")
    }
    // This executable, wherever it was started from (a bare `lab` found on PATH included).
    let lab = Bundle.main.executablePath ?? CommandLine.arguments[0]
    let peer = BenchSupport.peerScript("peer_train_process.py")
    let hasPython = FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: peer)
    if !hasPython { print("no PyTorch peer: \(python) or \(peer) missing") }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-train-process-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let shape = ["--width", "512", "--batch", "4096", "--steps", "\(steps)", "--lr", "0.001", "--seed", "0"]
    print("lab train whole process: relu-l1, \(data), F=512, batch 4096, \(steps) steps, lr 1e-3, l1 1.0; median of \(repeats)")
    for threads in [1, 2] {
      var whole: [Double] = [], loops: [Double] = [], theirs: [Double] = []
      for run in 0..<repeats {
        let out = scratch.appendingPathComponent("lab-\(threads)-\(run)").path
        let (seconds, record) = try Self.timedRecord(lab, ["train", "--data", data, "--arch", "relu-l1", "--l1", "1", "--threads", "\(threads)",
                                                            "--quiet", "--out", out] + shape)
        guard let loop = record["seconds"] as? Double else { throw BadInput.fail("\(lab) train printed no 'seconds'") }
        whole.append(seconds)
        loops.append(loop)
        if hasPython {
          let theirOut = scratch.appendingPathComponent("torch-\(threads)-\(run)").path
          theirs.append(try Self.timedRecord(python, [peer, "--data", data, "--l1", "1", "--threads", "\(threads)", "--out", theirOut] + shape).seconds)
        }
      }
      let median = BenchSupport.median
      var line = String(format: "threads %d  lab train %.2f s whole process, %.2f s training loop: whole/loop %.2f",
                        threads, median(whole), median(loops), median(whole) / median(loops))
      if !theirs.isEmpty {
        line += String(format: "   torch script %.2f s whole process   ratio torch/ours %.2f", median(theirs), median(theirs) / median(whole))
      }
      print(line)
    }
  }

  /// Runs `executable` with `arguments` to its exit; its wall seconds and the JSON line it printed last.
  static func timedRecord(_ executable: String, _ arguments: [String]) throws -> (seconds: Double, record: [String: Any]) {
    do { return try PeerBenchmark.timedRecord(executable, arguments) } catch {
      throw BadInput.fail("\(executable) \(arguments.joined(separator: " ")) failed: \(error)")
    }
  }
}
