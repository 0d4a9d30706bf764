import ArgumentParser
import Foundation
import LabNumerics
import LabSolvers

/// `lab bench encode`: workload W1 (`scripts/bench`) — nonnegative lasso codes of the first N
/// points of the `independent` data set with its true dictionary — for the lab's encoder and, in
/// the same invocation, for SPAMS `lasso` and scikit-learn `lasso_cd` when their Python
/// environment is usable. The lab is measured again right after each peer run, so that both
/// sides of a ratio saw about the same machine load. Prints one line per (threads, peer) with the
/// throughput ratios (of median and of best times) and the relative objective difference, then
/// one JSON line with every figure.
struct BenchEncode: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "encode",
    abstract: "W1: the lab's sparse coding against SPAMS lasso and scikit-learn lasso_cd (points/s at equal objective).",
    discussion: """
      Data come from scripts/bench/bench_data.py (written to --data-dir). Throughputs are medians of --repeats \
      runs; a ratio counts as "at equal objective" when the relative objective difference is at most 1e-6. \
      --whole-process times `lab encode` from launch to exit (reading, coding, checks, writing dense Z.npy, then sparse Z.npz as SPAMS returns its codes) against \
      the peers' in-process coding, and its wall time against its own coding loop. \
      Absolute figures drift between runs on a shared machine: compare the ratios of one invocation.

      Examples:
        lab bench encode
        lab bench encode --samples 2000 --thread-counts 1 --repeats 1 --skip-peers
        lab bench encode --whole-process --thread-counts 1 --repeats 5
      """)

  @Option(name: .long, help: ArgumentHelp("Directory with independent_X.npy and independent_D.npy.", valueName: "dir"))
  var dataDir = ProcessInfo.processInfo.environment["BENCH_DATA"] ?? "/tmp/benchdata"

  @Option(name: .long, help: ArgumentHelp("Points to encode (the first N rows).", valueName: "n"))
  var samples = 20_000

  @Option(name: .customLong("lambda"), help: "The L1 weight (the peers' alpha).")
  var lambda = 0.1

  @Option(name: .long, help: ArgumentHelp("Thread counts to measure, comma-separated (each as --threads elsewhere).", valueName: "list"))
  var threadCounts = "1,2"

  @Option(name: .long, help: "Timed runs per measurement (the median is reported).")
  var repeats = 3

  @Option(name: .long, help: ArgumentHelp("The lab's method: active-set, cd, fista or threshold.", valueName: "name"))
  var method = SparseEncoder.Method.activeSet

  @Option(name: .long, help: ArgumentHelp("Python of the peer environment.", valueName: "path"))
  var python = "/tmp/benchenv/bin/python"

  @Option(name: .customLong("script"), help: ArgumentHelp("The peer script (default: scripts/bench/peer_w1_sparse_coding.py of this package).", valueName: "path"))
  var scriptOption: String?
  /// The peer script: `--script`, or the package's own.
  var script: String { scriptOption ?? BenchSupport.peerScript("peer_w1_sparse_coding.py") }

  @Option(name: .long, help: ArgumentHelp("A log of the peer environment's setup: the report says whether it ends with \"done\" (default: none; the README's pip line writes no log).", valueName: "path"))
  var setupLog: String?

  @Option(name: .long, help: ArgumentHelp("SPAMS precisions, comma-separated (float32, float64; empty: none).", valueName: "list"))
  var spamsDtypes = "float32,float64"

  @Option(name: .long, help: ArgumentHelp("scikit-learn precisions (its float32 lasso_cd is much slower than float64; empty: none).", valueName: "list"))
  var sklearnDtypes = "float64"

  @Flag(name: .long, help: "Measure the lab only.")
  var skipPeers = false

  @Flag(name: .long, help: "Time `lab encode` as users run it (a separate process writing dense Z.npy, then sparse Z.npz) against the peers in-process.")
  var wholeProcess = false

  /// The counts of `--thread-counts`, or nil when the list is malformed.
  var counts: [Int]? {
    let parts = threadCounts.split(separator: ",", omittingEmptySubsequences: false)
    let counts = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    return !counts.isEmpty && counts.count == parts.count && counts.allSatisfy(ThreadOptions.allowed.contains) ? counts : nil
  }

  func validate() throws {
    guard counts != nil else {
      throw ValidationError("'--thread-counts' must be a comma-separated list of counts in 1...64, got '\(threadCounts)'.")
    }
    guard samples >= 1 else { throw ValidationError("'--samples' must be at least 1, got \(samples).") }
    guard repeats >= 1 else { throw ValidationError("'--repeats' must be at least 1, got \(repeats).") }
    guard lambda.isFinite && lambda > 0 else { throw ValidationError("'--lambda' must be a finite number > 0, got \(lambda).") }
    for (option, list) in [("--spams-dtypes", spamsDtypes), ("--sklearn-dtypes", sklearnDtypes)] {
      let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      if let bad = parts.first(where: { !["float32", "float64"].contains($0) }) {
        throw ValidationError("'\(option)' must be a comma-separated list of float32 and float64 (or empty), got '\(bad)'.")
      }
    }
    guard !method.needsActiveCount, method != .exactL1 else {
      throw ValidationError("'--method' must be one of active-set, cd, fista, threshold, got '\(method.rawValue)'.")
    }
  }

  func run() throws {
    let threadCounts = counts ?? []
    let chosen = method
    let input: EncodeInput
    do {
      input = try EncodeInput.load(data: "\(dataDir)/independent_X.npy", dictionary: "\(dataDir)/independent_D.npy", bias: nil, rows: samples)
    } catch {
      throw BadInput.fail("\(error) (\(BenchSupport.dataHint))")
    }
    let peers = PeerBenchmark(python: python, script: script, setupLog: setupLog)
    // The peer runs: (script method, precisions). The script needs scikit-learn even for SPAMS.
    var peerRuns: [(method: String, dtypes: String)] = []
    if !skipPeers {
      if let status = peers.setupStatus { print("peer environment: \(status)") }
      if peers.canImport("sklearn") {
        if !sklearnDtypes.isEmpty { peerRuns.append(("sklearn_lasso_cd", sklearnDtypes)) }
        if !spamsDtypes.isEmpty {
          if peers.canImport("spams") { peerRuns.append(("spams_lasso", spamsDtypes)) } else { print("peer: spams is not importable with \(python); skipping SPAMS") }
        }
      } else {
        print("peer: scikit-learn is not importable with \(python); skipping every peer (the peer script needs it)")
      }
    }

    if wholeProcess { return try runWholeProcess(threadCounts: threadCounts, rows: input.samples.rows, peers: peers, peerRuns: peerRuns) }
    var records: [[String: Any]] = []
    var reference: [Double]?
    for count in threadCounts {
      let ours = try measureOurs(chosen, threads: count, input: input)
      if let reference, reference != ours.codes { print("WARNING: the codes differ between thread counts") }
      reference = ours.codes
      var record = ours.summary
      print(String(format: "lab %@ threads=%d: %.0f points/s (median wall %.4f s, CPU %.4f s), objective %.12g, mean L0 %.3f, max KKT %.2e",
                   chosen.rawValue, count, ours.pointsPerSecond, Double(input.samples.rows) / ours.pointsPerSecond, ours.cpuSeconds,
                   ours.objective, ours.meanL0, ours.maxKKT))
      let outDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-\(ProcessInfo.processInfo.processIdentifier)").path
      var peerRecords: [String: Any] = [:]
      for run in peerRuns {
        do {
          let figures = try peers.measure(
            peerArguments(threads: count, rows: input.samples.rows, run: run), dataDirectory: dataDir, outDirectory: outDirectory)
          // The lab again, right after the peer, so that both sides saw about the same machine load.
          let adjacent = try measureOurs(chosen, threads: count, input: input)
          peerRecords.merge(comparisons(adjacent, figures, threads: count)) { $1 }
        } catch { print("peer run \(run.method) failed: \(error)") }
      }
      if !peerRecords.isEmpty { record["peers"] = peerRecords }
      records.append(record)
    }
    let json = try JSONSerialization.data(withJSONObject: ["bench": "w1_sparse_coding", "runs": records], options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
  }

  /// The lab's figures for one thread count.
  struct Ours {
    var pointsPerSecond: Double
    var bestPointsPerSecond: Double
    var cpuSeconds: Double
    var objective: Double
    var meanL0: Double
    var maxKKT: Double
    var codes: [Double]
    var summary: [String: Any]
  }

  private func measureOurs(_ method: SparseEncoder.Method, threads count: Int, input: EncodeInput) throws -> Ours {
    let configuration = try SparseEncoder.Configuration(method: method, lambda: lambda, constraint: .nonnegative, threads: count)
    let encoder = try SparseEncoder(dictionary: input.dictionary, configuration: configuration)
    var times: [Double] = [], cpuTimes: [Double] = []
    var last: EncodeRun?
    for _ in 0..<repeats {
      let run = try EncodeRun.measure(encoder, input)
      times.append(run.seconds)
      cpuTimes.append(run.cpuSeconds)
      last = run
    }
    let median = BenchSupport.median(times), cpuMedian = BenchSupport.median(cpuTimes)
    var summary = last!.summary
    summary["seconds"] = median
    summary["times"] = times
    summary["cpuSeconds"] = cpuMedian
    summary["pointsPerSecond"] = Double(input.samples.rows) / median
    return Ours(pointsPerSecond: Double(input.samples.rows) / median, bestPointsPerSecond: Double(input.samples.rows) / times.min()!,
                cpuSeconds: cpuMedian, objective: last!.optimality.meanObjective,
                meanL0: last!.optimality.meanL0, maxKKT: last!.optimality.maxKKTViolation, codes: last!.output.codes.storage,
                summary: summary)
  }

  /// Ratio lines and records against each peer figure.
  private func comparisons(_ ours: Ours, _ figures: [String: PeerBenchmark.Figure], threads count: Int) -> [String: Any] {
    var result: [String: Any] = [:]
    for key in figures.keys.sorted() {
      let peer = figures[key]!
      let ratio = ours.pointsPerSecond / peer.pointsPerSecond
      let bestRatio = ours.bestPointsPerSecond / peer.bestPointsPerSecond
      let difference = (peer.objective - ours.objective) / ours.objective
      let equal = abs(difference) <= 1e-6
      let goal = key.hasPrefix("spams") ? 1.0 : 10.0
      print(String(format: "  vs %@ (threads=%d): %.0f points/s (best %.0f), objective %.12g (relative difference %+.2e, %@); lab right after: %.0f points/s (best %.0f); ratio %.2f× median, %.2f× best (goal ≥ %.0f×: %@)%@",
                   key, count, peer.pointsPerSecond, peer.bestPointsPerSecond, peer.objective, difference,
                   equal ? "equal objective" : "NOT equal objective", ours.pointsPerSecond, ours.bestPointsPerSecond,
                   ratio, bestRatio, goal, min(ratio, bestRatio) >= goal ? "met" : (max(ratio, bestRatio) >= goal ? "met on one of the two" : "not met"),
                   peer.othersCPU.map { String(format: ", others' CPU during peer ≤ %.0f%%", 100 * $0) } ?? ""))
      result[key] = ["pointsPerSecond": peer.pointsPerSecond, "bestPointsPerSecond": peer.bestPointsPerSecond, "objective": peer.objective,
                     "meanL0": peer.meanL0, "labPointsPerSecond": ours.pointsPerSecond, "labBestPointsPerSecond": ours.bestPointsPerSecond,
                     "ratio": ratio, "bestRatio": bestRatio, "relativeObjectiveDifference": difference, "equalObjective": equal]
    }
    return result
  }

  /// The W1 peer script's options for one run (a method and its dtypes) on `rows` points with `threads` threads.
  func peerArguments(threads: Int, rows: Int, run: (method: String, dtypes: String)) -> [String] {
    ["--threads", "\(threads)", "--n", "\(rows)", "--alpha", "\(lambda)", "--repeats", "\(repeats)",
     "--methods", run.method, "--dtypes", run.dtypes, "--data", dataDir]
  }
}
