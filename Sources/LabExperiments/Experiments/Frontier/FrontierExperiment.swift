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
    /// The steps trained: until the validation MSE reached its plateau, or the step cap.
    public var steps: Int
    /// Whether training stopped at a plateau (false: it reached the step cap still improving).
    public var plateaued: Bool
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

  /// The named sub-seeds: the world's samples, its curvature directions, and the training shared by every SAE.
  static func seeds(_ toy: FrontierToy) -> [String: UInt64] {
    let tree = SeedTree(root: toy.seed)
    return ["world": tree.seed(for: "world"), "curvature": tree.seed(for: "curvature"), "training": tree.seed(for: "training")]
  }

  /// The three draws of the curved world: training rows, validation rows (the plateau) and held-out rows (every metric).
  struct Samples {
    var training: Matrix<Float>, validation: Matrix<Float>, heldOut: Matrix<Float>
  }

  /// The samples of `toy`'s curved world: x = Σ_i a_i u_i + curvature · Σ_i a_i² v_i, with codes a
  /// and directions u from the independent world and v random unit directions.
  static func data(_ toy: FrontierToy) throws -> Samples {
    let seeds = seeds(toy)
    var generator = try WorldGenerator(world: toy.world, seed: seeds["world"]!)
    let m = toy.world.embedding.inputDimension, features = toy.world.featureCount
    var random = Xoshiro256StarStar(seed: seeds["curvature"]!)
    var bend = [Double](repeating: 0, count: features * m)
    for i in 0..<features {
      let row = (0..<m).map { _ in random.nextNormal() }
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      for d in 0..<m { bend[i * m + d] = row[d] / max(norm, 1e-12) }
    }
    func draw(_ count: Int) -> Matrix<Float> {
      let (codes, samples) = generator.next(count)
      var out = samples.storage
      for t in 0..<count {
        for i in 0..<features where codes[t, i] != 0 {
          let a2 = toy.curvature * codes[t, i] * codes[t, i]
          for d in 0..<m { out[t * m + d] += a2 * bend[i * m + d] }
        }
      }
      return Matrix(rows: count, columns: m, storage: out.map { Float($0) })
    }
    return Samples(training: draw(toy.sampleCount), validation: draw(toy.heldOutCount), heldOut: draw(toy.heldOutCount))
  }

  /// The (k, architecture) of sweep point `index`: every architecture at each k in turn.
  static func point(_ index: Int, of toy: FrontierToy) -> (k: Int, architecture: FrontierArchitecture) {
    (toy.ks[index / architectures.count], architectures[index % architectures.count])
  }

  /// An SAE learned something when its FVU is below that of the data mean.
  static let learned = Threshold.below(1)
  /// The fewest points of the common L0 grid at which the architectures are compared.
  static let matchedPoints = 2

  /// Whether the measurement is sound: every SAE reconstructs held-out rows better than the data
  /// mean; the architectures' measured L0 ranges overlap in at least ``matchedPoints`` points of
  /// the common grid, so that the claim is judged at matched L0 by interpolation, never by
  /// extrapolation or at equal k (TopK's L0 falls short of k by different amounts: the measured
  /// text shows L0/k); and every SAE was trained to its plateau rather than stopped while improving.
  static func checks(_ toy: FrontierToy, points: [Point]) -> [CheckResult] {
    let worst = points.map(\.fractionOfVarianceUnexplained).max() ?? .nan
    let grid = matchedGrid(points, ks: toy.ks)
    return [Check("frontier/trained", claim: "Every SAE of the sweep learned something: its held-out FVU is below 1 (better than the data mean)",
                  measured: "largest FVU \(Figures.format(worst, digits: 3)) over \(points.count) SAEs",
                  [.each(nil, points.map(\.fractionOfVarianceUnexplained), learned)]).result,
            Check("frontier/matched-l0", claim: "The architectures are compared at matched L0: their measured L0 ranges share at least \(matchedPoints) points of the common grid, where each MSE is interpolated (TopK's L0 falls short of k by different amounts, so equal k is not matched L0)",
                  measured: "common grid " + grid.map { Figures.format($0, digits: 3) }.joined(separator: ", ") + "; L0/k " + toy.ks.map { k in "k=\(k): " + points.filter { $0.k == k }.map { Figures.format($0.l0 / Double(k), digits: 3) }.joined(separator: "/") }
                    .joined(separator: "; ") + " (" + architectures.map(\.rawValue).joined(separator: "/") + ")",
                  [.stated("at least \(matchedPoints) grid points (here \(grid.count))", grid.count >= matchedPoints)]).result,
            Check("frontier/plateau", claim: "Every SAE was trained to its plateau: the validation MSE stopped improving by more than \(Figures.format(toy.training.plateauTolerance)) (relative) per \(toy.training.plateauWindow) steps before the cap of \(toy.training.steps) steps",
                  measured: "steps trained " + points.map { String($0.steps) }.joined(separator: ", "),
                  [.stated("every SAE stopped at a plateau (\(points.filter(\.plateaued).count) of \(points.count))", !points.isEmpty && points.allSatisfy(\.plateaued))]).result]
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
  /// point) until the validation MSE reaches its plateau, and measures it on the held-out rows.
  public static func runSeedPoint(_ index: Int, of toy: FrontierToy, progress: (String) -> Void) throws -> Point {
    let (k, name) = point(index, of: toy), t = toy.training
    progress("\(name), k = \(k)")
    let data = try data(toy)
    let common = TrainingConfiguration(architecture: TopKArchitecture(k: k), width: t.width, batchSize: t.batchSize, steps: t.steps,
                                       learningRate: t.learningRate, seed: seeds(toy)["training"]!, sparseAdam: t.sparseAdam)
    let configuration = DeepTrainingConfiguration(architecture: architecture(name, k: k, toy: toy), common: common)
    let history = LossHistoryRecorder(steps: t.steps)
    var state = DeepTrainer.initialState(configuration, data: data.training)
    var previous = Double.infinity, plateaued = false
    while state.step < t.steps && !plateaued {
      DeepTrainer.run(&state, configuration, data: data.training, until: min(t.steps, state.step + t.plateauWindow),
                      progressInterval: history.interval, progress: history.record)
      let validation = SAEMetrics.evaluate(state.model, on: data.validation).meanSquaredError
      plateaued = validation >= previous * (1 - t.plateauTolerance)
      previous = min(previous, validation)
    }
    let metrics = SAEMetrics.evaluate(state.model, on: data.heldOut)
    return Point(architecture: name, k: k, l0: metrics.l0, meanSquaredError: metrics.meanSquaredError,
                 fractionOfVarianceUnexplained: 1 - metrics.explainedVariance, deadLatents: metrics.deadLatents,
                 steps: state.step, plateaued: plateaued, trainingLoss: history.entries)
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

