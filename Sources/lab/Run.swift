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

  @Argument(help: "The experiment to run (known: \(Experiments.names.joined(separator: ", "))).")
  var experiment: String

  @OptionGroup var common: CommonOptions

  @Option(name: .long, help: ArgumentHelp("Directory for the report and record.", valueName: "dir"))
  var out: String = "notebooks-md"

  @Flag(name: .long, help: "Print no progress lines on standard error.")
  var quiet = false

  @Flag(name: .long, help: "Print one JSON summary line on standard output instead of text.")
  var json = false

  func run() throws {
    if let problem = Experiments.validate(experiment) { throw BadInput.fail(problem) }
    let toy: HierarchyToy
    do { toy = try Experiments.hierarchyToy(common) } catch { throw BadInput.fail("\(error)") }
    BLAS.setThreadCount(common.threads)
    let started = Date()
    let quiet = self.quiet
    var (record, checks) = try HierarchyExperiment.run(toy) { line in
      if !quiet { FileHandle.standardError.write(Data("[\(toy.id)] \(line)\n".utf8)) }
    }
    record.provenance = Provenance(
      labVersion: LabVersion.current, glpkVersion: GLPK.version, blasConfiguration: BLAS.configuration,
      blasThreads: BLAS.threadCount, startedAt: ISO8601DateFormatter().string(from: started),
      wallSeconds: Date().timeIntervalSince(started), command: CommandLine.arguments.joined(separator: " "))
    var reproduce = "lab run \(toy.id) --seed \(toy.seed)"
    if let path = common.toy { reproduce += " --toy \(path)" }
    let markdown = HierarchyReport.markdown(record, reproduce: reproduce)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    let recordData = try encoder.encode(record) + Data("\n".utf8)
    try AtomicWriter.write([("\(toy.id).md", Data(markdown.utf8)), ("\(toy.id).json", recordData)], into: out)
    let passed = checks.filter { $0.status == .pass }.count
    let report = URL(fileURLWithPath: out).appendingPathComponent("\(toy.id).md").path
    if json {
      let summary: [String: Any] = ["experiment": toy.id, "checks": checks.count, "passed": passed,
                                    "report": report, "wallSeconds": record.provenance.wallSeconds]
      let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
      print(String(decoding: line, as: UTF8.self))
    } else {
      for check in checks where check.status != .pass {
        print("\(check.status == .fail ? "FAIL" : "INCONCLUSIVE") \(check.id): \(check.measured) (expected \(check.threshold))")
      }
      print("\(toy.id): \(passed) of \(checks.count) checks pass; report \(report) (\(String(format: "%.1f", record.provenance.wallSeconds)) s)")
    }
    if passed != checks.count { throw ExitCode.failure }
  }
}
