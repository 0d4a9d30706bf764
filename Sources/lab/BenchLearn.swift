import ArgumentParser
import Foundation
import LabNumerics
import LabRandom
import LabSolvers

/// `lab bench learn`: the peer workload W2 (online dictionary learning, fixed budget) for the lab's
/// online learner and, in the same invocation, SPAMS `trainDL` and scikit-learn
/// `MiniBatchDictionaryLearning` through the peers' own script; prints time, held-out objective
/// and MMCS for each, and the ratios. The lab's learner is also scored on the held-out points
/// `--evaluations-per-epoch` times per epoch (with the training clock stopped), which gives its
/// time to reach each peer's final held-out objective. With `--polish-seconds`, the exact block
/// polishing `lab learn` ends with (until the KKT residuals are at most 10⁻⁹·λΣz) runs after the timed
/// training and is reported on its own (`ours_polishing`), outside the W2 comparison. It is off by
/// default: on 20,000 W2 points with 256 atoms one block iteration takes minutes; its time limit is
/// asked inside the iterations, but the exact codes and checks after it are not bounded by it.
struct BenchLearn: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "learn", abstract: "W2: online dictionary learning against SPAMS trainDL and scikit-learn.",
    discussion: """
      Examples:
        lab bench learn
        lab bench learn --epochs 1 --train-samples 5000 --eval-samples 1000 --skip-peers
      """)

  @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory of scripts/bench/bench_data.py's files.", valueName: "dir"))
  var dataDirectory = "/tmp/benchdata"
  @OptionGroup var threading: ThreadOptions
  @Option(name: .long, help: "Atoms K.") var atoms = 256
  @Option(name: .customLong("lambda"), help: "L1 weight (the peers' alpha).") var lambda = 0.1
  @Option(name: .long, help: "Passes over the training points.") var epochs = 3
  @Option(name: .long, help: "Mini-batch size.") var batch = 256
  @Option(name: .customLong("train-samples"), help: "Training points (the first rows).") var trainCount = 50_000
  @Option(name: .customLong("eval-samples"), help: "Held-out points (the last rows).") var evalCount = 10_000
  @OptionGroup var seeding: SeedOption
  @Option(name: .customLong("evaluations-per-epoch"), help: "Held-out scorings of the lab's learner per epoch (untimed).")
  var evaluationsPerEpoch = 4
  @Option(name: .customLong("dictionary-sweeps"), help: "Block-coordinate sweeps on the surrogate per mini-batch.")
  var dictionarySweeps = OnlineDictionaryLearning.Configuration().dictionarySweeps
  @Option(name: .long, help: ArgumentHelp("Python with spams and scikit-learn.", valueName: "path"))
  var python = "/tmp/benchenv/bin/python"
  @Option(name: .customLong("script"), help: ArgumentHelp("The peers' W2 script (default: scripts/bench/peer_w2_dictionary_learning.py of this package).", valueName: "path"))
  var scriptOption: String?
  /// The peer script: `--script`, or the package's own.
  var script: String { scriptOption ?? BenchSupport.peerScript("peer_w2_dictionary_learning.py") }
  @Option(name: .long, help: "Peer methods, comma-separated (the script's --methods).")
  var peers = "spams_trainDL,sklearn_mbdl"
  @Option(name: .long, help: "Repeats of each timed peer run (the script's --repeats).")
  var repeats = 1
  @Flag(name: .long, help: "Run only the lab's learner.") var skipPeers = false
  @Option(name: .customLong("polish-seconds"), help: ArgumentHelp("Also run lab learn's block polishing after training, within this many seconds (asked inside every block iteration), and report it separately; 0: no polishing.", valueName: "seconds"))
  var polishSeconds = 0.0

  /// The root seed (0 unless `--seed` is given).
  var seed: UInt64 { seeding.seed ?? 0 }

  /// The thread count of `--threads`, for ours and the peers'.
  var threads: Int { threading.threads }

  func validate() throws {
    guard atoms >= 1, epochs >= 1, batch >= 1, trainCount >= 1, evalCount >= 1, repeats >= 1, evaluationsPerEpoch >= 1,
      lambda.isFinite, lambda > 0, polishSeconds.isFinite, polishSeconds >= 0
    else {
      throw ValidationError(
        "'--atoms', '--epochs', '--batch', '--train-samples', '--eval-samples', '--repeats', '--evaluations-per-epoch' must be ≥ 1, '--lambda' > 0 and '--polish-seconds' ≥ 0")
    }
  }

  func run() throws {
    let x = try BenchSupport.matrix(dataDirectory, "independent_X.npy", role: "the data X (N × m)")
    let truth = try BenchSupport.matrix(dataDirectory, "independent_D.npy", role: "the true dictionary (K × m)")
    guard trainCount + evalCount <= x.rows else {
      throw BadInput.fail("'--train-samples' \(trainCount) + '--eval-samples' \(evalCount) exceed the \(x.rows) rows of independent_X.npy")
    }
    BLAS.setThreadCount(threads)
    let train = BenchSupport.rows(x, 0..<trainCount), eval = BenchSupport.rows(x, (x.rows - evalCount)..<x.rows)
    let (ours, dictionary) = runOurs(train: train, eval: eval, truth: truth)
    var record: [String: Any] = ["bench": "w2_dictlearn", "threads": threads, "K": atoms, "alpha": lambda, "epochs": epochs,
                                 "batch": batch, "n_train": trainCount, "n_eval": evalCount, "ours_online_float64": ours]
    if polishSeconds > 0 { record["ours_polishing"] = polish(dictionary, train: train, eval: eval, truth: truth) }
    var table = [("ours_online_float64", ours)]
    if skipPeers {
      record["peers"] = "not run (--skip-peers)"
    } else {
      switch runPeers() {
      case .success(let peerRecord):
        let results = peerRecord["results"] as? [String: [String: Any]] ?? [:]
        record["peers"] = results
        record["peer_eval_encoder"] = peerRecord["eval_encoder"]
        record["peer_versions"] = peerRecord["versions"]
        for (name, peer) in results.sorted(by: { $0.key < $1.key }) where name != "true_dictionary" {
          table.append((name, peer))
          record["ratios_vs_\(name)"] = ratios(ours, peer)
        }
        if let reference = results["true_dictionary"] { table.append(("true_dictionary", reference)) }
      case .failure(let reason):
        record["peers"] = "unavailable: \(reason.message)"
      }
    }
    for (name, row) in table {
      let time = (row["wall_s"] as? Double).map { String(format: "%8.2f s", $0) } ?? "       — "
      FileHandle.standardError.write(Data(String(format: "%-24@ %@  objective %.5f  MMCS %.4f\n", name as NSString, time as NSString,
                                                 row["eval_objective"] as? Double ?? .nan, row["mmcs"] as? Double ?? .nan).utf8))
    }
    if let polishing = record["ours_polishing"] as? [String: Any] {
      FileHandle.standardError.write(Data(String(format: "%-24@ %8.2f s  objective %.5f  MMCS %.4f  (block polishing after training, not in the W2 ratio: %ld iterations, %@)\n",
                                                 "ours_polishing" as NSString, polishing["polishing_s"] as? Double ?? .nan,
                                                 polishing["eval_objective"] as? Double ?? .nan, polishing["mmcs"] as? Double ?? .nan,
                                                 polishing["iterations"] as? Int ?? 0, (polishing["termination"] as? String ?? "") as NSString).utf8))
    }
    let line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: line, as: UTF8.self))
  }

  /// Trains the online learner on `train` and scores it on `eval` with exact codes, also at
  /// `evaluationsPerEpoch` checkpoints per epoch whose scoring time is taken off the clock.
  private func runOurs(train: Matrix<Double>, eval: Matrix<Double>, truth: Matrix<Double>) -> (record: [String: Any], dictionary: Matrix<Double>) {
    var generator = SeedTree(root: seed).generator(for: "learn/initial-dictionary")
    let initial = InitialDictionary.fromSamples(train, atoms: atoms, using: &generator)
    let configuration = OnlineDictionaryLearning.Configuration(epochs: epochs, batchSize: batch, stepTolerance: 0, threads: threads,
                                                               dictionarySweeps: dictionarySweeps)
    let clock = ContinuousClock()
    var scoringTime = Duration.zero
    var checkpoints: [[String: Double]] = []
    let started = clock.now
    // Timed like trainDL: training only (lab learn also solves every training code exactly at the end).
    let fit = BenchSupport.timed {
      OnlineDictionaryLearning.train(samples: train, initialDictionary: initial, initialBias: nil, lambda: lambda, seed: seed,
                                     configuration: configuration) { progress in
        let interval = max(1, (progress.batchesPerEpoch + evaluationsPerEpoch - 1) / evaluationsPerEpoch)
        guard progress.batchesInEpoch % interval == 0 || progress.batchesInEpoch == progress.batchesPerEpoch else { return }
        let scoringStarted = clock.now
        let epochsDone = Double(progress.epoch - 1) + Double(progress.batchesInEpoch) / Double(progress.batchesPerEpoch)
        checkpoints.append(["epochs": epochsDone, "training_s": BenchSupport.seconds(scoringStarted - started - scoringTime),
                            "eval_objective": heldOut(eval, progress.dictionary).objective])
        scoringTime += clock.now - scoringStarted
      }
    }
    let trainingSeconds = fit.seconds - BenchSupport.seconds(scoringTime)
    let dictionary = fit.value.dictionary
    let (objective, meanL0) = heldOut(eval, dictionary)
    return (["wall_s": trainingSeconds, "untimed_scoring_s": BenchSupport.seconds(scoringTime), "checkpoints": checkpoints,
             "eval_objective": objective, "eval_L0": meanL0,
             "mmcs": BenchSupport.meanMaxCosine(truth: truth, learned: dictionary), "termination": fit.value.termination.rawValue,
             "epochs": fit.value.epochs, "dictionary_sweeps": dictionarySweeps, "reseeded_atoms": fit.value.reseededAtoms,
             "peak_rss_mb": BenchSupport.peakResidentMegabytes], dictionary)
  }

  /// What `lab learn` does after training, timed apart from it: the exact codes of the training
  /// points, then block polishing to KKT ≤ ``LearnCertification/polishingMargin``·``LearnCertification/kktTolerance``·λΣz
  /// within `--polish-seconds`; with the held-out objective and MMCS after it.
  private func polish(_ dictionary: Matrix<Double>, train: Matrix<Double>, eval: Matrix<Double>, truth: Matrix<Double>) -> [String: Any] {
    let coding = BenchSupport.timed { ExactCodes.codes(for: train, dictionary: dictionary, bias: nil, lambda: lambda, threads: threads) }
    let problem = SparseCodingProblem(samples: train, dictionary: dictionary, bias: nil, codes: coding.value, lambda: lambda)
    let trained = LearningResult(problem: problem, objectiveHistory: [], iterations: 0, termination: .iterationLimit,
                                 kkt: KKTResiduals(problem), reseededAtoms: 0)
    let tolerance = LearnCertification.polishingMargin * LearnCertification.kktTolerance * LearnCertification.scale(problem)
    let polishing = BenchSupport.timed { BlockPolishing.polish(trained, kktTolerance: tolerance, timeLimit: polishSeconds) }
    let polished = polishing.value
    return ["exact_codes_s": coding.seconds, "polishing_s": polishing.seconds, "iterations": polished.iterations,
            "termination": polished.termination.rawValue, "kkt_relative_before": LearnCertification.relativeKKT(trained),
            "kkt_relative_after": LearnCertification.relativeKKT(polished), "time_limit_s": polishSeconds,
            "eval_objective": heldOut(eval, polished.problem.dictionary).objective,
            "mmcs": BenchSupport.meanMaxCosine(truth: truth, learned: polished.problem.dictionary)]
  }

  /// The mean objective and mean L0 of exact codes of `eval` for `dictionary`.
  private func heldOut(_ eval: Matrix<Double>, _ dictionary: Matrix<Double>) -> (objective: Double, meanL0: Double) {
    let codes = ExactCodes.codes(for: eval, dictionary: dictionary, bias: nil, lambda: lambda, threads: threads)
    let scored = SparseCodingProblem(samples: eval, dictionary: dictionary, bias: nil, codes: codes, lambda: lambda)
    let activeCount = codes.storage.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    return (scored.loss / Double(eval.rows), Double(activeCount) / Double(eval.rows))
  }

  /// Time, objective and MMCS of ours relative to a peer.
  private func ratios(_ ours: [String: Any], _ peer: [String: Any]) -> [String: Any] {
    guard let ourTime = ours["wall_s"] as? Double,
      let ourObjective = ours["eval_objective"] as? Double, let ourMMCS = ours["mmcs"] as? Double,
      let time = peer["wall_s"] as? Double, let objective = peer["eval_objective"] as? Double, let mmcs = peer["mmcs"] as? Double
    else { return [:] }
    var result: [String: Any] = ["time_ours_over_peer": ourTime / time,
                                 "objective_ours_over_peer": ourObjective / objective, "mmcs_ours_minus_peer": ourMMCS - mmcs]
    let checkpoints = ours["checkpoints"] as? [[String: Double]] ?? []
    if let reached = checkpoints.first(where: { ($0["eval_objective"] ?? .infinity) <= objective }), let seconds = reached["training_s"] {
      result["time_to_peer_objective_ours_over_peer"] = seconds / time
      result["epochs_to_peer_objective"] = reached["epochs"]
    } else {
      result["time_to_peer_objective_ours_over_peer"] = "not reached"
    }
    return result
  }

  private struct PeerFailure: Error { var message: String }

  /// Runs the peers' script and returns its JSON record.
  private func runPeers() -> Result<[String: Any], PeerFailure> {
    guard FileManager.default.isExecutableFile(atPath: python) else { return .failure(PeerFailure(message: "no Python at \(python)")) }
    guard FileManager.default.fileExists(atPath: script) else { return .failure(PeerFailure(message: "no script at \(script)")) }
    let arguments = [script, "--threads", "\(threads)", "--n-train", "\(trainCount)", "--n-eval", "\(evalCount)",
                     "--K", "\(atoms)", "--alpha", "\(lambda)", "--epochs", "\(epochs)", "--batch", "\(batch)",
                     "--repeats", "\(repeats)", "--dtypes", "float64", "--methods", peers,
                     "--seed", "\(seed)", "--data", dataDirectory]
    do {
      return .success(try PeerBenchmark.record(python, arguments, in: URL(fileURLWithPath: script).deletingLastPathComponent()))
    } catch { return .failure(PeerFailure(message: "\(error)")) }
  }
}
