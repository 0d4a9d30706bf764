import ArgumentParser
import Foundation

/// `lab bench check`: issue 16's goal cases for `lab check`, each timed as a whole process (reading,
/// exact codes, every LP, writing), against another `lab` binary on the same cases in the same
/// invocation when `--baseline` names one. The inputs are made first, untimed, by this binary
/// (`lab generate`, `lab learn`, `lab train`), so both binaries check the same files.
struct BenchCheck: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Time whole lab check runs on issue 16's goal cases (float32 tree world, a 64-latent SAE, in-memory cases) and a 16,384-latent SAE.",
    discussion: """
      Prints a table on standard error and one JSON line: per case the median wall time, the peak resident memory \
      of the last run, the verdict, whether it was decided, the goal, and the ratio to --baseline. --attribute also \
      times each case with the stars skipped and with LP-R, CERT and the stars skipped, which says where the time goes.

      sae-16k (issue 19's check at SAE scale: 16,384 latents in 768 dimensions, N = --sae-16k-points) is run only \
      when --cases names it: making its inputs (training the SAE) takes about 3 minutes on 2 cores, and its check \
      about 1.5 minutes at N = 10⁴.

      Examples:
        lab bench check
        lab bench check --cases tree-float32,sae --baseline /path/to/main/.build/release/lab --attribute
        lab bench check --cases sae-16k --sae-16k-points 10000
      """)

  @Option(name: .long, help: ArgumentHelp("Cases, comma-separated: \(BenchCheckCase.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "list"))
  var cases = BenchCheckCase.defaultCases.map(\.rawValue).joined(separator: ",")
  @Option(name: .long, help: ArgumentHelp("Another lab binary to run on the same inputs (e.g. a build of main), for ratios.", valueName: "path"))
  var baseline: String?
  @Option(name: .long, help: ArgumentHelp("Directory for the generated inputs and records (default: a new temporary directory, removed at the end).", valueName: "DIR"))
  var work: String?
  @Option(name: .long, help: "Timed runs of each check (the median is reported).") var repeats = 1
  @Option(name: .customLong("timeout"), help: ArgumentHelp(
    "Seconds after which a check run is stopped and reported as timed out (default: \(Int(Self.defaultTimeoutSeconds)), or twice the case's goal when that is longer).",
    valueName: "seconds"))
  var timeoutSeconds: Double?
  @Flag(name: .long, help: "Also time each case with --skip stars and with --skip lp-r --skip cert --skip stars.") var attribute = false
  @Option(name: .customLong("sae-16k-points"), help: ArgumentHelp("Points N the sae-16k case checks.", valueName: "n"))
  var sae16kPoints = 100_000
  @OptionGroup var threading: ThreadOptions

  func validate() throws {
    guard repeats >= 1 else { throw ValidationError("'--repeats' must be ≥ 1, got \(repeats)") }
    guard sae16kPoints >= 1 else { throw ValidationError("'--sae-16k-points' must be ≥ 1, got \(sae16kPoints)") }
    if let timeoutSeconds, !(timeoutSeconds.isFinite && timeoutSeconds > 0) {
      throw ValidationError("'--timeout' must be a number of seconds > 0, got \(timeoutSeconds)")
    }
    _ = try selectedCases()
    if let baseline, !FileManager.default.isExecutableFile(atPath: baseline) {
      throw ValidationError("'--baseline' \(baseline) is not an executable file")
    }
  }

  /// The cases of `--cases`, or a validation error naming the unknown one.
  func selectedCases() throws -> [BenchCheckCase] {
    try cases.split(separator: ",").map { name in
      guard let known = BenchCheckCase(rawValue: String(name)) else {
        throw ValidationError("'--cases' must list \(BenchCheckCase.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
      }
      return known
    }
  }

  func run() throws {
    let lab = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let directory = work ?? FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-check-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { if work == nil { try? FileManager.default.removeItem(atPath: directory) } }
    var rows: [[String: Any]] = []
    for benchCase in try selectedCases() {
      for step in benchCase.setup(in: directory, threads: threading.threads, points: sae16kPoints) where !FileManager.default.fileExists(atPath: step.makes) {
        // In the work directory: `lab generate tree` reads a file or directory named `tree` in the current one before the built-in toy.
        let result = try PeerBenchmark.run(lab, step.arguments, in: URL(fileURLWithPath: directory))
        guard FileManager.default.fileExists(atPath: step.makes) else {
          throw BadInput.fail("setting up \(benchCase.rawValue): lab \(step.arguments.joined(separator: " ")) exited with status \(result.status): \(result.stderr.suffix(400))")
        }
      }
      var row: [String: Any] = ["case": benchCase.rawValue, "command": "lab " + benchCase.check(in: directory, threads: threading.threads, points: sae16kPoints).joined(separator: " "),
                                "goal_s": benchCase.goalSeconds ?? NSNull()]
      let ours = try timedCheck(lab, benchCase, in: directory, extra: [], tag: "ours")
      row["ours"] = ours
      if let baseline {
        let theirs = try timedCheck(baseline, benchCase, in: directory, extra: [], tag: "baseline")
        row["baseline"] = theirs
        if let a = ours["wall_s"] as? Double, let b = theirs["wall_s"] as? Double, b > 0 { row["ours_over_baseline"] = a / b }
      }
      if attribute {
        row["ours_skip_stars"] = try timedCheck(lab, benchCase, in: directory, extra: ["--skip", "stars"], tag: "skip-stars")
        row["ours_skip_lp_r_cert_stars"] = try timedCheck(lab, benchCase, in: directory,
                                                          extra: ["--skip", "lp-r", "--skip", "cert", "--skip", "stars"], tag: "skip-all")
      }
      rows.append(row)
      FileHandle.standardError.write(Data(Self.tableLine(row).utf8))
    }
    let record: [String: Any] = ["bench": "check", "threads": threading.threads, "repeats": repeats, "cases": rows,
                                 "note": "whole-process wall times on this machine; compare ratios within one invocation"]
    print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
  }

  /// Seconds a check run may take when `--timeout` is not given.
  static let defaultTimeoutSeconds = 600.0

  /// `--timeout`, else ``defaultTimeoutSeconds`` or twice the case's goal, whichever is longer.
  func timeout(for benchCase: BenchCheckCase) -> Double {
    timeoutSeconds ?? max(Self.defaultTimeoutSeconds, 2 * (benchCase.goalSeconds ?? 0))
  }

  /// The median wall time of `repeats` runs of the case's check by `binary` (with `extra` arguments),
  /// and the peak resident memory, verdict, LP-R status and exit status of the last run (the last three
  /// read from its JSON record).
  private func timedCheck(_ binary: String, _ benchCase: BenchCheckCase, in directory: String, extra: [String], tag: String) throws -> [String: Any] {
    let recordPath = URL(fileURLWithPath: directory).appendingPathComponent("\(benchCase.rawValue)-\(tag).json").path
    let arguments = benchCase.check(in: directory, threads: threading.threads, points: sae16kPoints) + extra + ["--json-out", recordPath, "--quiet"]
    var times: [Double] = []
    var last: ChildProcess.Outcome?
    for _ in 0..<repeats {
      try? FileManager.default.removeItem(atPath: recordPath)
      let run = try ChildProcess.run(binary, arguments, timeout: timeout(for: benchCase))
      times.append(run.wallSeconds)
      last = run
    }
    times.sort()
    var result: [String: Any] = ["wall_s": times[times.count / 2], "exit_status": Int(last?.status ?? 0),
                                 "peak_rss_mb": Double(last?.peakResidentBytes ?? 0) / 1e6]
    if last?.timedOut == true { result["timed_out"] = true }
    if let data = FileManager.default.contents(atPath: recordPath),
      let record = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    {
      let verdict = record["verdict"] as? String
      result["verdict"] = verdict ?? NSNull()
      result["decided"] = verdict.map { $0 != "inconclusive" } ?? false
      result["lp_r"] = (record["lpR"] as? [String: Any]).map { ["status": $0["status"] ?? NSNull(), "verified": $0["verified"] ?? NSNull(), "rows": $0["rows"] ?? NSNull()] } ?? NSNull()
      result["skipped"] = (record["skipped"] as? [[String: Any]])?.compactMap { $0["part"] as? String } ?? []
    } else {
      result["decided"] = false
    }
    return result
  }

  /// One line of the table: case, goal, our time, verdict, the baseline's time and the ratio.
  private static func tableLine(_ row: [String: Any]) -> String {
    func time(_ entry: Any?) -> String {
      guard let entry = entry as? [String: Any], let seconds = entry["wall_s"] as? Double else { return "—" }
      let verdict = (entry["timed_out"] as? Bool) == true ? "timed out" : (entry["verdict"] as? String ?? "no record")
      let memory = (entry["peak_rss_mb"] as? Double).map { String(format: ", %.0f MB", $0) } ?? ""
      return String(format: "%7.2f s%@ %@", seconds, memory as NSString, verdict as NSString)
    }
    let goal = (row["goal_s"] as? Double).map { String(format: "≤ %.0f s", $0) } ?? "—"
    let ratio = (row["ours_over_baseline"] as? Double).map { String(format: "%.3f", $0) } ?? "—"
    let columns = [row["case"] as? String ?? "", goal, time(row["ours"]), time(row["baseline"]), ratio].map { $0 as NSString }
    var line = String(format: "%-20@ goal %-7@ ours %-30@ baseline %-30@ ours/baseline %@", columns[0], columns[1], columns[2], columns[3], columns[4])
    if row["ours_skip_stars"] != nil {
      line += "  (--skip stars: \(time(row["ours_skip_stars"])); --skip lp-r,cert,stars: \(time(row["ours_skip_lp_r_cert_stars"])))"
    }
    return line + "\n"
  }
}
