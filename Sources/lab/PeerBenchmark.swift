import Foundation

/// The Python peer benchmark of workload W1 (`scripts/bench/peer_w1_sparse_coding.py`): whether its
/// environment is usable, and one run of it, parsed from the JSON line it prints.
struct PeerBenchmark {
  /// The Python interpreter of the benchmark environment.
  var python: String
  /// The benchmark script.
  var script: String
  /// A log of the environment's setup, which ends with "done" when the setup finished; nil when
  /// the environment was set up without one (the README's `pip install` line writes none).
  var setupLog: String?

  /// One peer method's figures, as the script reports them.
  struct Figure {
    /// From the median time of the repeats.
    var pointsPerSecond: Double
    /// From the best (least disturbed) time.
    var bestPointsPerSecond: Double
    /// Mean per point of ½‖x − zD‖² + α Σ z, evaluated in float64 by the script.
    var objective: Double
    /// Mean number of nonzero codes per point.
    var meanL0: Double
    /// The largest share of the machine that other processes used during a repeat, if measured.
    var othersCPU: Double?
  }

  /// What the setup log says, for the report; nil without a log.
  var setupStatus: String? {
    guard let setupLog else { return nil }
    guard let text = try? String(contentsOfFile: setupLog, encoding: .utf8) else { return "\(setupLog) does not exist" }
    return text.contains("done") ? "\(setupLog) says done" : "\(setupLog) does not say done (setup may be unfinished)"
  }

  /// Whether `module` imports in the environment.
  func canImport(_ module: String) -> Bool {
    guard FileManager.default.isExecutableFile(atPath: python) else { return false }
    return (try? Self.run(python, ["-c", "import \(module)"]).status) == 0
  }

  /// Runs the script with `arguments` and returns its `results` by key (e.g. "spams_lasso_float32").
  func measure(_ arguments: [String], dataDirectory: String, outDirectory: String) throws -> [String: Figure] {
    let record = try Self.record(python, [script] + arguments, environment: ["BENCH_DATA": dataDirectory, "BENCH_OUT": outDirectory])
    guard let results = record["results"] as? [String: [String: Any]] else { throw PeerError(message: "\(script) printed no 'results'") }
    return results.compactMapValues { entry in
      guard let rate = entry["points_per_s"] as? Double, let best = entry["points_per_s_best"] as? Double,
        let objective = entry["objective"] as? Double, let l0 = entry["mean_L0"] as? Double else { return nil }
      return Figure(pointsPerSecond: rate, bestPointsPerSecond: best, objective: objective, meanL0: l0, othersCPU: entry["others_cpu_max"] as? Double)
    }
  }

  /// A peer run that failed, with the end of its standard error.
  struct PeerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  /// Runs a peer script (`python` with `arguments`, in `directory` when given) to its exit and
  /// returns the last JSON object line it printed; a failure says how it exited, with the end of
  /// its standard error. Every `lab bench` command reads its peers through this.
  static func record(_ python: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws
    -> [String: Any]
  {
    try timedRecord(python, arguments, environment: environment, in: directory).record
  }

  /// ``record(_:_:environment:in:)`` with the wall seconds from the spawn to the exit.
  static func timedRecord(_ python: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws
    -> (seconds: Double, record: [String: Any])
  {
    let result = try run(python, arguments, environment: environment, in: directory)
    let command = arguments.first ?? python
    guard result.status == 0 else { throw PeerError(message: "\(command) exited with status \(result.status): \(result.stderr.suffix(600))") }
    guard let line = result.stdout.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
      let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    else { throw PeerError(message: "\(command) printed no JSON record") }
    return (result.wallSeconds, record)
  }

  /// Runs `executable` to its exit (``ChildProcess``), its output through temporary files, and
  /// returns its exit status, both outputs and its wall seconds.
  static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws
    -> (status: Int32, stdout: String, stderr: String, wallSeconds: Double)
  {
    let logs = FileManager.default.temporaryDirectory.appendingPathComponent("lab-peer-\(UUID().uuidString)").path
    let (outLog, errorLog) = (logs + ".out", logs + ".err")
    defer {
      try? FileManager.default.removeItem(atPath: outLog)
      try? FileManager.default.removeItem(atPath: errorLog)
    }
    let child = try ChildProcess.run(executable, arguments, environment: environment, directory: directory?.path, standardOutput: .file(outLog),
                                     standardError: .file(errorLog))
    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    return (child.status, text(outLog), text(errorLog), child.wallSeconds)
  }
}
