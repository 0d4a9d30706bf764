import Foundation
import LabGenerators
import LabChecks

/// A finished experiment: its verdict table and a renderer for its files, which receives the
/// provenance (known only after the run) and the invocation (the command that reproduces it).
public struct ExperimentProduct {
  /// The verdict table.
  public var checks: [CheckResult]
  /// The files to write: `<id>.md`, `<id>.json` and any figures, as (file name, contents).
  public var render: (_ provenance: Provenance, _ invocation: RunInvocation) throws -> [(name: String, contents: Data)]

  /// A product from its checks and its renderer.
  public init(checks: [CheckResult], render: @escaping (Provenance, RunInvocation) throws -> [(name: String, contents: Data)]) {
    self.checks = checks
    self.render = render
  }
}

/// One experiment `lab run`, `lab show`, `lab list` and `lab report` know.
public struct ExperimentEntry: Sendable {
  /// The CLI name.
  public let id: String
  /// The one-line description (the default toy's title).
  public let title: String
  /// Loads the toy (from `toyPath`, else the embedded default), applies the seed override and,
  /// when `quick`, ``ExperimentToy/quick()``, and returns its canonical JSON; throws
  /// ``ToyFileError`` on a bad file.
  public let resolvedToy: @Sendable (_ toyPath: String?, _ seed: UInt64?, _ quick: Bool) throws -> Data
  /// Runs the experiment on the resolved toy; `progress` receives one short line per stage.
  public let run: @Sendable (_ toyPath: String?, _ seed: UInt64?, _ quick: Bool, _ progress: (String) -> Void) throws -> (seed: UInt64, product: ExperimentProduct)
  /// Re-renders the report files (Markdown and figures, not the record) from the run record
  /// saved at the given path; throws ``RunRecordError`` on a record that cannot be used.
  public let rerender: @Sendable (_ recordPath: String) throws -> [(name: String, contents: Data)]
  /// The experiment's sweep (`lab run --sweep --shard`, `lab report --merge`); nil when it has none.
  public internal(set) var sweep: ExperimentSweep? = nil

  /// An entry for the experiment whose toy type is `Toy`, whose run record is `Record` and whose
  /// runner is `runner`.
  static func make<Toy: ExperimentToy, Record: ExperimentRecord>(
    _ type: Toy.Type, record: Record.Type, _ runner: @escaping @Sendable (Toy, (String) -> Void) throws -> ExperimentProduct
  ) -> ExperimentEntry where Record.Toy == Toy {
    let id = Toy.default.id
    return ExperimentEntry(
      id: id,
      title: Toy.default.title,
      resolvedToy: { path, seed, quick in try ToyLoader.encode(resolve(Toy.self, path, seed, quick)) },
      run: { path, seed, quick, progress in
        let toy = try resolve(Toy.self, path, seed, quick)
        return (toy.seed, try runner(toy, progress))
      },
      rerender: { path in try RunRecords.load(Record.self, id: id, path: path).reportFiles() })
  }

  /// The toy from `path` (else the embedded default), reduced by ``ExperimentToy/quick()`` when
  /// `quick`, with the seed override applied; a toy file is refused when the toy that will run needs
  /// more memory than the machine has.
  static func resolve<Toy: ExperimentToy>(_ type: Toy.Type, _ path: String?, _ seed: UInt64?, _ quick: Bool) throws -> Toy {
    var toy = try path.map { try ToyLoader.load(Toy.self, path: $0) } ?? Toy.default
    if quick { toy = toy.quick() }
    if let path { try ToyLoader.requireMemory(toy, path: path) }
    if let seed { toy.seed = seed }
    return toy
  }
}

/// The experiments of the lab, by name.
public enum ExperimentRegistry {
  /// Every experiment, in the order `lab run --help` lists them.
  public static let all: [ExperimentEntry] = [
    .make(HierarchyToy.self, record: HierarchyRecord.self) { toy, progress in try HierarchyExperiment.product(toy, progress: progress) },
    .make(StarToy.self, record: StarExperiment.Record.self) { toy, _ in try StarExperiment.product(toy) },
    .make(ExclusiveToy.self, record: ExclusiveExperiment.Record.self) { toy, progress in try ExclusiveExperiment.product(toy, progress: progress) },
    .make(WideLimitToy.self, record: WideLimitExperiment.Record.self) { toy, progress in try WideLimitExperiment.product(toy, progress: progress) },
    .make(OneDToy.self, record: OneDExperiment.Record.self) { toy, progress in try OneDExperiment.product(toy, progress: progress) },
    .sweep(UniversalityExperiment.self),
    .sweep(AbsorptionExperiment.self),
    .sweep(FrontierExperiment.self),
    .sweep(SuppressionExperiment.self),
    .sweep(NSAEExperiment.self),
    .sweep(IntuitiveExperiment.self),
    .sweep(RealActivationsExperiment.self),
    .sweep(SynthBenchExperiment.self),
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

  /// The decoder that reads what ``encode(_:)`` wrote, non-finite numbers included.
  static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return try decoder.decode(type, from: data)
  }
}
