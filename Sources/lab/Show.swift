import ArgumentParser
import Foundation
import LabExperiments

/// `lab show <experiment>`: print the resolved toy (defaults applied, `--seed` override) as JSON.
struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print an experiment's resolved toy as JSON.")

  @Argument(help: "The experiment to show.")
  var experiment: String

  @OptionGroup var common: CommonOptions

  func run() throws {
    if let problem = Experiments.validate(experiment) { throw BadInput.fail(problem) }
    let toy: HierarchyToy
    do { toy = try Experiments.hierarchyToy(common) } catch { throw BadInput.fail("\(error)") }
    print(String(decoding: try ToyLoader.encode(toy), as: UTF8.self), terminator: "")
  }
}
