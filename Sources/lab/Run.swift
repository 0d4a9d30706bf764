import ArgumentParser
import Foundation
import LabExperiments
import LabFormats
import LabNumerics
import LabOptimization

/// `lab run <experiment>… | --all`: run experiments and write their reports, run records and
/// the index.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run experiments and write their reports (Markdown, SVG figures), run records (JSON) and index.md.",
    discussion: """
      Each experiment writes <id>.md, <id>.json and its figures atomically once it has finished; index.md lists \
      every registered experiment with the verdict of its record. Exit code 0 when every check of every experiment \
      passed, 1 when one failed or was inconclusive, 2 for bad input (nothing is run then).
      """)

  @OptionGroup var selection: ExperimentSelection

  @OptionGroup var common: CommonOptions

  @OptionGroup var output: ReportDirectoryOptions

  @Flag(name: .long, help: "Run each experiment's documented quick configuration (fewer random probes; recorded in the run record).")
  var quick = false

  @Flag(name: .long, help: "Print no progress (bar or stage lines) on standard error.")
  var quiet = false

  func run() throws {
    let entries = try selection.entries(allWhenEmpty: false)
    if common.toy != nil && entries.count != 1 { throw BadInput.fail("'--toy' needs exactly one experiment, got \(entries.count).") }
    BLAS.setThreadCount(common.threads)
    let bar = ProgressBar(total: entries.count, enabled: ProgressBar.isWanted(quiet: quiet))
    defer { bar.finish() }
    let stageLines = !quiet && !ProgressBar.isWanted(quiet: quiet)
    var allPass = true
    for (index, entry) in entries.enumerated() {
      bar.update(completed: index, label: entry.id)
      let passed = try run(entry) { line in
        bar.update(completed: index, label: "\(entry.id): \(line)")
        if stageLines { FileHandle.standardError.write(Data("[\(entry.id)] \(line)\n".utf8)) }
      }
      allPass = allPass && passed
    }
    bar.update(completed: entries.count, label: "index")
    try output.writeIndex()
    if !allPass { throw ExitCode.failure }
  }

  /// Runs one experiment, writes its files and prints its summary; returns whether every check passed.
  private func run(_ entry: ExperimentEntry, progress: (String) -> Void) throws -> Bool {
    let started = Date()
    let id = entry.id
    let (seed, product): (UInt64, ExperimentProduct)
    do {
      (seed, product) = try entry.run(common.toy, common.seed, quick, progress)
    } catch let error as ToyFileError { throw BadInput.fail("\(error)") }
    let provenance = Provenance(
      labVersion: LabVersion.current, glpkVersion: GLPK.version, blasConfiguration: BLAS.configuration,
      blasThreads: BLAS.threadCount, startedAt: ISO8601DateFormatter().string(from: started),
      wallSeconds: Date().timeIntervalSince(started), command: CommandLine.arguments.joined(separator: " "))
    var reproduce = "lab run \(id) --seed \(seed)"
    if let path = common.toy { reproduce += " --toy \(path)" }
    if quick { reproduce += " --quick" }
    try AtomicWriter.write(try product.render(provenance, RunInvocation(reproduce: reproduce, quick: quick)), into: output.out)
    let checks = product.checks
    let passed = checks.filter { $0.status == .pass }.count
    let report = URL(fileURLWithPath: output.out).appendingPathComponent("\(id).md").path
    if output.json {
      let summary: [String: Any] = ["experiment": id, "checks": checks.count, "passed": passed, "quick": quick,
                                    "report": report, "wallSeconds": provenance.wallSeconds]
      let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
      print(String(decoding: line, as: UTF8.self))
    } else {
      for check in checks where check.status != .pass {
        print("\(check.status == .fail ? "FAIL" : "INCONCLUSIVE") \(check.id): \(check.measured) (expected \(check.threshold))")
      }
      print("\(id): \(passed) of \(checks.count) checks pass; report \(report) (\(String(format: "%.1f", provenance.wallSeconds)) s)")
    }
    return passed == checks.count
  }
}
