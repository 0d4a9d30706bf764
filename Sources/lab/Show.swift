import ArgumentParser
import Foundation
import LabExperiments

/// `lab show <experiment>`: print the resolved toy (defaults applied, `--seed` override) as JSON,
/// or with `--sweep` its sweep points.
struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Print an experiment's resolved toy as JSON.",
    discussion: """
      Examples:
        lab show hierarchy
        lab show hierarchy --quick --seed 7
        lab show suppression --sweep
      """)

  @Argument(help: "The experiment to show (known: \(ExperimentRegistry.names.joined(separator: ", "))).")
  var experiment: String

  @OptionGroup var toyFile: ToyOption

  @OptionGroup var seeding: SeedOption

  @Flag(name: .long, help: "Show the quick configuration `lab run --quick` uses.")
  var quick = false

  @Flag(name: .long, help: "Print the sweep points instead, one per line as 'p name' (p from 0; `--shard i/n` runs those with p mod n = i - 1).")
  var sweep = false

  func validate() throws {
    let entry = try ExperimentRegistry.validatedEntry(experiment)
    if sweep && entry.sweep == nil {
      throw ValidationError("'--sweep': '\(entry.id)' has no sweep (experiments with a sweep: \(SweepMerge.sweepNames)).")
    }
  }

  func run() throws {
    let entry = try ExperimentRegistry.validatedEntry(experiment)
    if sweep, let points = entry.sweep?.points {
      do { for (p, name) in try points(toyFile.toy, seeding.seed, quick).enumerated() { print("\(p) \(name)") } } catch { throw BadInput.fail("\(error)") }
      return
    }
    let resolved: Data
    do { resolved = try entry.resolvedToy(toyFile.toy, seeding.seed, quick) } catch { throw BadInput.fail("\(error)") }
    print(String(decoding: resolved, as: UTF8.self), terminator: "")
  }
}
