import ArgumentParser
import LabExperiments

/// Options shared by the commands that run experiments.
struct CommonOptions: ParsableArguments {
  @Option(name: .long, help: "Root seed; overrides the toy's seed and is recorded in the report.")
  var seed: UInt64?

  @Option(name: .long, help: ArgumentHelp("Toy file to use instead of the embedded default.", valueName: "path"))
  var toy: String?

  @Option(name: .long, help: ArgumentHelp("OpenBLAS thread count.", valueName: "n"))
  var threads: Int = 2

  func validate() throws {
    guard (1...64).contains(threads) else { throw ValidationError("'--threads' must be in 1...64, got \(threads).") }
  }

  /// The experiment named `name`; an unknown name is bad input naming the nearest one.
  static func entry(_ name: String) throws -> ExperimentEntry {
    switch ExperimentRegistry.entry(name) {
    case .success(let entry): return entry
    case .failure(let error): throw BadInput.fail(error.message)
    }
  }
}
