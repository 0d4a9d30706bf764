import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabTraining

/// Runs the synth-bench experiment (see ``SynthBenchToy``): every SAE (seed × architecture × target
/// L0) is one sweep point, trained on samples streamed from its seed's world and scored on fresh
/// held-out samples of that world; ``record(_:results:)`` decides the checks and the findings over
/// the seeds.
public enum SynthBenchExperiment {
  /// One trained SAE, scored as SynthSAEBench scores it.
  public struct SAEResult: Codable, Sendable, Equatable {
    /// Its sweep point's name, `seed-r/<architecture>/L0=<k>`.
    public var name: String
    /// The seed (0-based).
    public var replicate: Int
    public var architecture: SynthBenchToy.Architecture
    public var targetL0: Int
    /// The metrics of the SAE as saved and read back (as sae-lens loads it: batchtopk and
    /// matryoshka with the JumpReLU threshold, not the batch-wide top-k of training).
    public var metrics: SynthBenchMetrics
    /// batchtopk and matryoshka: the same metrics with the training-time encoder (the k·B largest
    /// codes of each batch of B evaluation rows).
    public var trainingEncoder: SynthBenchMetrics?
    /// relu-l1 and jumprelu: the sparsity coefficient the target-L0 controller ended at.
    public var sparsityCoefficient: Double?
    /// batchtopk and matryoshka: the learned inference threshold θ.
    public var threshold: Double?
    /// The step at which training stopped because a value stopped being finite; nil when it ran to the end.
    public var divergedAtStep: Int?
    /// The first point of the sweep only: whether training it a second time gave the same bits
    /// (weights and metrics).
    public var reproducedBits: Bool?
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = SynthBenchToy
    public static var hasFindings: Bool { true }
    /// Every SAE of every seed, in sweep order.
    public var saes: [SAEResult]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// Training samples generated (and converted to float32) at once: a bounded buffer, whatever the run's length.
  static let chunkRows = 65_536
  /// Evaluation samples encoded at once (batch-wide top-k uses the training batch size instead).
  static let evaluationChunkRows = 4096

  /// The named sub-seeds of one seed of the run.
  static func seeds(_ toy: SynthBenchToy, replicate: Int) -> SeedTree {
    SeedTree(root: Replicates.seed(root: toy.seed, index: replicate))
  }

  /// The sub-seed paths of a seed: the world, its two sample streams and every SAE's training.
  static func seedPaths(_ toy: SynthBenchToy) -> [String] {
    ["world", "samples/training", "samples/evaluation"] + toy.architectures.flatMap { a in toy.targetL0s.map { trainingPath(a, $0) } }
  }

  static func trainingPath(_ architecture: SynthBenchToy.Architecture, _ k: Int) -> String { "train/\(architecture)/L0=\(k)" }

  /// The point names of one seed: every architecture at every target L0.
  static func seedPoints(_ toy: SynthBenchToy) -> [String] {
    toy.architectures.flatMap { a in toy.targetL0s.map { "\(a)/L0=\($0)" } }
  }

  /// What sweep point `index` trains.
  static func point(_ index: Int, of toy: SynthBenchToy) -> (replicate: Int, architecture: SynthBenchToy.Architecture, targetL0: Int) {
    let perSeed = toy.architectures.count * toy.targetL0s.count, local = index % perSeed
    return (index / perSeed, toy.architectures[local / toy.targetL0s.count], toy.targetL0s[local % toy.targetL0s.count])
  }

  /// The architecture of `lab train --arch <architecture> --k <k>` with the configuration's inner
  /// widths; jumprelu's controller starts at sae-lens's `l0_coefficient` default (`lab train` starts
  /// it at 0.01) and its thresholds learn at the configuration's factor × lr.
  static func architecture(_ architecture: SynthBenchToy.Architecture, k: Int, _ c: SynthBenchToy.Configuration) throws -> any SAEArchitecture {
    let options = ArchitectureOptions(k: k, prefixes: architecture == .matryoshka ? c.prefixes : nil)
    let made = try ArchitectureRegistry.make(kind: architecture.kind, options: options, width: c.width).get()
    guard made is JumpReLUTrainingArchitecture else { return made }
    let controller = TargetL0Controller(target: k, initialCoefficient: JumpReLUTrainingArchitecture.initialCoefficient)
    return JumpReLUTrainingArchitecture(width: c.width, coefficient: controller.coefficient, controller: controller,
                                        thresholdLearningRateFactor: c.thresholdLearningRateFactor)
  }

  /// The training configuration of one SAE: `lab train`'s defaults with the configuration's recipe,
  /// and for batchtopk and matryoshka SAELens's auxiliary loss on the dead latents (k_aux = d/2).
  static func configuration(_ architecture: SynthBenchToy.Architecture, k: Int, _ c: SynthBenchToy.Configuration, seed: UInt64) throws -> TrainingConfiguration {
    let auxK = architecture.selectsBatchTopK ? min(c.width, max(1, c.world.embedding.inputDimension / 2)) : nil
    return TrainingConfiguration(architecture: try Self.architecture(architecture, k: k, c), width: c.width, batchSize: c.batchSize,
                                 steps: c.steps, learningRate: c.learningRate, seed: seed, auxK: auxK)
  }

  /// The world of one seed, and generators of its training and evaluation streams (independent
  /// sub-seeds of the same prepared world).
  static func world(_ toy: SynthBenchToy, replicate: Int) throws -> (world: WorldGenerator, training: WorldGenerator, evaluation: WorldGenerator) {
    let c = toy.active, tree = seeds(toy, replicate: replicate)
    let world = try WorldGenerator(world: c.world, seed: tree.seed(for: "world"), batchSize: c.batchSize)
    func stream(_ path: String) -> WorldGenerator {
      WorldGenerator(sampler: world.sampler, dictionary: world.dictionary, bias: world.bias, noise: world.noise, seed: tree.seed(for: path),
                     batchSize: c.batchSize)
    }
    return (world, stream("samples/training"), stream("samples/evaluation"))
  }

  /// The next `rows` samples of `generator` in float32, drawn a batch at a time (the dense true
  /// codes of a batch are the largest buffer).
  static func samples(_ generator: inout WorldGenerator, rows: Int) -> Matrix<Float> {
    let m = generator.dictionary.columns
    var storage: [Float] = []
    storage.reserveCapacity(rows * m)
    var done = 0
    while done < rows {
      let count = min(generator.batchSize, rows - done)
      storage += generator.next(count).samples.storage.map(Float.init)
      done += count
    }
    return Matrix(rows: rows, columns: m, storage: storage)
  }

  /// Trains one SAE on samples streamed from `stream`: each chunk of fresh samples is one epoch of
  /// the trainer's sampler, so every sample is used once, as SynthSAEBench trains on a generator.
  static func train(_ configuration: TrainingConfiguration, stream: WorldGenerator) -> (autoencoder: SparseAutoencoder<Float>, diverged: Int?) {
    var stream = stream
    let b = configuration.batchSize, chunkSteps = max(1, min(configuration.steps, chunkRows / b))
    var chunk = samples(&stream, rows: chunkSteps * b)
    var state = Trainer.initialState(configuration, data: chunk)
    while state.step < configuration.steps {
      if state.step > 0 { chunk = samples(&stream, rows: chunkSteps * b) }
      if let divergence = Trainer.run(&state, configuration, data: chunk, until: state.step + chunkSteps) {
        return (SparseAutoencoder(architecture: state.architecture, parameters: state.parameters), divergence.step)
      }
    }
    return (SparseAutoencoder(architecture: state.architecture, parameters: state.parameters), nil)
  }

  /// The SAE as saved in SAELens's format and read back (what sae-lens and `lab eval` load).
  static func asSaved(_ autoencoder: SparseAutoencoder<Float>, name: String) throws -> SparseAutoencoder<Float> {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("synth-bench-\(ProcessInfo.processInfo.processIdentifier)-\(name.replacingOccurrences(of: "/", with: "-"))").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try SAELensFormat.write(autoencoder, to: directory)
    return try SAELensFormat.read(from: directory)
  }

  /// SynthSAEBench's metrics of `autoencoder` on the first `count` samples of `stream`, `chunk` rows encoded at a time.
  static func evaluate(_ autoencoder: SparseAutoencoder<Float>, world: WorldGenerator, stream: WorldGenerator, count: Int, chunk: Int) -> SynthBenchMetrics {
    var stream = stream
    var drawn = 0
    let m = world.dictionary.columns
    return SynthBenchEvaluation.evaluate(autoencoder, truth: world.dictionary, parents: world.sampler.structure.parents) {
      guard drawn < count else { return nil }
      let rows = min(chunk, count - drawn)
      drawn += rows
      let batch = stream.next(rows)
      return (Matrix(rows: rows, columns: m, storage: batch.samples.storage.map(Float.init)), batch.codes)
    }.metrics
  }

  /// Trains and scores the SAE of sweep point `index`.
  static func runSAE(_ index: Int, of toy: SynthBenchToy, progress: (String) -> Void) throws -> SAEResult {
    let (replicate, kind, k) = point(index, of: toy)
    let c = toy.active, name = "seed-\(replicate)/\(kind)/L0=\(k)"
    progress("\(name): training \(c.steps) steps of \(c.batchSize)")
    let (world, training, evaluation) = try world(toy, replicate: replicate)
    let configuration = try configuration(kind, k: k, c, seed: seeds(toy, replicate: replicate).seed(for: trainingPath(kind, k)))
    let (trained, diverged) = train(configuration, stream: training)
    var reproduced: Bool?
    if index == 0 {
      progress("\(name): training again for the determinism check")
      let again = train(configuration, stream: training).autoencoder
      reproduced = again.parameters.values == trained.parameters.values && again.architecture.saeLensExtraTensors(width: c.width).map(\.values)
        == trained.architecture.saeLensExtraTensors(width: c.width).map(\.values)
    }
    progress("\(name): scoring on \(c.evaluationSamples) held-out samples")
    let saved = try asSaved(trained, name: name)
    let metrics = evaluate(saved, world: world, stream: evaluation, count: c.evaluationSamples, chunk: evaluationChunkRows)
    var trainingEncoder: SynthBenchMetrics?, threshold: Double?, coefficient: Double?
    if let batchTopK = (trained.architecture as? BatchTopKArchitecture) ?? (trained.architecture as? MatryoshkaBatchTopKArchitecture)?.batchTopK {
      threshold = batchTopK.threshold
      let encoder = SparseAutoencoder(architecture: BatchTopKTrainingEncoder(k: batchTopK.k), parameters: trained.parameters)
      trainingEncoder = evaluate(encoder, world: world, stream: evaluation, count: c.evaluationSamples, chunk: c.batchSize)
    }
    if let jumpReLU = trained.architecture as? JumpReLUTrainingArchitecture { coefficient = jumpReLU.coefficient }
    if let reluL1 = trained.architecture as? ReLUL1Architecture, reluL1.controller != nil { coefficient = reluL1.l1Coefficient }
    return SAEResult(name: name, replicate: replicate, architecture: kind, targetL0: k, metrics: metrics, trainingEncoder: trainingEncoder,
                     sparsityCoefficient: coefficient, threshold: threshold, divergedAtStep: diverged, reproducedBits: reproduced)
  }
}

extension SynthBenchExperiment: SweepExperiment {
  public typealias PointResult = SAEResult

  /// `seed-r/<architecture>/L0=<k>` for every seed, architecture and target L0.
  public static func sweepPoints(_ toy: SynthBenchToy) -> [String] {
    (0..<toy.active.replicates).flatMap { r in seedPoints(toy).map { "seed-\(r)/\($0)" } }
  }

  public static func runPoint(_ index: Int, of toy: SynthBenchToy, progress: (String) -> Void) throws -> SAEResult {
    try runSAE(index, of: toy, progress: progress)
  }

  /// Every SAE, the checks and the findings decided over the seeds.
  public static func record(_ toy: SynthBenchToy, results: [SAEResult]) throws -> Record {
    let names = sweepPoints(toy)
    guard results.count == names.count else {
      throw SweepPointError(index: min(results.count, names.count), "is missing: \(results.count) results for \(names.count) points")
    }
    for (index, result) in results.enumerated() where result.name != names[index] {
      throw SweepPointError(index: index, "holds \(result.name), expected \(names[index])")
    }
    let perSeed = (0..<toy.active.replicates).map { r in results.filter { $0.replicate == r } }
    var seeds: [String: UInt64] = [:]
    for r in 0..<toy.active.replicates {
      let tree = self.seeds(toy, replicate: r)
      for path in seedPaths(toy) { seeds["seed-\(r)/\(path)"] = tree.seed(for: path) }
    }
    return Record(toy: toy, seeds: seeds, results: Results(saes: results), checks: SynthBenchVerdict.checks(toy, results),
                  findings: SourceFinding.decide(perSeed.map { SynthBenchVerdict.findings(toy, $0) }))
  }
}
