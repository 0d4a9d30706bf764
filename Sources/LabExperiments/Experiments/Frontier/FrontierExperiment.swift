import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabTraining

/// Runs the frontier experiment: the same TopK deep-SAE trainer with no hidden layer (shallow),
/// one hidden encoder layer, and one hidden encoder plus one hidden decoder layer, at each k.
public enum FrontierExperiment {
  /// The three architectures, by name.
  public static let architectures = FrontierArchitecture.allCases

  /// One trained SAE.
  public struct Point: Codable, Sendable {
    public var architecture: FrontierArchitecture
    public var k: Int
    public var l0: Double
    public var meanSquaredError: Double
    /// 1 − explained variance (SAELens definition).
    public var fractionOfVarianceUnexplained: Double
    public var deadLatents: Int
    /// The training loss (the batch's MSE plus weight decay) every few steps, as [step, loss];
    /// absent in records written before it was recorded.
    public var trainingLoss: [[Double]]?
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = FrontierToy
    public static var hasFindings: Bool { true }
    public var points: [Point]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// The deep-SAE architecture named `name` at `k`.
  static func architecture(_ name: FrontierArchitecture, k: Int, toy: FrontierToy) -> DeepSAEArchitecture {
    let m = toy.world.embedding.inputDimension, t = toy.training
    switch name {
    case .shallow: return DeepSAEArchitecture(k: k, encoderHidden: [], decoderHidden: [], inputScale: t.inputScale, weightDecay: t.weightDecay)
    case .deepEncoder: return DeepSAEArchitecture(k: k, encoderHidden: [m], decoderHidden: [], inputScale: t.inputScale, weightDecay: t.weightDecay)
    case .deepEncoderDecoder:
      return DeepSAEArchitecture(k: k, encoderHidden: [m], decoderHidden: [toy.decoderHiddenWidth], inputScale: t.inputScale,
                                 weightDecay: t.weightDecay)
    }
  }

  /// The named sub-seeds: the world's samples, and the training shared by every SAE.
  static func seeds(_ toy: FrontierToy) -> [String: UInt64] {
    let tree = SeedTree(root: toy.seed)
    return ["world": tree.seed(for: "world"), "training": tree.seed(for: "training")]
  }

  /// The samples every SAE is trained and measured on.
  static func data(_ toy: FrontierToy) throws -> Matrix<Float> {
    var generator = try WorldGenerator(world: toy.world, seed: seeds(toy)["world"]!)
    let samples = generator.dataset(count: toy.sampleCount).samples
    return Matrix(rows: samples.rows, columns: samples.columns, storage: samples.storage.map { Float($0) })
  }

  /// The (k, architecture) of sweep point `index`: every architecture at each k in turn.
  static func point(_ index: Int, of toy: FrontierToy) -> (k: Int, architecture: FrontierArchitecture) {
    (toy.ks[index / architectures.count], architectures[index % architectures.count])
  }

  /// An SAE learned something when its FVU is below that of the data mean.
  static let learned = Threshold.below(1)
  /// TopK fixes the sparsity when every SAE's L0 is at least this fraction of its k (and at most k).
  static let matchedSparsity = 0.9

  /// Whether the measurement is sound: every SAE reconstructs better than the data mean, and TopK
  /// held every SAE at (nearly) its k, so that the architectures are compared at matched L0.
  static func checks(_ toy: FrontierToy, points: [Point]) -> [CheckResult] {
    let worst = points.map(\.fractionOfVarianceUnexplained).max() ?? .nan
    let shortfall = points.map { $0.l0 / Double($0.k) }
    return [Check("frontier/trained", claim: "Every SAE of the sweep learned something: its FVU is below 1 (better than the data mean)",
                  measured: "largest FVU \(Figures.format(worst, digits: 3)) over \(points.count) SAEs",
                  [.each(nil, points.map(\.fractionOfVarianceUnexplained), learned)]).result,
            Check("frontier/matched-l0", claim: "TopK fixes the sparsity: every SAE's L0 is between \(Figures.format(matchedSparsity))k and k, so the architectures are compared at (nearly) matched L0",
                  measured: toy.ks.map { k in "k=\(k): " + points.filter { $0.k == k }.map { Figures.format($0.l0, digits: 3) }.joined(separator: "/") }
                    .joined(separator: "; ") + " (" + architectures.map(\.rawValue).joined(separator: "/") + ")",
                  [.stated("\(Figures.format(matchedSparsity)) ≤ L0/k ≤ 1 for every SAE (lowest \(Figures.format(shortfall.min(), digits: 3)))",
                           !points.isEmpty && shortfall.allSatisfy { $0 >= matchedSparsity && $0 <= 1 })]).result]
  }

  /// The measured (L0, MSE) points of architecture `name`.
  static func measurements(_ points: [Point], architecture name: FrontierArchitecture) -> [MatchedL0.Measurement] {
    points.filter { $0.architecture == name }.map { MatchedL0.Measurement(l0: $0.l0, meanSquaredError: $0.meanSquaredError) }
  }

  /// The common L0 grid of the architectures: the ends of the L0 range that all of them measured
  /// and the ks inside it (``MatchedL0/grid(ranges:anchors:)``).
  static func matchedGrid(_ points: [Point], ks: [Int]) -> [Double] {
    let ranges = architectures.map { MatchedL0.range(measurements(points, architecture: $0)) }
    guard ranges.allSatisfy({ $0 != nil }) else { return [] }
    return MatchedL0.grid(ranges: ranges.map { $0! }, anchors: ks.map(Double.init))
  }

  /// The deep-SAE post's claim on one seed, for each deep architecture: the mean over the common
  /// L0 grid of log(MSE shallow / MSE deep), each MSE interpolated to the grid point (positive
  /// when the deep SAE reconstructs better at the same L0). The margin is 0: the post claims an
  /// improvement, of any size, and the seeds decide whether it is there.
  static func findings(_ toy: FrontierToy, points: [Point]) -> [FindingMeasurement] {
    let grid = matchedGrid(points, ks: toy.ks)
    let shallow = measurements(points, architecture: .shallow)
    return architectures.dropFirst().map { name in
      let deep = measurements(points, architecture: name)
      let pairs = grid.map { l0 in (l0, MatchedL0.meanSquaredError(deep, at: l0) ?? .nan, MatchedL0.meanSquaredError(shallow, at: l0) ?? .nan) }
      let gain = pairs.isEmpty ? .nan : pairs.map { log($0.2 / $0.1) }.reduce(0, +) / Double(pairs.count)
      return FindingMeasurement(
        claim: "Deep-SAE post: the \(name) SAE reaches a lower MSE than the shallow SAE at the same L0",
        margin: FindingMargin("mean over the matched-L0 grid of log(MSE shallow / MSE \(name))", .above, 0), value: gain,
        detail: grid.isEmpty ? "no L0 measured by every architecture" : pairs.map { "L0=\(Figures.format($0.0, digits: 3)): \(Figures.format($0.1, digits: 3)) vs \(Figures.format($0.2, digits: 3))" }
          .joined(separator: "; ") + " (MSE \(name) vs shallow, interpolated linearly in log L0)")
    }
  }
}

extension FrontierExperiment: ReplicatedSweep {
  public typealias PointResult = Point

  /// `k=K/ARCHITECTURE` for every k and, at each, every architecture.
  public static func seedPoints(_ toy: FrontierToy) -> [String] {
    toy.ks.flatMap { k in architectures.map { "k=\(k)/\($0)" } }
  }

  /// Trains the point's architecture at its k (the same data, seed and batch order for every
  /// point) and measures it on the data.
  public static func runSeedPoint(_ index: Int, of toy: FrontierToy, progress: (String) -> Void) throws -> Point {
    let (k, name) = point(index, of: toy), t = toy.training
    progress("\(name), k = \(k)")
    let data = try data(toy)
    let common = TrainingConfiguration(architecture: TopKArchitecture(k: k), width: t.width, batchSize: t.batchSize, steps: t.steps,
                                       learningRate: t.learningRate, seed: seeds(toy)["training"]!, sparseAdam: t.sparseAdam)
    let history = LossHistoryRecorder(steps: t.steps)
    let result = DeepTrainer.train(DeepTrainingConfiguration(architecture: architecture(name, k: k, toy: toy), common: common), data: data,
                                   progressInterval: history.interval, progress: history.record)
    let metrics = SAEMetrics.evaluate(result.autoencoder, on: data)
    return Point(architecture: name, k: k, l0: metrics.l0, meanSquaredError: metrics.meanSquaredError,
                 fractionOfVarianceUnexplained: 1 - metrics.explainedVariance, deadLatents: metrics.deadLatents,
                 trainingLoss: history.entries)
  }

  /// One seed's record of the points, with the findings and checks judged on them.
  public static func seedRecord(_ toy: FrontierToy, results: [Point]) throws -> ReplicateRecord<Results> {
    for (index, result) in results.enumerated() {
      let (k, name) = point(index, of: toy)
      guard result.k == k && result.architecture == name else {
        throw SweepPointError(index: index, "holds k = \(result.k), '\(result.architecture)', expected k = \(k), '\(name)'")
      }
    }
    return ReplicateRecord(results: Results(points: results), seeds: seeds(toy), checks: checks(toy, points: results),
                           findings: findings(toy, points: results))
  }
}

