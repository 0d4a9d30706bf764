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

  /// The run record.
  public struct Record: Codable, Sendable {
    public var toy: UniversalityToy
    public var seeds: [String: UInt64]
    public var models: [Model]
    /// Seed-to-seed comparisons, one per ratio (seed 0 against seed 1).
    public var seedPairs: [Comparison]
    /// Every pair of ratios (seed-0 SAEs), the smaller ratio first.
    public var sizePairs: [Comparison]
    /// At the reference ratio: another sample stream, the shared world, the mismatched world, and a random decoder.
    public var variants: [Comparison]
    /// Random-decoder baselines: seed 0 at each ratio against random unit rows of the same width.
    public var randomBaselines: [Comparison]
    public var findings: [SourceFinding]
    public var checks: [CheckResult]
    public var provenance: Provenance?
    /// The command that reproduces the run; absent in records written before it was recorded.
    public var invocation: RunInvocation?
  }

  /// The experiment's product (report, record and the frequency figure).
  public static func product(_ toy: UniversalityToy, progress: (String) -> Void) throws -> ExperimentProduct {
    let record = try measure(toy, progress: progress)
    return ExperimentProduct(checks: record.checks) { provenance, invocation in
      var record = record
      record.provenance = provenance
      record.invocation = invocation
      return try record.allFiles(id: toy.id)
    }
  }

  /// One side of a comparison: a decoder (rows are latents) and, for a trained SAE, its held-out codes.
  private struct Side {
    var name: String
    var decoder: Matrix<Float>
    var codes: Matrix<Float>?
  }

  /// A trained SAE's summary and its side of comparisons.
  private struct Trained {
    var model: Model
    var side: Side
  }

  static func measure(_ toy: UniversalityToy, progress: (String) -> Void) throws -> Record {
    let tree = SeedTree(root: toy.seed)
    var seeds: [String: UInt64] = [:]
    func seed(_ path: String) -> UInt64 {
      let value = tree.seed(for: path)
      seeds[path] = value
      return value
    }
    var world = try WorldGenerator(world: toy.world, seed: seed("world"))
    let training = world.next(toy.trainingSamples).samples, evaluation = single(world.next(toy.evaluationSamples).samples)
    let truth = world.dictionary
    // The other inputs reuse the world's code sampler with other streams and (for the worlds) other directions.
    func samples(dictionary: Matrix<Double>, stream: String) -> Matrix<Double> {
      var generator = WorldGenerator(sampler: world.sampler, dictionary: dictionary, bias: world.bias, noise: world.noise, seed: seed(stream))
      return generator.next(toy.trainingSamples).samples
    }
    let foreign = try WorldGenerator(world: toy.world, seed: seed("world-foreign-directions")).dictionary
    let shared = Int((toy.sharedFraction * Double(truth.rows)).rounded())
    let sharedWorld = Matrix(rows: truth.rows, columns: truth.columns,
                             storage: Array(truth.storage[0..<(shared * truth.columns)]) + Array(foreign.storage[(shared * truth.columns)...]))

    func train(_ name: String, ratio: Int, data: Matrix<Double>, trainingSeed: String) -> Trained {
      progress("training \(name)")
      let width = ratio * toy.dimension
      let configuration = TrainingConfiguration(architecture: ReLUL1Architecture(l1Coefficient: toy.training.l1), width: width,
                                                batchSize: toy.training.batchSize, steps: toy.training.steps,
                                                learningRate: toy.training.learningRate, seed: seed(trainingSeed))
      let sae = Trainer.train(configuration, data: single(data)).autoencoder
      let metrics = SAEMetrics.evaluate(sae, on: evaluation, truth: truth)
      let codes = sae.encode(evaluation)
      let model = Model(name: name, ratio: ratio, width: width, explainedVariance: metrics.explainedVariance, l0: metrics.l0,
                        deadLatents: metrics.deadLatents, truthMMCS: metrics.meanMaxCosineSimilarity ?? .nan,
                        frequencies: FeatureFrequency(codes: codes).frequencies)
      return Trained(model: model, side: Side(name: name, decoder: sae.parameters.decoderWeights, codes: codes))
    }

    var bySeed: [[Trained]] = []
    for ratio in toy.ratios {
      bySeed.append((0..<toy.seedsPerRatio).map { s in
        train("\(ratio)x-seed-\(s)", ratio: ratio, data: training, trainingSeed: "train/\(ratio)x/seed-\(s)")
      })
    }
    let reference = bySeed[toy.ratios.firstIndex(of: toy.referenceRatio)!][0]
    let variants = [
      train("\(toy.referenceRatio)x-stream-b", ratio: toy.referenceRatio, data: samples(dictionary: truth, stream: "stream-b"),
            trainingSeed: "train/stream-b"),
      train("\(toy.referenceRatio)x-shared-world", ratio: toy.referenceRatio, data: samples(dictionary: sharedWorld, stream: "stream-shared"),
            trainingSeed: "train/shared-world"),
      train("\(toy.referenceRatio)x-foreign-world", ratio: toy.referenceRatio, data: samples(dictionary: foreign, stream: "stream-foreign"),
            trainingSeed: "train/foreign-world"),
    ]
    progress("comparing")
    var random = tree.generator(for: "random-decoders")
    seeds["random-decoders"] = tree.seed(for: "random-decoders")
    let randomBaselines = bySeed.map { seedsOfRatio in
      let width = seedsOfRatio[0].model.width
      let rows = Matrix(rows: width, columns: toy.dimension, storage: (0..<(width * toy.dimension)).map { _ in Float(random.nextNormal()) })
      return compare(seedsOfRatio[0].side, Side(name: "random-\(width)", decoder: rows, codes: nil))
    }
    var sizePairs: [Comparison] = []
    for i in bySeed.indices { for j in bySeed.indices where j > i { sizePairs.append(compare(bySeed[i][0].side, bySeed[j][0].side)) } }
    let record = Record(toy: toy, seeds: seeds, models: bySeed.flatMap { $0.map(\.model) } + variants.map(\.model),
                        seedPairs: bySeed.map { compare($0[0].side, $0[1].side) }, sizePairs: sizePairs,
                        variants: variants.map { compare(reference.side, $0.side) }, randomBaselines: randomBaselines, findings: [], checks: [],
                        provenance: nil)
    var judged = record
    judged.findings = UniversalityFindings.findings(record)
    judged.checks = UniversalityFindings.checks(record)
    return judged
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
