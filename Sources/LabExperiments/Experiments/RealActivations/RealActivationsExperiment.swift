import Foundation
import LabChecks
import LabNumerics
import LabRandom
import LabTraining

/// Runs the real-activations experiment (see ``RealActivationsToy``): every SAE of one replicate
/// (ReLU-L1 at each ratio, the NSAE, shallow and deep-encoder TopK at each k) is one sweep point;
/// the comparisons across replicates and sizes, the findings and the checks are made by
/// ``record(_:results:)``.
public enum RealActivationsExperiment {
  /// The kinds of SAE trained in each replicate, by the name records use.
  public enum Model: String, NamedCase, CustomStringConvertible {
    /// ReLU-L1 as SAELens's `standard` (universality's SAEs, the suppression baseline, the stationarity checks).
    case reluL1 = "relu-l1"
    /// The normalised SAE of seeds/004.
    case nsae
    /// TopK with no hidden layer (the frontier's shallow SAE).
    case shallow
    /// TopK with one hidden encoder layer (tanh, LayerNorm, residual), as in seeds/000.
    case deepEncoder = "deep encoder"

    public var description: String { rawValue }
  }

  /// One trained SAE, scored on the held-out rows.
  public struct SAEResult: Codable, Sendable {
    /// Its sweep point's name, e.g. `r0/relu-l1-2x`.
    public var name: String
    /// The replicate (0-based): which independent training seed.
    public var replicate: Int
    public var model: Model
    public var width: Int
    /// TopK's k (frontier SAEs only).
    public var k: Int?
    public var heldOut: HeldOutMetrics
    /// Relative fall of the training loss over the last quarter of the run: (mean of the third
    /// quarter's entries − mean of the fourth's) / the third's. Near 0 at a plateau.
    public var plateauDrop: Double
    /// The first-order checks of `lab check --sae` (the ReLU-L1 SAEs of ``RealActivationsToy/suppressionRatio`` only).
    public var stationarity: SAEStationarity?
    /// The decoder rows (ReLU-L1 SAEs, in sweep results only: the record compares them and drops them).
    public var decoder: ExactFloats?
  }

  /// MCS between two decoders, both ways.
  public struct Comparison: Codable, Sendable {
    public var from: String, to: String
    /// Mean over `from`'s rows of the largest cosine with a row of `to`, and back.
    public var forward: Double, backward: Double

    /// The mean of the two directions.
    var symmetric: Double { (forward + backward) / 2 }
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = RealActivationsToy
    public static var hasFindings: Bool { true }
    /// The activations: corpus, token counts, scaling.
    var corpus: RealActivationsCorpus.Summary
    /// Every SAE (without its decoder), in sweep order.
    public var saes: [SAEResult]
    /// Replicate r against replicate r + 1 (mod R), at each ratio.
    public var seedPairs: [Comparison]
    /// In each replicate, every pair of ratios (the smaller first).
    public var sizePairs: [Comparison]
    /// Each ReLU-L1 SAE against random Gaussian rows of its width in d dimensions.
    public var randomBaselines: [Comparison]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// What sweep point `index` trains: replicate-major, then the ReLU-L1 ratios, the NSAE, and the frontier pairs.
  static func point(_ index: Int, of toy: RealActivationsToy) -> (replicate: Int, model: Model, ratio: Int, k: Int?) {
    let perReplicate = toy.ratios.count + 1 + 2 * toy.ks.count
    let replicate = index / perReplicate, slot = index % perReplicate
    if slot < toy.ratios.count { return (replicate, .reluL1, toy.ratios[slot], nil) }
    if slot == toy.ratios.count { return (replicate, .nsae, toy.suppressionRatio, nil) }
    let frontier = slot - toy.ratios.count - 1
    return (replicate, frontier % 2 == 0 ? .shallow : .deepEncoder, toy.suppressionRatio, toy.ks[frontier / 2])
  }

  /// The name of a sweep point.
  static func name(_ p: (replicate: Int, model: Model, ratio: Int, k: Int?)) -> String {
    p.k.map { "r\(p.replicate)/k=\($0)/\(p.model)" } ?? "r\(p.replicate)/\(p.model)-\(p.ratio)x"
  }

  /// The named sub-seeds: the corpus choice, each SAE's training and each random decoder.
  static func seeds(_ toy: RealActivationsToy) -> [String: UInt64] {
    let tree = SeedTree(root: toy.seed)
    var paths = ["corpus"] + sweepPoints(toy).map { "train/\($0)" }
    for r in 0..<toy.replicates { for ratio in toy.ratios { paths.append(randomPath(replicate: r, ratio: ratio)) } }
    return Dictionary(uniqueKeysWithValues: paths.map { ($0, tree.seed(for: $0)) })
  }

  static func randomPath(replicate: Int, ratio: Int) -> String { "random/r\(replicate)/\(ratio)x" }

  /// The SAE architecture of a ReLU-L1 or NSAE point.
  static func architecture(_ model: Model, toy: RealActivationsToy) -> any SAEArchitecture {
    model == .nsae ? NormalizedSAEArchitecture(alpha: toy.nsaeAlpha, noiseSigma: toy.nsaeNoise) : ReLUL1Architecture(l1Coefficient: toy.l1)
  }

  /// What one sweep point computes: its SAE, and the summary of the activations it was trained
  /// on, which every point computes alike and the record shows once.
  public struct TrainedPoint: Codable, Sendable {
    var corpus: RealActivationsCorpus.Summary
    public var sae: SAEResult
  }

  /// Trains and scores point `index` on the prepared activations.
  static func runPoint(_ index: Int, of toy: RealActivationsToy, corpus: RealActivationsCorpus, progress: (String) -> Void) throws -> TrainedPoint {
    let p = point(index, of: toy), pointName = name(p), d = corpus.training.columns, width = p.ratio * d
    progress("training \(pointName)")
    let seed = SeedTree(root: toy.seed).seed(for: "train/\(pointName)"), t = toy.training
    let history = LossHistoryRecorder(steps: t.steps)
    let heldOut: HeldOutMetrics
    var stationarity: SAEStationarity?, decoder: ExactFloats?
    if let k = p.k {
      let common = TrainingConfiguration(architecture: TopKArchitecture(k: k), width: width, batchSize: t.batchSize, steps: t.steps,
                                         learningRate: t.learningRate, seed: seed, sparseAdam: true)
      let deep = DeepSAEArchitecture(k: k, encoderHidden: p.model == .deepEncoder ? [d] : [], decoderHidden: [])
      let trained = DeepTrainer.train(DeepTrainingConfiguration(architecture: deep, common: common), data: corpus.training,
                                      progressInterval: history.interval, progress: history.record)
      heldOut = HeldOutMetrics(trained.autoencoder, on: corpus.heldOut)
    } else {
      let configuration = TrainingConfiguration(architecture: architecture(p.model, toy: toy), width: width, batchSize: t.batchSize,
                                                steps: t.steps, learningRate: t.learningRate, seed: seed)
      let sae = Trainer.train(configuration, data: corpus.training, progressInterval: history.interval, progress: history.record).autoencoder
      heldOut = HeldOutMetrics(sae, on: corpus.heldOut)
      if p.model == .reluL1 { decoder = ExactFloats(sae.parameters.decoderWeights.storage) }
      if p.model == .reluL1 && p.ratio == toy.suppressionRatio {
        progress("stationarity of \(pointName)")
        let rows = min(toy.stationarityRows, corpus.heldOut.rows)
        let samples = Matrix(rows: rows, columns: d, storage: corpus.heldOut.storage.prefix(rows * d).map(Double.init))
        stationarity = try SAEStationarity.assess(sae, samples: samples, lambda: SAEStationarity.lambda(of: sae.architecture)!,
                                                  source: pointName, dataSource: "the held-out rows")
      }
    }
    return TrainedPoint(corpus: corpus.summary,
                        sae: SAEResult(name: pointName, replicate: p.replicate, model: p.model, width: width, k: p.k, heldOut: heldOut,
                                       plateauDrop: plateauDrop(history.entries), stationarity: stationarity, decoder: decoder))
  }

  /// (mean of the third quarter's losses − mean of the fourth's) / the third's.
  static func plateauDrop(_ entries: [[Double]]) -> Double {
    let losses = entries.compactMap { $0.count == 2 ? $0[1] : nil }, quarter = losses.count / 4
    guard quarter >= 1 else { return .nan }
    let third = losses[(losses.count - 2 * quarter)..<(losses.count - quarter)], fourth = losses.suffix(quarter)
    let a = third.reduce(0, +) / Double(quarter), b = fourth.reduce(0, +) / Double(quarter)
    return (a - b) / a
  }

  /// MCS of two decoders both ways.
  static func compare(_ a: (name: String, decoder: Matrix<Float>), _ b: (name: String, decoder: Matrix<Float>)) -> Comparison {
    Comparison(from: a.name, to: b.name, forward: LatentAgreement.meanMaxCosine(from: a.decoder, to: b.decoder),
               backward: LatentAgreement.meanMaxCosine(from: b.decoder, to: a.decoder))
  }
}

extension RealActivationsExperiment: SweepExperiment {
  public typealias PointResult = TrainedPoint

  /// `rR/relu-l1-Nx` for each ratio, `rR/nsae-Nx`, then `rR/k=K/shallow` and `rR/k=K/deep encoder`
  /// for each k, for every replicate R.
  public static func sweepPoints(_ toy: RealActivationsToy) -> [String] {
    (0..<(toy.replicates * (toy.ratios.count + 1 + 2 * toy.ks.count))).map { name(point($0, of: toy)) }
  }

  /// One point: encodes the corpus, then trains and scores the point's SAE.
  public static func runPoint(_ index: Int, of toy: RealActivationsToy, progress: (String) -> Void) throws -> TrainedPoint {
    try runPoints([index], of: toy, progress: progress)[0]
  }

  /// Encodes the corpus once for all the points.
  public static func runPoints(_ indices: [Int], of toy: RealActivationsToy, progress: (String) -> Void) throws -> [TrainedPoint] {
    guard !indices.isEmpty else { return [] }
    let corpus = try RealActivationsCorpus(toy, progress: progress)
    return try indices.map { try runPoint($0, of: toy, corpus: corpus, progress: progress) }
  }

  /// Compares the ReLU-L1 decoders across replicates, sizes and random baselines, and judges the findings and checks.
  public static func record(_ toy: RealActivationsToy, results points: [TrainedPoint]) throws -> Record {
    let results = points.map(\.sae)
    var decoders: [String: Matrix<Float>] = [:]
    var d = 0
    for (index, result) in results.enumerated() {
      let p = point(index, of: toy), expected = name(p)
      guard result.name == expected, result.replicate == p.replicate, result.model == p.model, result.k == p.k, result.width % p.ratio == 0 else {
        throw SweepPointError(index: index, "holds '\(result.name)' (\(result.model), width \(result.width)), expected '\(expected)'")
      }
      d = result.width / p.ratio
      if p.model == .reluL1 {
        guard let decoder = result.decoder, decoder.values.count == result.width * d else {
          throw SweepPointError(index: index, "has no decoder of \(result.width) × \(d) values")
        }
        decoders[expected] = Matrix(rows: result.width, columns: d, storage: decoder.values)
      }
    }
    func relu(_ r: Int, _ ratio: Int) -> (name: String, decoder: Matrix<Float>) {
      let key = name((r, .reluL1, ratio, nil))
      return (key, decoders[key]!)
    }
    let tree = SeedTree(root: toy.seed), replicates = 0..<toy.replicates
    let seedPairs = toy.ratios.flatMap { ratio in replicates.map { r in compare(relu(r, ratio), relu((r + 1) % toy.replicates, ratio)) } }
    var sizePairs: [Comparison] = []
    for r in replicates {
      for (i, small) in toy.ratios.enumerated() { for large in toy.ratios[(i + 1)...] { sizePairs.append(compare(relu(r, small), relu(r, large))) } }
    }
    let randomBaselines = toy.ratios.flatMap { ratio in
      replicates.map { r in
        var random = tree.generator(for: randomPath(replicate: r, ratio: ratio))
        let rows = Matrix(rows: ratio * d, columns: d, storage: (0..<(ratio * d * d)).map { _ in Float(random.nextNormal()) })
        return compare(relu(r, ratio), ("random-\(ratio * d)", rows))
      }
    }
    let corpus = points[0].corpus
    if let index = points.firstIndex(where: { $0.corpus != corpus }) {
      throw SweepPointError(index: index, "was measured on other activations than point 0 (field 'corpus' differs)")
    }
    var record = Record(toy: toy, seeds: seeds(toy),
                        results: Results(corpus: corpus, saes: results.map { var s = $0; s.decoder = nil; return s },
                                         seedPairs: seedPairs, sizePairs: sizePairs, randomBaselines: randomBaselines),
                        checks: [])
    record.findings = RealActivationsFindings.findings(record)
    record.checks = RealActivationsFindings.checks(record)
    return record
  }
}
