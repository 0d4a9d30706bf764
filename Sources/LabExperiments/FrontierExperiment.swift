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
  public static let architectures = ["shallow", "deep encoder", "deep encoder + decoder"]

  /// One trained SAE.
  public struct Point: Codable, Sendable {
    public var architecture: String
    public var k: Int
    public var l0: Double
    public var meanSquaredError: Double
    /// 1 − explained variance (SAELens definition).
    public var fractionOfVarianceUnexplained: Double
    public var deadLatents: Int
  }

  /// The run record.
  public struct Record: Codable, Sendable {
    public var toy: FrontierToy
    public var seeds: [String: UInt64]
    public var points: [Point]
    public var findings: [SourceFinding]
    public var checks: [CheckResult]
    public var provenance: Provenance?
    /// How the run was invoked (the reproduce command; quick or full).
    public var invocation: RunInvocation?
  }

  /// The deep-SAE architecture named `name` at `k`.
  static func architecture(_ name: String, k: Int, toy: FrontierToy) -> DeepSAEArchitecture {
    let m = toy.world.embedding.inputDimension, t = toy.training
    switch name {
    case "shallow": return DeepSAEArchitecture(k: k, encoderHidden: [], decoderHidden: [], inputScale: t.inputScale, weightDecay: t.weightDecay)
    case "deep encoder": return DeepSAEArchitecture(k: k, encoderHidden: [m], decoderHidden: [], inputScale: t.inputScale, weightDecay: t.weightDecay)
    default:
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
  static func point(_ index: Int, of toy: FrontierToy) -> (k: Int, architecture: String) {
    (toy.ks[index / architectures.count], architectures[index % architectures.count])
  }

  /// Whether the measurement is sound: every SAE reconstructs better than the data mean.
  static func checks(_ toy: FrontierToy, points: [Point]) -> [CheckResult] {
    let worst = points.map(\.fractionOfVarianceUnexplained).max() ?? .nan
    return [CheckResult(id: "frontier/trained", claim: "Every SAE of the sweep learned something: its FVU is below 1 (better than the data mean)",
                        measured: "largest FVU \(Figures.format(worst, digits: 3)) over \(points.count) SAEs", threshold: "< 1",
                        holds: !points.isEmpty && worst < 1)]
  }

  /// The deep-SAE post's claims on this world.
  static func findings(_ toy: FrontierToy, points: [Point]) -> [SourceFinding] {
    func point(_ name: String, _ k: Int) -> Point { points.first { $0.architecture == name && $0.k == k }! }
    let matched = points.allSatisfy { $0.l0 <= Double($0.k) && $0.l0 >= 0.9 * Double($0.k) }
    var findings = [SourceFinding(
      claim: "TopK fixes the sparsity, so the comparisons below are at (nearly) matched L0",
      measured: toy.ks.map { k in "k=\(k): " + architectures.map { Figures.format(point($0, k).l0, digits: 3) }.joined(separator: "/") }
        .joined(separator: "; ") + " (" + architectures.joined(separator: "/") + ")",
      criterion: "0.9k ≤ L0 ≤ k for every SAE", reproduced: matched)]
    for name in architectures.dropFirst() {
      let better = toy.ks.filter { point(name, $0).meanSquaredError < point("shallow", $0).meanSquaredError }
      findings.append(SourceFinding(
        claim: "Deep-SAE post: the \(name) SAE reaches a lower MSE than the shallow SAE at the same L0",
        measured: toy.ks.map { k in "k=\(k): \(Figures.format(point(name, k).fractionOfVarianceUnexplained, digits: 3)) vs \(Figures.format(point("shallow", k).fractionOfVarianceUnexplained, digits: 3))" }
          .joined(separator: "; ") + " (FVU)",
        criterion: "lower at every k (here \(better.count) of \(toy.ks.count))", reproduced: better.count == toy.ks.count))
    }
    return findings
  }
}

extension FrontierExperiment: SweepExperiment {
  /// `k=K/ARCHITECTURE` for every k and, at each, every architecture.
  public static func sweepPoints(_ toy: FrontierToy) -> [String] {
    toy.ks.flatMap { k in architectures.map { "k=\(k)/\($0)" } }
  }

  /// Trains the point's architecture at its k (the same data, seed and batch order for every
  /// point) and measures it on the data.
  public static func runPoint(_ index: Int, of toy: FrontierToy, progress: (String) -> Void) throws -> Point {
    let (k, name) = point(index, of: toy), t = toy.training
    progress("\(name), k = \(k)")
    let data = try data(toy)
    let common = TrainingConfiguration(architecture: TopKArchitecture(k: k), width: t.width, batchSize: t.batchSize, steps: t.steps,
                                       learningRate: t.learningRate, seed: seeds(toy)["training"]!, sparseAdam: t.sparseAdam)
    let result = DeepTrainer.train(DeepTrainingConfiguration(architecture: architecture(name, k: k, toy: toy), common: common), data: data)
    let metrics = SAEMetrics.evaluate(result.autoencoder, on: data)
    return Point(architecture: name, k: k, l0: metrics.l0, meanSquaredError: metrics.meanSquaredError,
                 fractionOfVarianceUnexplained: 1 - metrics.explainedVariance, deadLatents: metrics.deadLatents)
  }

  /// The record of the points, with the findings and checks judged on them.
  public static func record(_ toy: FrontierToy, results: [Point]) throws -> Record {
    for (index, result) in results.enumerated() {
      let (k, name) = point(index, of: toy)
      guard result.k == k && result.architecture == name else {
        throw SweepPointError(index: index, "holds k = \(result.k), '\(result.architecture)', expected k = \(k), '\(name)'")
      }
    }
    return Record(toy: toy, seeds: seeds(toy), points: results, findings: findings(toy, points: results),
                  checks: checks(toy, points: results), provenance: nil, invocation: nil)
  }
}

extension FrontierExperiment.Record: StampableRecord {}
