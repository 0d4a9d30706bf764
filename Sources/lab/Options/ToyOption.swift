import ArgumentParser
import LabExperiments

/// `--toy path`, shared by the commands that run or show one experiment.
struct ToyOption: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Toy file to use instead of the embedded default.", valueName: "path"))
  var toy: String?
}

extension ExperimentRegistry {
  /// The experiment named `name`; an unknown name is a validation error naming the nearest one.
  static func validatedEntry(_ name: String) throws -> ExperimentEntry {
    switch entry(name) {
    case .success(let entry): return entry
    case .failure(let error): throw ValidationError(error.message)
    }
  }
}
