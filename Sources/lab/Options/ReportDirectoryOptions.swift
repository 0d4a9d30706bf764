import ArgumentParser
import Foundation
import LabExperiments
import LabFormats

/// `--out dir` of the commands that write or read reports and run records.
struct ReportDirectoryOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Directory of the reports, run records and index.md.", valueName: "dir"))
  var out: String = "notebooks-md"

  /// Writes `index.md` from the run records in the directory (a pure function of them).
  func writeIndex() throws {
    let markdown = ExperimentIndex.markdown(ExperimentIndex.statuses(in: out))
    try AtomicWriter.write([(ExperimentIndex.fileName, Data(markdown.utf8))], into: out)
  }

  /// The path of `<id>.<ext>` in the directory.
  func path(_ id: String, extension ext: String = "json") -> String {
    URL(fileURLWithPath: out).appendingPathComponent("\(id).\(ext)").path
  }
}
