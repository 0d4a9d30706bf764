import ArgumentParser
import Foundation
import LabExperiments
import LabFormats

/// `lab report [<experiment>… | --all]`: re-render reports from their saved run records.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Re-render reports (Markdown and figures) and index.md from the saved run records, without re-running.",
    discussion: """
      Reads <id>.json in the directory and rewrites <id>.md and its figures: the report is a pure function of the \
      record, so a current record gives the bytes `lab run` wrote. Without names (or with --all) every experiment \
      that has a record is re-rendered. Exit code 0 when every re-rendered record's checks pass, 1 when one has a \
      failed or inconclusive check, 2 for bad input (unknown name, missing or malformed record; nothing is written).

      With --merge, joins the shard records that `lab run <id> --sweep --shard i/n` wrote (shards 1/n ... n/n, each \
      exactly once, agreeing on the toy, the shard count, the invocation, the versions and the BLAS threads) into \
      <id>.md, its figures and <id>.json in the --out directory: the files an unsharded run writes, with the same \
      report bytes and a record that differs only in its provenance (earliest start, summed wall time, this command). \
      Names restrict the merge to those experiments; put them before --merge. A merge computes the parts of the \
      record that are not swept, with the OpenBLAS kernels lab run uses (see lab run --help, "Kernels").

      Examples:
        lab report
        lab report star --out /tmp/reports --json
        lab report suppression --merge /tmp/shards --out /tmp/reports
      """)

  @OptionGroup var selection: ExperimentSelection

  @OptionGroup var output: ReportDirectoryOptions

  @OptionGroup var format: JSONOutputOptions

  @Option(name: .long, parsing: .upToNextOption,
          help: ArgumentHelp("Shard records to join: directories (their <id>.shard-<i>-of-<n>.json files) or files.", valueName: "path"))
  var merge: [String] = []

  func run() throws {
    // The records in --out are read and re-rendered beside themselves; what is checked is that the
    // directory can be written and that no shard given to --merge is a file the merge writes.
    let names = ExperimentRegistry.names.flatMap { ["\($0).md", "\($0).json"] } + [ExperimentIndex.fileName]
    try OutputCheck.validate([.directory("--out", output.out, names: merge.isEmpty ? [ExperimentIndex.fileName] : names)], inputs: merge)
    if !merge.isEmpty { return try mergeShards() }
    let named = selection.isNamed
    let entries = try selection.entries(allWhenEmpty: true)
    var files: [(name: String, contents: Data)] = []
    var summaries: [(id: String, summary: RunRecords.Summary)] = []
    do {
      for entry in entries {
        guard let summary = try RunRecords.summary(id: entry.id, in: output.out) else {
          if named { throw RunRecordError(path: path(entry.id), "no such run record (run `lab run \(entry.id)` first)") }
          continue
        }
        files += try entry.rerender(path(entry.id))
        summaries.append((entry.id, summary))
      }
    } catch { throw BadInput.fail("\(error)") }
    try AtomicWriter.write(files, into: output.out)
    try output.writeIndex()
    for (id, summary) in summaries {
      if format.json {
        let line: [String: Any] = ["experiment": id, "checks": summary.checks.count, "passed": summary.checks.filter { $0.status == .pass }.count,
                                   "quick": summary.invocation?.quick ?? false, "report": path(id, extension: "md")]
        print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
      } else {
        print("\(id): \(summary.verdict); re-rendered \(path(id, extension: "md"))")
      }
    }
    if summaries.isEmpty && !format.json { print("no run records in \(output.out); wrote \(path("index", extension: "md"))") }
    if !summaries.allSatisfy({ $0.summary.allPass }) { throw ExitCode.failure }
  }

  /// Joins the shard records named by `--merge` and writes the unsharded run's files and the index.
  private func mergeShards() throws {
    let only = selection.isNamed ? try selection.entries(allWhenEmpty: true) : nil
    var files: [(name: String, contents: Data)] = []
    let merged: [SweepMerge.Merged]
    do {
      merged = try SweepMerge.merge(paths: merge, only: only, command: CommandLine.arguments.joined(separator: " "))
      for run in merged { files += try run.product.render(run.provenance, run.invocation) }
    } catch { throw BadInput.fail("\(error)") }
    try AtomicWriter.write(files, into: output.out)
    try output.writeIndex()
    var allPass = true
    for run in merged {
      let passed = run.product.checks.filter { $0.status == .pass }.count, checks = run.product.checks.count
      allPass = allPass && passed == checks
      if format.json {
        let line: [String: Any] = ["experiment": run.id, "checks": checks, "passed": passed, "quick": run.invocation.quick,
                                   "report": path(run.id, extension: "md"), "shards": run.files]
        print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
      } else {
        print("\(run.id): \(passed) of \(checks) checks pass; merged \(run.files.count) shard\(run.files.count == 1 ? "" : "s") into \(path(run.id, extension: "md"))")
      }
    }
    if !allPass { throw ExitCode.failure }
  }

  private func path(_ id: String, extension ext: String = "json") -> String { output.path(id, extension: ext) }
}
