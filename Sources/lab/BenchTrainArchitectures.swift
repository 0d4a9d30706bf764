import Foundation
import LabNumerics
import LabRandom
import LabTraining

extension BenchTrain {
  /// The shape of `lab bench train --arch`: m = 128, F = 1024, batch 1024 (SynthSAEBench's), k = 16,
  /// Matryoshka inner widths F/32, F/8, F/2 (SynthSAEBench's 128/512/2048 of 4096), Adam 3e-4, 16384
  /// Gaussian rows (seed 1; the peer draws its own).
  static let architectureShape = (m: 128, width: 1024, batch: 1024, k: 16, rows: 16_384, prefixes: [32, 128, 512])

  /// Ours against `scripts/bench_train_archs.py` (sae-lens's training classes in a plain PyTorch Adam
  /// loop) on 1 and 2 threads, alternating one run each per repeat; medians.
  func runArchitecture(_ kind: ArchitectureKind) throws {
    let shape = Self.architectureShape
    let architecture: any SAEArchitecture
    switch kind {
    case .jumpReLU:
      let controller = TargetL0Controller(target: shape.k)
      architecture = JumpReLUTrainingArchitecture(width: shape.width, coefficient: controller.coefficient, controller: controller)
    case .matryoshka: architecture = MatryoshkaBatchTopKArchitecture(k: shape.k, prefixes: shape.prefixes)
    case .matchingPursuit: architecture = MatchingPursuitArchitecture(maxIterations: shape.k)
    case .reluL1, .reluL1Unit, .topK, .batchTopK, .nsae, .deep:
      throw BadInput.fail("'--arch' must be jumprelu, matryoshka or matching-pursuit (W3 covers relu-l1), got \(kind.rawValue)")
    }
    let steps = self.steps ?? 20
    guard steps >= 1, repeats >= 1 else { throw BadInput.fail("'--steps' and '--repeats' must be >= 1, got \(steps) and \(repeats)") }
    let peer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("scripts/bench_train_archs.py").path
    let hasPython = FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: peer)
    if !hasPython { print("no PyTorch peer: \(python) or \(peer) missing") }
    var generator = SeedTree(root: 1).generator(for: "bench-train-archs")
    let data = Matrix(rows: shape.rows, columns: shape.m, storage: (0..<(shape.rows * shape.m)).map { _ in Float(generator.nextNormal()) })
    print("\(kind.rawValue): m=\(shape.m), F=\(shape.width), batch \(shape.batch), k \(shape.k), \(steps) steps, Adam 3e-4, \(shape.rows) Gaussian rows; median of \(repeats)")
    for threads in [1, 2] {
      BLAS.setThreadCount(threads)
      let configuration = TrainingConfiguration(architecture: architecture, width: shape.width, batchSize: shape.batch, steps: steps,
                                                learningRate: 3e-4, seed: 0, batchBlocks: threads)
      var ours: [Double] = [], theirs: [Double] = []
      for _ in 0..<repeats {
        ours.append(Double(steps * shape.batch) / Trainer.train(configuration, data: data).seconds)
        if hasPython {
          var arguments = [peer, "--arch", kind.rawValue, "--m", "\(shape.m)", "--width", "\(shape.width)", "--rows", "\(shape.rows)",
                           "--batch", "\(shape.batch)", "--steps", "\(steps)", "--k", "\(shape.k)", "--threads", "\(threads)"]
          if kind == .matryoshka { arguments += ["--prefixes", shape.prefixes.map(String.init).joined(separator: ",")] }
          theirs.append(try Self.peerRate(python: python, arguments: arguments))
        }
      }
      let median = BenchSupport.median
      if theirs.isEmpty {
        print(String(format: "threads %d  ours %9.0f samples/s", threads, median(ours)))
      } else {
        print(String(format: "threads %d  ours %9.0f samples/s  torch %9.0f samples/s  ratio ours/torch %.2f",
                     threads, median(ours), median(theirs), median(ours) / median(theirs)))
      }
    }
  }

  /// One run of the peer script: its samples/s.
  static func peerRate(python: String, arguments: [String]) throws -> Double {
    let record: [String: Any]
    do { record = try PeerBenchmark.record(python, arguments) } catch {
      throw BadInput.fail("the peer run \(python) \(arguments.joined(separator: " ")) failed: \(error)")
    }
    guard let rate = record["samples_per_s"] as? Double else {
      throw BadInput.fail("the peer run \(python) \(arguments.joined(separator: " ")) printed no samples_per_s")
    }
    return rate
  }
}
