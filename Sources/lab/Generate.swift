import ArgumentParser
import Foundation
import LabExperiments
import LabFormats
import LabNumerics
import LabGenerators

/// `lab generate`: sample a world toy (or a SAELens synthetic model) and write the data with its
/// ground truth as `.npy`, or write a toy as a SAELens synthetic-model directory.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Sample a world toy or a SAELens synthetic model; write .npy data and ground truth, or a SAELens directory.",
    discussion: """
      lab generate <toy> --out DIR        X.npy, codes.npy, dictionary.npy, bias.npy (if any), world.json
      lab generate <toy> --saelens-out DIR   synthetic_model_config.json, synthetic_model.safetensors, hierarchy.json
      lab generate --from-saelens DIR --samples N --out OUT   X.npy (N×H), codes.npy (N×F), saelens-sample.json

      Examples:
        lab generate tree --out world
        lab generate tree --samples 1000 --seed 7 --precision float64 --out world
        lab generate tree --saelens-out tree-model
        lab generate --from-saelens tree-model --samples 1000 --out sampled
        lab generate --from-saelens tree-model --samples 200000 --codes sparse --out sampled
      """)

  @Argument(help: ArgumentHelp("A world toy file, or the name of a built-in one (e.g. 'tree'; see --list).", valueName: "toy"))
  var toy: String?

  @Flag(name: .long, help: "List the built-in world toys (name, kind, features, dimension, title) and exit.")
  var list = false

  @Option(name: .long, help: ArgumentHelp("Output directory for the .npy files.", valueName: "dir"))
  var out: String?

  @Option(name: .long, help: ArgumentHelp("Also write the toy as a SAELens synthetic-model directory.", valueName: "dir"))
  var saelensOut: String?

  @Option(name: .long, help: ArgumentHelp("Sample this SAELens synthetic-model directory instead of a toy.", valueName: "dir"))
  var fromSaelens: String?

  @Option(name: .long, help: ArgumentHelp("Number of samples N (default: the toy's sampleCount).", valueName: "n"))
  var samples: Int?

  @OptionGroup var seeding: SeedOption

  @Option(name: .long, help: "Stored precision.")
  var precision: NumPyArray.ElementType = .float32

  @Option(name: .long, help: ArgumentHelp("The true codes: codes.npy (dense), codes.npz (SciPy CSR of the non-zeros) or none.",
                                          valueName: "dense|sparse|none"))
  var codes: TrueCodes = .dense

  @OptionGroup var threading: ThreadOptions

  @Option(name: .long, help: ArgumentHelp(
    "Where the samples are drawn from: one random stream for all (single, the default, drawn on one thread) or a stream per batch of \(WorldGenerator.defaultBatchSize) samples (per-batch, batches drawn on the --threads threads; other samples, the same distribution, the same bytes for every thread count).",
    valueName: "single|per-batch"))
  var randomStreams: RandomStreams = .single

  @OptionGroup var progress: ProgressOptions

  /// The description `--from-saelens` writes beside the samples.
  static let sampleRecordFile = "saelens-sample.json"

  /// The sample counts `--samples` accepts.
  static let sampleCounts = 1...100_000_000

  /// The root seed of `--seed`, if given (else the toy's or the model's).
  var seed: UInt64? { seeding.seed }

  func validate() throws {
    if list {
      guard toy == nil, out == nil, saelensOut == nil, fromSaelens == nil else { throw ValidationError("'--list' takes no toy and no output") }
      return
    }
    if let samples, !Self.sampleCounts.contains(samples) {
      throw ValidationError("'--samples' must be in \(Self.sampleCounts.lowerBound)...\(Self.sampleCounts.upperBound), got \(samples)")
    }
    if fromSaelens != nil {
      guard toy == nil, saelensOut == nil else { throw ValidationError("'--from-saelens' takes no toy and no '--saelens-out'") }
      guard out != nil, samples != nil else { throw ValidationError("'--from-saelens' needs '--out DIR' and '--samples N'") }
      return
    }
    guard toy != nil else { throw ValidationError("give a toy (a file or a built-in name, see '--list'), or '--from-saelens DIR'") }
    guard out != nil || saelensOut != nil else { throw ValidationError("give '--out DIR', '--saelens-out DIR' or both") }
  }

  func run() throws {
    if list { return try printList() }
    let sampled = fromSaelens == nil ? WorldExport.fileNames : WorldExport.streamedFiles + [Self.sampleRecordFile]
    let outputs = [out.map { OutputTarget.directory("--out", $0, names: sampled) },
                   saelensOut.map { OutputTarget.directory("--saelens-out", $0, names: SAELensSyntheticModel.fileNames) }]
    // The toy as a file, or as toys/<name>.json here (``load(_:)``), and the sampled SAELens directory.
    let inputs = [toy, toy.map { "toys/\($0).json" }, fromSaelens].compactMap { $0 }
    try OutputCheck.validate(outputs.compactMap { $0 }, inputs: inputs)
    BLAS.setThreadCount(threading.threads)
    let bar = ProgressBar(total: 1, enabled: progress.showsBar)
    defer { bar.finish() }
    bar.update(completed: 0, label: "sampling")
    let elementType = precision
    if let fromSaelens, let out, let samples {
      try sampleSAELens(fromSaelens, count: samples, precision: elementType, codes: codes.format, bar: bar, into: out)
      return
    }
    guard let toy else { preconditionFailure("validate() requires a toy without --from-saelens") }
    var loaded: WorldToy
    do { loaded = try Self.load(toy) } catch { throw BadInput.fail("\(error)") }
    if let samples { loaded.sampleCount = samples }
    if let seed { loaded.seed = seed }
    let world = loaded.world.world, (f, m) = (world.featureCount, world.embedding.inputDimension)
    // The F × m dictionary three times (the directions, the dictionary, its written copy) in float64.
    try MemoryCheck.require("\(toy): a world of \(f) features in dimension \(m)", [(MemoryBudget.product(f, m), 3 * 8)])
    if let saelensOut {
      do { try SAELensSyntheticModel(toy: loaded).write(to: saelensOut) } catch let error as WorldError { throw BadInput.fail("\(toy): \(error)") }
      bar.print("\(loaded.id): wrote a SAELens synthetic model to \(saelensOut) (seed \(loaded.seed))")
    }
    if let out {
      let description: WorldExport.Description
      do {
        // Dense codes or none: sizes known from the toy, checked before the world is prepared.
        if codes != .sparse {
          let rowsPerDraw = WorldGenerator.rowsPerDraw(batchSize: WorldGenerator.defaultBatchSize, streams: randomStreams, threads: threading.threads)
          try Self.requireRoom(GenerateRoom(count: loaded.sampleCount, features: f, dimension: m, precision: elementType, codes: codes.format,
                                            entriesPerSample: 0, batchSize: rowsPerDraw, groundTruth: true), out: out)
        }
        var generator = try WorldGenerator(world: world, seed: loaded.seed, streams: randomStreams)
        generator.threads = threading.threads
        if codes == .sparse {
          try Self.requireRoom(generator, count: loaded.sampleCount, precision: elementType, codes: codes.format, groundTruth: true, out: out)
        }
        description = try WorldExport.write(loaded, generator: generator, precision: elementType, codes: codes.format, into: out)
      } catch let error as WorldError {
        throw BadInput.fail("\(toy): \(error)")
      }
      let shapes = description.files.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map(String.init).joined(separator: "×"))" }
      bar.print("\(loaded.id): wrote \(shapes.joined(separator: ", ")) and world.json to \(out) (seed \(loaded.seed), \(precision.rawValue))")
    }
  }

  /// Samples a SAELens directory with SAELens's semantics into `out`.
  private func sampleSAELens(_ directory: String, count: Int, precision: NumPyArray.ElementType, codes: CodesFormat?, bar: ProgressBar,
                             into out: String) throws {
    let model: SAELensSyntheticModel
    var generator: WorldGenerator
    do {
      model = try SAELensSyntheticModel(directory: directory)
      generator = try model.generator(seed: seed ?? model.seed, streams: randomStreams)
    } catch { throw BadInput.fail("\(error)") }
    generator.threads = threading.threads
    try Self.requireRoom(generator, count: count, precision: precision, codes: codes, groundTruth: false, out: out)
    // The samples, their codes and the description commit together.
    var files: [String: [Int]] = [:]
    try AtomicWriter.write(into: out) { staging in
      files = try WorldExport.stream(&generator, count: count, precision: precision, codes: codes, into: &staging)
      var description: [String: Any] = [
        "source": directory, "seed": Int(truncatingIfNeeded: seed ?? model.seed), "sampleCount": count, "precision": precision.rawValue,
        "batchSize": generator.batchSize, "files": files,
      ]
      if generator.streams != .single { description["randomStreams"] = generator.streams.rawValue }
      let data = try JSONSerialization.data(withJSONObject: description, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
      try staging.add(Self.sampleRecordFile, data + Data("\n".utf8))
    }
    let written = files.keys.sorted().map { "\($0) \(files[$0]!.map(String.init).joined(separator: "×"))" }.joined(separator: " and ")
    bar.print("wrote \(written) sampled from \(directory) to \(out)")
  }

  /// Exit code 2, before any sample is drawn, when `count` samples of `generator` in `precision`
  /// (with the codes in `codes`, and the dictionary and bias when `groundTruth`) need more disk than
  /// `out`'s file system has free, or more memory than is available (``GenerateRoom``).
  static func requireRoom(_ generator: WorldGenerator, count: Int, precision: NumPyArray.ElementType, codes: CodesFormat?,
                          groundTruth: Bool, out: String) throws {
    let entries = codes == .sparse ? GenerateRoom.entriesPerSample(generator, count: count) : 0
    try requireRoom(GenerateRoom(count: count, features: generator.dictionary.rows, dimension: generator.dictionary.columns, precision: precision,
                                 codes: codes, entriesPerSample: entries, batchSize: generator.rowsPerDraw, groundTruth: groundTruth), out: out)
  }

  /// Exit code 2 when `room` does not fit the disk of `out` or the memory.
  static func requireRoom(_ room: GenerateRoom, out: String) throws {
    if let problem = room.problem(option: "--out", directory: out) { throw BadInput.fail(problem) }
  }

  /// Prints one line per built-in world toy.
  private func printList() throws {
    for (name, json) in EmbeddedWorldToys.all {
      let toy = try WorldToyLoader.load(data: Data(json.utf8), path: "toys/\(name).json (built in)")
      let world = toy.world.world
      print("\(name)\t\(type(of: world).kind)\t\(world.featureCount) features\t\(world.embedding.inputDimension) dimensions\t\(toy.title)")
    }
  }

  /// The world toy `toy`: a file as given if it exists, else `toys/<name>.json` in the current
  /// directory, else the built-in toy of that name (``EmbeddedWorldToys``); an unknown name gets the
  /// nearest built-in one. A directory is not a toy file, so the folder `lab generate tree --out tree`
  /// wrote does not hide the built-in `tree`.
  static func load(_ toy: String) throws -> WorldToy {
    var directory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: toy, isDirectory: &directory)
    if exists && (!directory.boolValue || EmbeddedWorldToys.json(named: toy) == nil) { return try WorldToyLoader.load(path: toy) }
    let local = "toys/\(toy).json"
    if FileManager.default.fileExists(atPath: local) { return try WorldToyLoader.load(path: local) }
    if let json = EmbeddedWorldToys.json(named: toy) {
      return try WorldToyLoader.load(data: Data(json.utf8), path: "\(local) (built in)")
    }
    let names = EmbeddedWorldToys.all.map(\.name)
    let nearest = Nearest.name(to: toy, in: names)
    throw ToyFileError(path: toy, "no such file and no world toy of that name. Did you mean '\(nearest)'? World toys: \(names.joined(separator: ", "))")
  }

}

/// `lab generate --codes`: where the true codes go.
enum TrueCodes: String, CaseIterable, ExpressibleByArgument {
  /// `codes.npy`, N × F in the stored precision.
  case dense
  /// `codes.npz`, the non-zeros as a SciPy CSR matrix.
  case sparse
  /// Not written.
  case none

  /// The file format, `nil` for none.
  var format: CodesFormat? {
    switch self {
    case .dense: .dense
    case .sparse: .sparse
    case .none: nil
    }
  }
}
