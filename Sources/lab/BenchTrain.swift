import ArgumentParser
import Foundation
import LabFormats
import LabNumerics
import LabTraining

/// `lab bench train`: workload W3 small (bench_w3_sae.py) for our trainer and, when the Python
/// environment exists, the plain PyTorch loop of the reference script in the same invocation.
struct BenchTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "W3 small: relu-l1 SAE m=64, F=512, batch 4096, Adam 1e-3, l1 1.0 on the 'independent' data; ours vs PyTorch, 1 and 2 threads.",
    discussion: """
      Trains on rows [0, N−10000) of independent_X.npy and evaluates MSE, L0 and MMCS on the last 10000 rows,
      as bench_w3_sae.py --config small does. samples/s = steps · batch / median wall time (initialisation included).
      """)

  @Option(name: .long, help: ArgumentHelp("Directory of the bench data (gen_data.py).", valueName: "dir"))
  var data: String = ProcessInfo.processInfo.environment["BENCH_DATA"] ?? "/tmp/benchdata"

  @Option(name: .long, help: "Optimiser steps per run.")
  var steps: Int = 300

  @Option(name: .long, help: "Timed runs per backend and thread count (the median is reported).")
  var repeats: Int = 3

  @Option(name: .long, help: ArgumentHelp("Python with torch for the reference run.", valueName: "path"))
  var python: String = "/tmp/benchenv/bin/python"

  @Option(name: .long, help: ArgumentHelp("The reference script.", valueName: "path"))
  var script: String = "/work/shared/bench/bench_w3_sae.py"

  func run() throws {
    guard steps >= 1, repeats >= 1 else { throw BadInput.fail("'--steps' and '--repeats' must be >= 1, got \(steps) and \(repeats)") }
    let xPath = data + "/independent_X.npy", dPath = data + "/independent_D.npy"
    let all: Matrix<Float>, truth: Matrix<Double>
    do {
      all = try NumPyArray(contentsOf: xPath).matrix(path: xPath, role: "the data X")
      truth = try NumPyArray(contentsOf: dPath).matrix(path: dPath, role: "the true dictionary D")
    } catch { throw BadInput.fail("\(error) (run bench/gen_data.py or pass '--data DIR')") }
    guard all.rows > 10_000 + 4096, truth.columns == all.columns else {
      throw BadInput.fail("\(xPath): expected more than 14096 rows and the dimension of D, got \(all.rows)×\(all.columns)")
    }
    let m = all.columns, trainRows = all.rows - 10_000
    let train = Matrix(rows: trainRows, columns: m, storage: Array(all.storage[0..<(trainRows * m)]))
    let eval = Matrix(rows: 10_000, columns: m, storage: Array(all.storage[(trainRows * m)...]))
    let configuration = TrainingConfiguration(architecture: ReLUL1Architecture(l1Coefficient: 1), width: 512, batchSize: 4096,
                                              steps: steps, learningRate: 1e-3, seed: 0)
    let hasPython = FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: script)
    if !hasPython { print("no PyTorch reference: \(python) or \(script) missing") }
    print("W3 small: m=\(m), F=512, batch 4096, \(steps) steps, lr 1e-3, l1 1.0, \(trainRows) training rows; median of \(repeats)")
    for threads in [1, 2] {
      BLAS.setThreadCount(threads)
      var times: [Double] = []
      var last: TrainingResult?
      for _ in 0..<repeats {
        let result = Trainer.train(configuration, data: train)
        times.append(result.seconds)
        last = result
      }
      let ours = Double(steps * 4096) / times.sorted()[times.count / 2]
      let metrics = SAEMetrics.evaluate(last!.autoencoder, on: eval, truth: truth)
      print(String(format: "threads %d  ours   %9.0f samples/s  eval MSE %.4f  L0 %.2f  dead %d  MMCS %.4f", threads, ours,
                   metrics.meanSquaredError, metrics.l0, metrics.deadLatents, metrics.meanMaxCosineSimilarity ?? .nan))
      if hasPython {
        let reference = try runReference(threads: threads)
        print(String(format: "threads %d  torch  %9.0f samples/s  eval MSE %.4f  L0 %.2f  dead %d  MMCS %.4f   ratio ours/torch %.2f",
                     threads, reference.samplesPerSecond, reference.mse, reference.l0, reference.dead, reference.mmcs,
                     ours / reference.samplesPerSecond))
      }
    }
  }

  /// Runs the plain PyTorch backend of the reference script and reads its JSON line.
  private func runReference(threads: Int) throws -> (samplesPerSecond: Double, mse: Double, l0: Double, dead: Int, mmcs: Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.currentDirectoryURL = URL(fileURLWithPath: script).deletingLastPathComponent()
    process.arguments = [script, "--config", "small", "--backends", "torch", "--threads", "\(threads)", "--steps", "\(steps)",
                         "--repeats", "\(repeats)", "--data", data]
    var environment = ProcessInfo.processInfo.environment
    environment["BENCH_OUT"] = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-train").path
    process.environment = environment
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let bytes = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("{") }
    guard process.terminationStatus == 0, let line,
      let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
      let torch = (record["results"] as? [String: Any])?["torch"] as? [String: Any],
      let rate = torch["samples_per_s"] as? Double
    else { throw BadInput.fail("the reference run \(python) \(script) failed (exit \(process.terminationStatus))") }
    return (rate, torch["eval_mse"] as? Double ?? .nan, torch["eval_L0"] as? Double ?? .nan, torch["dead_latents"] as? Int ?? -1,
            torch["mmcs"] as? Double ?? .nan)
  }
}
