import ArgumentParser
import LabExperiments

/// Which experiments a command works on: names (validated, with "did you mean") or `--all`.
struct ExperimentSelection: ParsableArguments {
  @Argument(help: "Experiments (known: \(ExperimentRegistry.names.joined(separator: ", "))).")
  var experiments: [String] = []

  @Flag(name: .long, help: "Every registered experiment.")
  var all = false

  func validate() throws {
    if all && !experiments.isEmpty { throw ValidationError("Give experiment names or '--all', not both.") }
    for name in experiments { _ = try ExperimentRegistry.validatedEntry(name) }
  }

  /// Whether experiments were named (rather than `--all` or nothing).
  var isNamed: Bool { !all && !experiments.isEmpty }

  /// The selected entries, each once. With neither names nor `--all`, `allWhenEmpty` decides
  /// between every experiment and a validation error.
  func entries(allWhenEmpty: Bool) throws -> [ExperimentEntry] {
    if all || (experiments.isEmpty && allWhenEmpty) { return ExperimentRegistry.all }
    if experiments.isEmpty {
      throw ValidationError("Give at least one experiment (known: \(ExperimentRegistry.names.joined(separator: ", "))) or '--all'.")
    }
    var seen = Set<String>()
    return try experiments.compactMap { name in
      let entry = try ExperimentRegistry.validatedEntry(name)
      return seen.insert(entry.id).inserted ? entry : nil
    }
  }
}
