import ArgumentParser
import Foundation
import LabExperiments
import LabFormats

/// Options shared by the commands that write or read reports and run records.
struct ReportDirectoryOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Directory of the reports, run records and index.md.", valueName: "dir"))
  var out: String = "notebooks-md"

  @Flag(name: .long, help: "Print JSON on standard output (one line per experiment; `lab list`: one line) instead of text.")
  var json = false

  /// Writes `index.md` from the run records in the directory (a pure function of them).
  func writeIndex() throws {
    let markdown = ExperimentIndex.markdown(ExperimentIndex.statuses(in: out))
    try AtomicWriter.write([("index.md", Data(markdown.utf8))], into: out)
  }
}

/// Which experiments a command works on: names (validated, with "did you mean") or `--all`.
struct ExperimentSelection: ParsableArguments {
  @Argument(help: "Experiments (known: \(ExperimentRegistry.names.joined(separator: ", "))).")
  var experiments: [String] = []

  @Flag(name: .long, help: "Every registered experiment.")
  var all = false

  /// The selected entries; every unknown name is bad input naming the nearest one. With neither
  /// names nor `--all`, `allWhenEmpty` decides between every experiment and bad input.
  func entries(allWhenEmpty: Bool) throws -> [ExperimentEntry] {
    if all && !experiments.isEmpty { throw BadInput.fail("Give experiment names or '--all', not both.") }
    if all || (experiments.isEmpty && allWhenEmpty) { return ExperimentRegistry.all }
    if experiments.isEmpty { throw BadInput.fail("Give at least one experiment (known: \(ExperimentRegistry.names.joined(separator: ", "))) or '--all'.") }
    var seen = Set<String>()
    return try experiments.compactMap { name in
      let entry = try CommonOptions.entry(name)
      return seen.insert(entry.id).inserted ? entry : nil
    }
  }
}
