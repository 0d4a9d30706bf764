import ArgumentParser
import Foundation
import LabNumerics
import LabRandom
import LabSolvers

/// `lab bench scale`: one online fit on every row of the W2 data (10⁵ points × 64 dimensions) with
/// many atoms — training, exact codes of every point and their KKT residuals, as `lab learn` does —
/// and reports the time of each part and the peak resident memory.
struct BenchScale: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scale", abstract: "Time and peak memory of an online fit on 10^5 × 64 points with 512 atoms.",
    discussion: """
      Examples:
        lab bench scale
        lab bench scale --atoms 128 --threads 1
      """)

  @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory of scripts/bench/bench_data.py's files.", valueName: "dir"))
  var dataDirectory = "/tmp/benchdata"
  @OptionGroup var threading: ThreadOptions
  @Option(name: .long, help: "Atoms K.") var atoms = 512
  @Option(name: .customLong("lambda"), help: "L1 weight.") var lambda = 0.1
  @Option(name: .long, help: "Passes over the data.") var epochs = 1
  @Option(name: .long, help: "Mini-batch size.") var batch = 256
  @OptionGroup var seeding: SeedOption

  /// The root seed (0 unless `--seed` is given).
  var seed: UInt64 { seeding.seed ?? 0 }

  /// The thread count of `--threads`.
  var threads: Int { threading.threads }

  func validate() throws {
    guard atoms >= 1, epochs >= 1, batch >= 1, lambda.isFinite, lambda > 0 else {
      throw ValidationError("'--atoms', '--epochs', '--batch' must be ≥ 1 and '--lambda' > 0")
    }
  }

  func run() throws {
    let x = try BenchSupport.matrix(dataDirectory, "independent_X.npy", role: "the data X (N × m)")
    BLAS.setThreadCount(threads)
    let dataMegabytes = Double(x.storage.count * 8) / 1_048_576
    var generator = SeedTree(root: seed).generator(for: "learn/initial-dictionary")
    let initial = InitialDictionary.fromSamples(x, atoms: atoms, using: &generator)
    let configuration = OnlineDictionaryLearning.Configuration(epochs: epochs, batchSize: batch, stepTolerance: 0, threads: threads)
    let training = BenchSupport.timed {
      OnlineDictionaryLearning.train(samples: x, initialDictionary: initial, initialBias: nil, lambda: lambda, seed: seed,
                                     configuration: configuration)
    }
    let state = training.value
    let coding = BenchSupport.timed {
      ExactCodes.codes(for: x, dictionary: state.dictionary, bias: nil, lambda: lambda, threads: threads)
    }
    let problem = SparseCodingProblem(samples: x, dictionary: state.dictionary, bias: nil, codes: coding.value, lambda: lambda)
    let kkt = BenchSupport.timed { KKTResiduals(problem) }
    let record: [String: Any] = [
      "bench": "learn_scale", "samples": x.rows, "dimension": x.columns, "atoms": atoms, "epochs": epochs, "batch": batch,
      "threads": threads, "training_s": training.seconds, "final_exact_codes_s": coding.seconds, "kkt_s": kkt.seconds,
      "wall_s": training.seconds + coding.seconds + kkt.seconds, "peak_rss_mb": BenchSupport.peakResidentMegabytes,
      "data_mb_float64": dataMegabytes, "codes_mb_float64": Double(x.rows * atoms * 8) / 1_048_576,
      "mean_objective": problem.loss / Double(x.rows), "kkt_max": kkt.value.maximum, "termination": state.termination.rawValue,
    ]
    let line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
    print(String(decoding: line, as: UTF8.self))
  }
}
