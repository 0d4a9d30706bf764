import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabTraining

/// Runs the universality experiment (`seeds/002` on a known world; see ``UniversalityToy``).
public enum UniversalityExperiment {
  /// One trained SAE, evaluated on the shared held-out samples.
  public struct Model: Codable, Sendable {
    /// Its name in the report, e.g. `8x-seed-1`, `8x-stream-b`, `8x-shared-world`.
    public var name: String
    public var ratio: Int, width: Int
    public var explainedVariance: Double, l0: Double, deadLatents: Int
    /// MMCS from the true features of `world` to its decoder.
    public var truthMMCS: Double
    /// Mean over the live latents (firing on a held-out row) of the largest cosine of the latent's
    /// decoder row with a true feature: whether what it learned are features of the world.
    public var liveLatentTruthMCS: Double
    /// Firing frequency of each latent on the held-out samples.
    public var frequencies: [Double]
  }

  /// One comparison of two SAEs (or of an SAE and a baseline).
  public struct Comparison: Codable, Sendable {
    public var from: String, to: String
    /// MCS from `from`'s decoder rows to `to`'s and back.
    public var cosineForward: Double, cosineBackward: Double
    /// Mean max activation correlation from `from` to `to` and back (`nil` for a random decoder).
    public var correlationForward: Double?, correlationBackward: Double?
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = UniversalityToy
    public static var hasFindings: Bool { true }
    public var models: [Model]
    /// Seed-to-seed comparisons, one per ratio (seed 0 against seed 1).
    public var seedPairs: [Comparison]
    /// Every pair of ratios (seed-0 SAEs), the smaller ratio first.
    public var sizePairs: [Comparison]
    /// At the reference ratio: another sample stream, the shared world, the mismatched world, and a random decoder.
    public var variants: [Comparison]
    /// Random-decoder baselines: seed 0 at each ratio against random unit rows of the same width.
    public var randomBaselines: [Comparison]
    /// The random-weight baseline at the source's dimension (no training needed).
    public var randomBaselineAtSeedDimension: SeedDimensionBaseline
  }

  /// The MCS between two independent random decoders (Gaussian rows) of `width` rows in `dimension`:
  /// the random-weight baseline of the source, which depends only on the dimension and width.
  public struct SeedDimensionBaseline: Codable, Sendable, Equatable {
    public var dimension: Int
    public var width: Int
    public var mmcs: Double
  }

  /// The random-weight baseline of `toy`'s seed at the source's dimension: two random decoders of
  /// the widest ratio's width (``UniversalityToy/baselineDimension`` × the largest ratio).
  static func seedDimensionBaseline(_ toy: UniversalityToy) -> SeedDimensionBaseline {
    let d = toy.baselineDimension, width = d * (toy.ratios.last ?? 1)
    var random = SeedTree(root: toy.seed).generator(for: "random-decoders-at-seed-dimension")
    func decoder() -> Matrix<Float> { Matrix(rows: width, columns: d, storage: (0..<(width * d)).map { _ in Float(random.nextNormal()) }) }
    let a = decoder(), b = decoder()
    return SeedDimensionBaseline(dimension: d, width: width, mmcs: LatentAgreement.meanMaxCosine(from: a, to: b))
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// A trained SAE (one sweep point): its summary and its weights, which the record needs for the
  /// comparisons (its decoder, and its codes of the held-out samples).
  public struct TrainedSAE: Codable, Sendable {
    public var model: Model
    /// ``SAEParameters/values`` (W_enc, b_enc, W_dec, b_dec), bit for bit.
    public var parameters: ExactFloats
  }

  /// One side of a comparison: a decoder (rows are latents) and, for a trained SAE, its held-out codes.
  private struct Side {
    var name: String
    var decoder: Matrix<Float>
    var codes: Matrix<Float>?
  }

  /// What a sweep point trains on.
  enum Input: Equatable {
    /// The training samples of the world, with a training seed per SAE.
    case world(seed: Int)
    /// Another sample stream of the world, the shared world, the foreign world (at the reference ratio).
    case streamB, sharedWorld, foreignWorld
  }

  /// Sweep point `index`: every ratio with each of its seeds, then the three variants at the reference ratio.
  static func point(_ index: Int, of toy: UniversalityToy) -> (name: String, ratio: Int, input: Input) {
    let seeded = toy.ratios.count * toy.seedsPerRatio
    if index < seeded {
      let ratio = toy.ratios[index / toy.seedsPerRatio], s = index % toy.seedsPerRatio
      return ("\(ratio)x-seed-\(s)", ratio, .world(seed: s))
    }
    let r = toy.referenceRatio
    return [("\(r)x-stream-b", r, Input.streamB), ("\(r)x-shared-world", r, .sharedWorld), ("\(r)x-foreign-world", r, .foreignWorld)][index - seeded]
  }

  /// The world's generator (with its training and held-out samples drawn) and the sub-seeds.
  struct Samples {
    var world: WorldGenerator
    var training: Matrix<Double>
    var evaluation: Matrix<Float>
    var tree: SeedTree

    init(_ toy: UniversalityToy) throws {
      tree = SeedTree(root: toy.seed)
      world = try WorldGenerator(world: toy.world, seed: tree.seed(for: "world"))
      training = world.next(toy.trainingSamples).samples
      evaluation = UniversalityExperiment.single(world.next(toy.evaluationSamples).samples)
    }

    /// The training samples of `input`: the other inputs reuse the world's code sampler with
    /// other streams and (for the worlds) other directions.
    func data(_ input: Input, toy: UniversalityToy) throws -> Matrix<Double> {
      let truth = world.dictionary
      func samples(dictionary: Matrix<Double>, stream: String) -> Matrix<Double> {
        var generator = WorldGenerator(sampler: world.sampler, dictionary: dictionary, bias: world.bias, noise: world.noise,
                                       seed: tree.seed(for: stream))
        return generator.next(toy.trainingSamples).samples
      }
      switch input {
      case .world: return training
      case .streamB: return samples(dictionary: truth, stream: "stream-b")
      case .sharedWorld, .foreignWorld:
        let foreign = try WorldGenerator(world: toy.world, seed: tree.seed(for: "world-foreign-directions")).dictionary
        if input == .foreignWorld { return samples(dictionary: foreign, stream: "stream-foreign") }
        let shared = Int((toy.sharedFraction * Double(truth.rows)).rounded())
        let sharedWorld = Matrix(rows: truth.rows, columns: truth.columns,
                                 storage: Array(truth.storage[0..<(shared * truth.columns)]) + Array(foreign.storage[(shared * truth.columns)...]))
        return samples(dictionary: sharedWorld, stream: "stream-shared")
      }
    }
  }

  /// The sub-seed path that trains sweep point `input`.
  static func trainingPath(_ input: Input, ratio: Int) -> String {
    switch input {
    case .world(let s): return "train/\(ratio)x/seed-\(s)"
    case .streamB: return "train/stream-b"
    case .sharedWorld: return "train/shared-world"
    case .foreignWorld: return "train/foreign-world"
    }
  }

  /// The sub-seeds the run draws from, by path.
  static func seeds(_ toy: UniversalityToy) -> [String: UInt64] {
    let tree = SeedTree(root: toy.seed)
    let paths = ["world", "world-foreign-directions", "stream-b", "stream-shared", "stream-foreign", "random-decoders", "random-decoders-at-seed-dimension"]
      + UniversalityExperiment.seedPoints(toy).indices.map { index in
        let (_, ratio, input) = point(index, of: toy)
        return trainingPath(input, ratio: ratio)
      }
    return Dictionary(uniqueKeysWithValues: paths.map { ($0, tree.seed(for: $0)) })
  }

  /// The SAE of `toy` with the given weights (`values` of ``SAEParameters``).
  static func autoencoder(_ toy: UniversalityToy, width: Int, values: [Float]) -> SparseAutoencoder<Float> {
    var parameters = SAEParameters<Float>(inputDimension: toy.dimension, width: width)
    parameters.values = values
    return SparseAutoencoder(architecture: ReLUL1Architecture(l1Coefficient: toy.training.l1), parameters: parameters)
  }

  /// The agreement of two sides; activation correlations only when both have held-out codes.
  private static func compare(_ a: Side, _ b: Side) -> Comparison {
    var forward: Double?, backward: Double?
    if let codesA = a.codes, let codesB = b.codes {
      forward = LatentAgreement.meanMaxCorrelation(from: codesA, to: codesB)?.mean
      backward = LatentAgreement.meanMaxCorrelation(from: codesB, to: codesA)?.mean
    }
    return Comparison(from: a.name, to: b.name, cosineForward: LatentAgreement.meanMaxCosine(from: a.decoder, to: b.decoder),
                      cosineBackward: LatentAgreement.meanMaxCosine(from: b.decoder, to: a.decoder),
                      correlationForward: forward, correlationBackward: backward)
  }

  private static func single(_ x: Matrix<Double>) -> Matrix<Float> {
    Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map(Float.init))
  }
}

extension UniversalityExperiment: ReplicatedSweep {
  public typealias PointResult = TrainedSAE

  /// The SAEs by name: `RATIOx-seed-S` for every ratio and seed, then `Rx-stream-b`,
  /// `Rx-shared-world` and `Rx-foreign-world` at the reference ratio R.
  public static func seedPoints(_ toy: UniversalityToy) -> [String] {
    (0..<(toy.ratios.count * toy.seedsPerRatio + 3)).map { point($0, of: toy).name }
  }

  /// Trains the point's SAE and evaluates it on the shared held-out samples.
  public static func runSeedPoint(_ index: Int, of toy: UniversalityToy, progress: (String) -> Void) throws -> TrainedSAE {
    let (name, ratio, input) = point(index, of: toy)
    let samples = try Samples(toy)
    let data = try samples.data(input, toy: toy)
    progress("training \(name)")
    let width = ratio * toy.dimension
    let configuration = TrainingConfiguration(architecture: ReLUL1Architecture(l1Coefficient: toy.training.l1), width: width,
                                              batchSize: toy.training.batchSize, steps: toy.training.steps,
                                              learningRate: toy.training.learningRate, seed: samples.tree.seed(for: trainingPath(input, ratio: ratio)))
    let sae = Trainer.train(configuration, data: single(data)).autoencoder
    let metrics = SAEMetrics.evaluate(sae, on: samples.evaluation, truth: samples.world.dictionary)
    let frequencies = FeatureFrequency(codes: sae.encode(samples.evaluation)).frequencies
    let decoder = sae.parameters.decoderWeights, live = frequencies.indices.filter { frequencies[$0] > 0 }
    let liveRows = Matrix(rows: live.count, columns: decoder.columns, storage: live.flatMap { decoder.row($0) })
    let truth = samples.world.dictionary
    let model = Model(name: name, ratio: ratio, width: width, explainedVariance: metrics.explainedVariance, l0: metrics.l0,
                      deadLatents: metrics.deadLatents, truthMMCS: metrics.meanMaxCosineSimilarity ?? .nan,
                      liveLatentTruthMCS: live.isEmpty ? .nan : LatentAgreement.meanMaxCosine(
                        from: liveRows, to: Matrix(rows: truth.rows, columns: truth.columns, storage: truth.storage.map(Float.init))),
                      frequencies: frequencies)
    return TrainedSAE(model: model, parameters: ExactFloats(sae.parameters.values))
  }

  /// Compares the SAEs (seed to seed, size to size, the variants against the reference SAE, the
  /// random-decoder baselines) on their held-out codes and judges the findings and checks.
  public static func seedRecord(_ toy: UniversalityToy, results: [TrainedSAE]) throws -> ReplicateRecord<Results> {
    let samples = try Samples(toy)
    var sides: [Side] = []
    for (index, result) in results.enumerated() {
      let (name, ratio, _) = point(index, of: toy)
      let width = ratio * toy.dimension, count = 2 * width * toy.dimension + width + toy.dimension
      guard result.model.name == name && result.model.ratio == ratio && result.model.width == width && result.parameters.values.count == count else {
        throw SweepPointError(index: index, "holds '\(result.model.name)' (ratio \(result.model.ratio), width \(result.model.width), \(result.parameters.values.count) parameters), expected '\(name)' (ratio \(ratio), width \(width), \(count) parameters)")
      }
      let sae = autoencoder(toy, width: width, values: result.parameters.values)
      sides.append(Side(name: name, decoder: sae.parameters.decoderWeights, codes: sae.encode(samples.evaluation)))
    }
    let bySeed = toy.ratios.indices.map { Array(sides[($0 * toy.seedsPerRatio)..<(($0 + 1) * toy.seedsPerRatio)]) }
    let reference = bySeed[toy.ratios.firstIndex(of: toy.referenceRatio)!][0], variants = sides.suffix(3)
    var random = samples.tree.generator(for: "random-decoders")
    let randomBaselines = zip(toy.ratios, bySeed).map { ratio, seedsOfRatio in
      let width = ratio * toy.dimension
      let rows = Matrix(rows: width, columns: toy.dimension, storage: (0..<(width * toy.dimension)).map { _ in Float(random.nextNormal()) })
      return compare(seedsOfRatio[0], Side(name: "random-\(width)", decoder: rows, codes: nil))
    }
    var sizePairs: [Comparison] = []
    for i in bySeed.indices { for j in bySeed.indices where j > i { sizePairs.append(compare(bySeed[i][0], bySeed[j][0])) } }
    let record = Record(toy: toy, seeds: seeds(toy), results: Results(models: results.map(\.model), seedPairs: bySeed.map { compare($0[0], $0[1]) },
                        sizePairs: sizePairs, variants: variants.map { compare(reference, $0) }, randomBaselines: randomBaselines,
                        randomBaselineAtSeedDimension: seedDimensionBaseline(toy)), checks: [])
    return ReplicateRecord(results: record.results, seeds: record.seeds, checks: UniversalityFindings.checks(record),
                           findings: UniversalityFindings.findings(record))
  }
}

