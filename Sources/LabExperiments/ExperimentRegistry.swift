import Foundation
import LabGenerators
import LabChecks

/// A finished experiment: its verdict table and a renderer for its files, which receives the
/// provenance (known only after the run) and the command that reproduces it.
public struct ExperimentProduct {
  /// The verdict table.
  public var checks: [CheckResult]
  /// The files to write: `<id>.md`, `<id>.json` and any figures, as (file name, contents).
  public var render: (_ provenance: Provenance, _ reproduce: String) throws -> [(name: String, contents: Data)]

  /// A product from its checks and its renderer.
  public init(checks: [CheckResult], render: @escaping (Provenance, String) throws -> [(name: String, contents: Data)]) {
    self.checks = checks
    self.render = render
  }
}

/// One experiment `lab run` and `lab show` know.
public struct ExperimentEntry: Sendable {
  /// The CLI name.
  public let id: String
  /// Loads the toy (from `toyPath`, else the embedded default), applies the seed override,
  /// and returns its canonical JSON; throws ``ToyFileError`` on a bad file.
  public let resolvedToy: @Sendable (_ toyPath: String?, _ seed: UInt64?) throws -> Data
  /// Runs the experiment on the resolved toy; `progress` receives one short line per stage.
  public let run: @Sendable (_ toyPath: String?, _ seed: UInt64?, _ progress: (String) -> Void) throws -> (seed: UInt64, product: ExperimentProduct)

  /// An entry for the experiment whose toy type is `Toy` and whose runner is `runner`.
  static func make<Toy: ExperimentToy>(_ type: Toy.Type, _ runner: @escaping @Sendable (Toy, (String) -> Void) throws -> ExperimentProduct) -> ExperimentEntry {
    @Sendable func resolve(_ path: String?, _ seed: UInt64?) throws -> Toy {
      var toy = try path.map { try ToyLoader.load(Toy.self, path: $0) } ?? Toy.default
      if let seed { toy.seed = seed }
      return toy
    }
    return ExperimentEntry(
      id: Toy.default.id,
      resolvedToy: { path, seed in try ToyLoader.encode(resolve(path, seed)) },
      run: { path, seed, progress in
        let toy = try resolve(path, seed)
        return (toy.seed, try runner(toy, progress))
      })
  }
}

/// The experiments of the lab, by name.
public enum ExperimentRegistry {
  /// Every experiment, in the order `lab run --help` lists them.
  public static let all: [ExperimentEntry] = [
    .make(HierarchyToy.self) { toy, progress in try HierarchyExperiment.product(toy, progress: progress) },
    .make(StarToy.self) { toy, _ in try StarExperiment.product(toy) },
    .make(ExclusiveToy.self) { toy, progress in try ExclusiveExperiment.product(toy, progress: progress) },
    .make(WideLimitToy.self) { toy, progress in try WideLimitExperiment.product(toy, progress: progress) },
    .make(OneDToy.self) { toy, progress in try OneDExperiment.product(toy, progress: progress) },
    .make(UniversalityToy.self) { toy, progress in try UniversalityExperiment.product(toy, progress: progress) },
    .make(AbsorptionToy.self) { toy, progress in try AbsorptionExperiment.product(toy, progress: progress) },
    .make(FrontierToy.self) { toy, progress in try FrontierExperiment.product(toy, progress: progress) },
  ]

  /// The names.
  public static var names: [String] { all.map(\.id) }

  /// The entry named `name`, or a message suggesting the nearest name.
  public static func entry(_ name: String) -> Result<ExperimentEntry, ExperimentNameError> {
    if let entry = all.first(where: { $0.id == name }) { return .success(entry) }
    let nearest = Nearest.name(to: name, in: names)
    return .failure(ExperimentNameError(message: "Unknown experiment '\(name)'. Did you mean '\(nearest)'? Known experiments: \(names.joined(separator: ", "))."))
  }
}

/// An experiment name `lab` does not know.
public struct ExperimentNameError: Error, CustomStringConvertible {
  /// The message, with the nearest known name.
  public let message: String
  public var description: String { message }
}

/// The JSON encoding every run record uses: sorted keys, non-finite numbers as strings.
enum RecordEncoding {
  static func encode<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return try encoder.encode(value) + Data("\n".utf8)
  }
}
