import ArgumentParser
import Foundation
import LabFormats
import LabNumerics
import LabRandom
import LabTraining

/// `lab bench train`: workload W3 (bench_w3_sae.py) for our trainer and, when the Python
/// environment exists, the plain PyTorch loop of the reference script in the same invocation,
/// beside this machine's sgemm rate measured in the same process.
struct BenchTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "W3: relu-l1 SAE, batch 4096, Adam 1e-3, l1 1.0; ours vs PyTorch at 1 and 2 threads, and the fraction of the sgemm peak.",
    discussion: """
      --config small: m=64, F=512 on the 'independent' data; trains on rows [0, N−10000) and evaluates MSE, L0 and \
      MMCS on the last 10000 rows, as bench_w3_sae.py --config small does.
      --config large: m=512, F=4096 on 65536 Gaussian rows (throughput only; each side draws its own rows).
      --config synth: SynthSAEBench's training shape, m=768, F=4096, batch 1024, Adam 3e-4, on 65536 Gaussian rows \
      (throughput only; each side draws its own rows).
      samples/s = steps · batch / median wall time (initialisation included); ours and the reference alternate, one run each per repeat. The sgemm peak is the best of five \
      B×m·m×F products (the shape of the encoder product) in this process; the fraction counts the five gemms \
      and one gemv our kernel runs per step, 10·B·m·F + 2·m·F FLOP (the reference script counts 12·B·m·F for its six).

      Examples:
        lab bench train
        lab bench train --config large --steps 10 --repeats 1
        lab bench train --config synth --repeats 3
        lab bench train --whole-process --steps 300 --repeats 3
      """)

  /// The configurations: bench_w3_sae.py's two, and SynthSAEBench's training shape.
  enum Config: String, ExpressibleByArgument, CaseIterable {
    case small, large, synth

    /// B, the rows per step.
    var batch: Int { self == .synth ? 1024 : 4096 }
    /// Adam's learning rate.
    var learningRate: Double { self == .synth ? 3e-4 : 1e-3 }
  }

  @Option(name: .long, help: "small (m=64, F=512, real data), large (m=512, F=4096, Gaussian data) or synth (m=768, F=4096, batch 1024, Gaussian data).")
  var config: Config = .small

  @Option(name: .long, help: ArgumentHelp("Directory of the bench data (scripts/bench/bench_data.py); small only.", valueName: "dir"))
  var dataDir: String = ProcessInfo.processInfo.environment["BENCH_DATA"] ?? "/tmp/benchdata"

  @Option(name: .long, help: "Optimiser steps per run (default 300 small, 20 large and synth).")
  var steps: Int?

  @Option(name: .long, help: "Timed runs per backend and thread count (the median is reported).")
  var repeats: Int = 3

  @Option(name: .long, help: ArgumentHelp("Python with torch for the reference run.", valueName: "path"))
  var python: String = "/tmp/benchenv/bin/python"

  @Option(name: .customLong("script"), help: ArgumentHelp("The reference script (default: scripts/bench/peer_w3_sae.py of this package).", valueName: "path"))
  var scriptOption: String?
  /// The peer script: `--script`, or the package's own.
  var script: String { scriptOption ?? BenchSupport.peerScript("peer_w3_sae.py") }

  func validate() throws {
    guard (steps ?? 1) >= 1, repeats >= 1 else {
      throw ValidationError("'--steps' and '--repeats' must be >= 1, got \(steps.map(String.init) ?? "the default") and \(repeats)")
    }
  }

  @Option(name: .long, help: ArgumentHelp("jumprelu, matryoshka or matching-pursuit instead of W3: ours vs scripts/bench_train_archs.py (sae-lens's classes).", valueName: "kind"))
  var arch: ArchitectureKind?

  @Flag(name: .long, help: "Time `lab train` (W3 small's model on all rows of the data) as a whole process against its training loop and a PyTorch script timed the same way.")
  var wholeProcess = false

  func run() throws {
    if wholeProcess {
      guard arch == nil, config == .small else { throw BadInput.fail("'--whole-process' runs W3 small's model: drop '--arch' and '--config'") }
      return try runWholeProcess()
    }
    if let arch { return try runArchitecture(arch) }
    let steps = self.steps ?? [.small: 300, .large: 20, .synth: 20][config]!
    let workload = try config == .small ? smallWorkload() : gaussianWorkload(m: config == .synth ? 768 : 512)
    let m = workload.train.columns, width = workload.width, batch = config.batch
    var configuration = TrainingConfiguration(architecture: ReLUL1Architecture(l1Coefficient: 1), width: width, batchSize: batch,
                                              steps: steps, learningRate: config.learningRate, seed: 0)
    let hasPython = FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: script)
    if !hasPython { print("no PyTorch reference: \(python) or \(script) missing") }
    print("W3 \(config.rawValue): m=\(m), F=\(width), batch \(batch), \(steps) steps, lr \(config.learningRate), l1 1.0, \(workload.train.rows) training rows; median of \(repeats)")
    let kernelFlopPerStep = 10.0 * Double(batch * m * width) + 2.0 * Double(m * width)
    for threads in [1, 2] {
      BLAS.setThreadCount(threads)
      configuration.batchBlocks = threads
      let rate = Self.sgemmRate(rows: batch, inner: m, columns: width, threads: threads)
      // Ours and the reference alternate, one run each per repeat, so that a change in the
      // machine's load falls on both sides of the ratio.
      var times: [Double] = [], references: [Reference] = []
      var last: TrainingResult?
      for _ in 0..<repeats {
        let result = Trainer.train(configuration, data: workload.train)
        times.append(result.seconds)
        last = result
        if hasPython { references.append(try runReference(threads: threads, steps: steps)) }
      }
      let median = BenchSupport.median(times)
      let ours = Double(steps * batch) / median
      let achieved = kernelFlopPerStep * Double(steps) / median / 1e9
      print(String(format: "threads %d  sgemm peak %.1f GFLOP/s (%d×%d·%d×%d, best of 5; one call %.1f, %d row blocks at once %.1f); ours runs its gemms at %.1f GFLOP/s = %.0f%% of it",
                   threads, rate.peak, batch, m, m, width, rate.oneCall, threads, rate.blocks, achieved, 100 * achieved / rate.peak))
      if let eval = workload.eval {
        let metrics = SAEMetrics.evaluate(last!.autoencoder, on: eval, truth: workload.truth)
        print(String(format: "threads %d  ours   %9.0f samples/s  eval MSE %.4f  L0 %.2f  dead %d  MMCS %.4f", threads, ours,
                     metrics.meanSquaredError, metrics.l0, metrics.deadLatents, metrics.meanMaxCosineSimilarity ?? .nan))
      } else {
        print(String(format: "threads %d  ours   %9.0f samples/s  final batch loss %.4f", threads, ours, last!.finalLoss.total))
      }
      if !references.isEmpty {
        // The same order statistic as ours: the (count/2)-th fastest run.
        let reference = references.sorted { $0.samplesPerSecond > $1.samplesPerSecond }[references.count / 2]
        let quality = config == .small
          ? String(format: "  eval MSE %.4f  L0 %.2f  dead %d  MMCS %.4f", reference.mse, reference.l0, reference.dead, reference.mmcs) : ""
        print(String(format: "threads %d  torch  %9.0f samples/s%@   ratio ours/torch %.2f",
                     threads, reference.samplesPerSecond, quality, ours / reference.samplesPerSecond))
      }
    }
  }

  /// The training rows, the held-out rows and true dictionary (small only), and the width.
  private struct Workload {
    var train: Matrix<Float>, eval: Matrix<Float>?, truth: Matrix<Double>?, width: Int
  }

  /// `independent_X.npy` split as the reference script splits it, with `independent_D.npy`.
  private func smallWorkload() throws -> Workload {
    let xPath = dataDir + "/independent_X.npy", dPath = dataDir + "/independent_D.npy"
    let all: Matrix<Float>, truth: Matrix<Double>
    do {
      all = try NumPyArray(contentsOf: xPath).matrix(path: xPath, role: "the data X")
      truth = try NumPyArray(contentsOf: dPath).matrix(path: dPath, role: "the true dictionary D")
    } catch { throw BadInput.fail("\(error) (\(BenchSupport.dataHint), or pass '--data-dir DIR')") }
    guard all.rows > 10_000 + 4096, truth.columns == all.columns else {
      throw BadInput.fail("\(xPath): expected more than 14096 rows and the dimension of D, got \(all.rows)×\(all.columns)")
    }
    let m = all.columns, trainRows = all.rows - 10_000
    return Workload(train: Matrix(rows: trainRows, columns: m, storage: Array(all.storage[0..<(trainRows * m)])),
                    eval: Matrix(rows: 10_000, columns: m, storage: Array(all.storage[(trainRows * m)...])), truth: truth, width: 512)
  }

  /// 65536 × m standard Gaussian rows (seed 1), as the reference's large configuration draws them, for F = 4096.
  private func gaussianWorkload(m: Int) throws -> Workload {
    var generator = SeedTree(root: 1).generator(for: "bench-w3-large")
    let storage = (0..<(65_536 * m)).map { _ in Float(generator.nextNormal()) }
    return Workload(train: Matrix(rows: 65_536, columns: m, storage: storage), eval: nil, truth: nil, width: 4096)
  }

  /// This machine's sgemm rate on `threads` cores for a `rows`×`inner` · `inner`×`columns` product,
  /// in GFLOP/s: the better of one call on `threads` OpenBLAS threads and `threads` concurrent
  /// single-threaded calls on contiguous row blocks (the way ``BlockedBatchKernel`` uses them),
  /// each the best of five timings after one warm-up. Restores OpenBLAS's thread count.
  static func sgemmRate(rows: Int, inner: Int, columns: Int, threads: Int) -> (peak: Double, oneCall: Double, blocks: Double) {
    let a = [Float](repeating: 0.5, count: rows * inner), b = [Float](repeating: 0.25, count: inner * columns)
    var c = [Float](repeating: 0, count: rows * columns)
    func best(_ body: () -> Void) -> Double {
      var fastest = Double.infinity
      for round in 0..<6 {
        let (seconds, _) = BenchSupport.timed(body)
        if round > 0 { fastest = min(fastest, seconds) }
      }
      return 2 * Double(rows * inner * columns) / fastest / 1e9
    }
    let previousBLASThreads = BLAS.threadCount
    defer { BLAS.setThreadCount(previousBLASThreads) }
    BLAS.setThreadCount(threads)
    let oneCall = best {
      Float.blasGemm(transposingA: false, transposingB: false, m: Int32(rows), n: Int32(columns), k: Int32(inner), alpha: 1, a: a,
                     lda: Int32(inner), b: b, ldb: Int32(columns), beta: 0, c: &c, ldc: Int32(columns))
    }
    BLAS.setThreadCount(1)
    let blocks = a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          let input = (a: SharedInput(base: pa.baseAddress!), b: SharedInput(base: pb.baseAddress!))
          let output = DisjointOutput(base: pc.baseAddress!), bounds = RowBlocks.bounds(rows: rows, count: threads)
          return best {
            DispatchQueue.concurrentPerform(iterations: threads) { block in
              let first = bounds[block], last = bounds[block + 1]
              Float.blasGemm(transposingA: false, transposingB: false, m: Int32(last - first), n: Int32(columns), k: Int32(inner),
                             alpha: 1, a: input.a.base + first * inner, lda: Int32(inner), b: input.b.base, ldb: Int32(columns),
                             beta: 0, c: output.base + first * columns, ldc: Int32(columns))
            }
          }
        }
      }
    }
    return (max(oneCall, blocks), oneCall, blocks)
  }

  /// One run of the reference: samples/s and its held-out metrics (NaN / −1 for the large configuration).
  private struct Reference {
    var samplesPerSecond: Double, mse: Double, l0: Double, dead: Int, mmcs: Double
  }

  /// Runs the plain PyTorch backend of the reference script once and reads its JSON line.
  private func runReference(threads: Int, steps: Int) throws -> Reference {
    let environment = ["BENCH_OUT": FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-train").path]
    let record: [String: Any]
    do {
      let shape = config == .synth ? ["--m", "768", "--batch", "\(config.batch)", "--lr", "\(config.learningRate)"] : []
      record = try PeerBenchmark.record(python, [script, "--config", config == .small ? "small" : "large", "--backends", "torch",
                                                 "--threads", "\(threads)", "--steps", "\(steps)", "--repeats", "1", "--data", dataDir] + shape,
                                        environment: environment, in: URL(fileURLWithPath: script).deletingLastPathComponent())
    } catch { throw BadInput.fail("the reference run \(python) \(script) failed: \(error)") }
    guard let torch = (record["results"] as? [String: Any])?["torch"] as? [String: Any], let rate = torch["samples_per_s"] as? Double
    else { throw BadInput.fail("the reference run \(python) \(script) printed no torch samples/s") }
    return Reference(samplesPerSecond: rate, mse: torch["eval_mse"] as? Double ?? .nan, l0: torch["eval_L0"] as? Double ?? .nan,
                     dead: torch["dead_latents"] as? Int ?? -1, mmcs: torch["mmcs"] as? Double ?? .nan)
  }
}
