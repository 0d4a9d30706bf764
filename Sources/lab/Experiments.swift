import Foundation
import LabExperiments

/// The experiments `lab run` knows, by name.
enum Experiments {
  static let names = ["hierarchy"]

  /// The experiment's toy: the file given with `--toy`, else the embedded default; `--seed` overrides its seed.
  static func hierarchyToy(_ options: CommonOptions) throws -> HierarchyToy {
    var toy = try options.toy.map { try ToyLoader.loadHierarchy(path: $0) } ?? HierarchyToy.default
    if let seed = options.seed { toy.seed = seed }
    return toy
  }

  /// Checks an experiment name, suggesting the nearest one.
  static func validate(_ name: String) -> String? {
    guard !names.contains(name) else { return nil }
    let nearest = names.min { EditDistance.between(name, $0) < EditDistance.between(name, $1) } ?? ""
    return "Unknown experiment '\(name)'. Did you mean '\(nearest)'? Known experiments: \(names.joined(separator: ", "))."
  }
}
