import ArgumentParser
import Foundation
import LabExperiments

/// `lab show <experiment>`: print the resolved toy (defaults applied, `--seed` override) as JSON.
struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print an experiment's resolved toy as JSON.")

  @Argument(help: "The experiment to show (known: \(ExperimentRegistry.names.joined(separator: ", "))).")
  var experiment: String

  @OptionGroup var common: CommonOptions

  @Flag(name: .long, help: "Show the quick configuration `lab run --quick` uses.")
  var quick = false

  func run() throws {
    let entry = try CommonOptions.entry(experiment)
    let toy: Data
    do { toy = try entry.resolvedToy(common.toy, common.seed, quick) } catch { throw BadInput.fail("\(error)") }
    print(String(decoding: toy, as: UTF8.self), terminator: "")
  }
}
