import ArgumentParser
import Foundation
import LabExperiments

/// `lab show <experiment>`: print the resolved toy (defaults applied, `--seed` override) as JSON,
/// or with `--sweep` its sweep points.
struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print an experiment's resolved toy as JSON.")

  @Argument(help: "The experiment to show (known: \(ExperimentRegistry.names.joined(separator: ", "))).")
  var experiment: String

  @OptionGroup var common: CommonOptions

  @Flag(name: .long, help: "Show the quick configuration `lab run --quick` uses.")
  var quick = false

  @Flag(name: .long, help: "Print the sweep points instead, one per line as 'p name' (p from 0; `--shard i/n` runs those with p mod n = i - 1).")
  var sweep = false

  func run() throws {
    let entry = try CommonOptions.entry(experiment)
    if sweep {
      guard let points = entry.sweep?.points else {
        throw BadInput.fail("'--sweep': '\(entry.id)' has no sweep (experiments with a sweep: \(SweepMerge.sweepNames)).")
      }
      do { for (p, name) in try points(common.toy, common.seed, quick).enumerated() { print("\(p) \(name)") } } catch { throw BadInput.fail("\(error)") }
      return
    }
    let toy: Data
    do { toy = try entry.resolvedToy(common.toy, common.seed, quick) } catch { throw BadInput.fail("\(error)") }
    print(String(decoding: toy, as: UTF8.self), terminator: "")
  }
}
