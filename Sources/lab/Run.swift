import ArgumentParser
import Foundation
import LabExperiments
import LabFormats
import LabNumerics
import LabOptimization

/// `lab run <experiment>`: run an experiment and write its report and run record.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run an experiment and write its report (Markdown) and run record (JSON).")

  @Argument(help: "The experiment to run (known: \(ExperimentRegistry.names.joined(separator: ", "))).")
  var experiment: String

  @OptionGroup var common: CommonOptions

  @Option(name: .long, help: ArgumentHelp("Directory for the report and record.", valueName: "dir"))
  var out: String = "notebooks-md"

  @Flag(name: .long, help: "Print no progress lines on standard error.")
  var quiet = false

  @Flag(name: .long, help: "Print one JSON summary line on standard output instead of text.")
  var json = false

  func run() throws {
    let entry = try common.entry(experiment)
    BLAS.setThreadCount(common.threads)
    let started = Date()
    let quiet = self.quiet, id = entry.id
    let (seed, product): (UInt64, ExperimentProduct)
    do {
      (seed, product) = try entry.run(common.toy, common.seed) { line in
        if !quiet { FileHandle.standardError.write(Data("[\(id)] \(line)\n".utf8)) }
      }
    } catch let error as ToyFileError { throw BadInput.fail("\(error)") }
    let provenance = Provenance(
      labVersion: LabVersion.current, glpkVersion: GLPK.version, blasConfiguration: BLAS.configuration,
      blasThreads: BLAS.threadCount, startedAt: ISO8601DateFormatter().string(from: started),
      wallSeconds: Date().timeIntervalSince(started), command: CommandLine.arguments.joined(separator: " "))
    var reproduce = "lab run \(id) --seed \(seed)"
    if let path = common.toy { reproduce += " --toy \(path)" }
    try AtomicWriter.write(try product.render(provenance, reproduce), into: out)
    let checks = product.checks
    let passed = checks.filter { $0.status == .pass }.count
    let report = URL(fileURLWithPath: out).appendingPathComponent("\(id).md").path
    if json {
      let summary: [String: Any] = ["experiment": id, "checks": checks.count, "passed": passed,
                                    "report": report, "wallSeconds": provenance.wallSeconds]
      let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
      print(String(decoding: line, as: UTF8.self))
    } else {
      for check in checks where check.status != .pass {
        print("\(check.status == .fail ? "FAIL" : "INCONCLUSIVE") \(check.id): \(check.measured) (expected \(check.threshold))")
      }
      print("\(id): \(passed) of \(checks.count) checks pass; report \(report) (\(String(format: "%.1f", provenance.wallSeconds)) s)")
    }
    if passed != checks.count { throw ExitCode.failure }
  }
}
