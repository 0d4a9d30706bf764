import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabTraining

/// Runs the intuitive-SAE experiment (`seeds/001` on a known world; see ``IntuitiveToy``).
public enum IntuitiveExperiment {
  /// One trained SAE, measured on the held-out rows.
  public struct Point: Codable, Sendable {
    public var l1: Double
    public var l0: Double
    /// 1 − explained variance.
    public var fractionOfVarianceUnexplained: Double
    public var deadLatents: Int
    /// Mean over the true features of the largest cosine with a decoder row.
    public var truthMMCS: Double
    /// Cosine of each live latent's encoder column with its decoder row, in latent order.
    public var encoderDecoderCosines: [Double]
  }

  /// What one seed measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = IntuitiveToy
    public static var hasFindings: Bool { true }
    public var points: [Point]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// The named sub-seeds.
  static func seeds(_ toy: IntuitiveToy) -> [String: UInt64] {
    let tree = SeedTree(root: toy.seed)
    return Dictionary(uniqueKeysWithValues: (["world"] + toy.l1Coefficients.map(trainingPath)).map { ($0, tree.seed(for: $0)) })
  }

  static func trainingPath(_ l1: Double) -> String { "train/l1=\(Figures.format(l1))" }

  /// The reference SAE: the middle L1 coefficient.
  static func reference(_ points: [Point]) -> Point? { points[ifPresent: points.count / 2] }

  /// Every SAE has at least as many latents as features; one that learned the world recovers them.
  static let recovers = Threshold.atLeast(0.9)
  /// A feature's encoder and decoder rows count as "different" when their median cosine is below this.
  static let different = 0.95
  /// How close to 0.5 the median encoder–decoder cosine must be to count as "about 0.5".
  static let aboutHalf = 0.15
}

extension IntuitiveExperiment: ReplicatedSweep {
  public typealias PointResult = Point

  /// `l1=C` for every coefficient.
  public static func seedPoints(_ toy: IntuitiveToy) -> [String] { toy.l1Coefficients.map { "l1=\(Figures.format($0))" } }

  /// Trains the ReLU-L1 SAE of the point's coefficient and measures it on the held-out rows.
  public static func runSeedPoint(_ index: Int, of toy: IntuitiveToy, progress: (String) -> Void) throws -> Point {
    let l1 = toy.l1Coefficients[index], t = toy.training
    progress("l1 = \(Figures.format(l1))")
    var world = try WorldGenerator(world: toy.world, seed: seeds(toy)["world"]!)
    func single(_ x: Matrix<Double>) -> Matrix<Float> { Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map(Float.init)) }
    let training = single(world.next(toy.trainingSamples).samples), heldOut = single(world.next(toy.evaluationSamples).samples)
    let configuration = TrainingConfiguration(architecture: ReLUL1Architecture(l1Coefficient: l1), width: t.width, batchSize: t.batchSize,
                                              steps: t.steps, learningRate: t.learningRate, seed: seeds(toy)[trainingPath(l1)]!)
    let sae = Trainer.train(configuration, data: training).autoencoder
    let metrics = SAEMetrics.evaluate(sae, on: heldOut, truth: world.dictionary)
    let codes = sae.encode(heldOut), encoder = sae.parameters.encoderWeights, decoder = sae.parameters.decoderWeights
    let live = (0..<codes.columns).filter { i in (0..<codes.rows).contains { codes[$0, i] > 0 } }
    let cosines = live.map { i -> Double in
      var dot = 0.0, e = 0.0, d = 0.0
      for j in 0..<decoder.columns {
        let a = Double(encoder[j, i]), b = Double(decoder[i, j])
        dot += a * b; e += a * a; d += b * b
      }
      return dot / max((e * d).squareRoot(), 1e-300)
    }
    return Point(l1: l1, l0: metrics.l0, fractionOfVarianceUnexplained: 1 - metrics.explainedVariance, deadLatents: metrics.deadLatents,
                 truthMMCS: metrics.meanMaxCosineSimilarity ?? .nan, encoderDecoderCosines: cosines)
  }

  /// One seed's record: its SAEs, the check that they learned the world, and the findings.
  public static func seedRecord(_ toy: IntuitiveToy, results: [Point]) throws -> ReplicateRecord<Results> {
    for (index, result) in results.enumerated() where result.l1 != toy.l1Coefficients[index] {
      throw SweepPointError(index: index, "holds l1 = \(result.l1), expected \(toy.l1Coefficients[index])")
    }
    return ReplicateRecord(results: Results(points: results), seeds: seeds(toy), checks: checks(results), findings: findings(results))
  }

  /// Whether the measurement is sound: the reference SAE (the middle coefficient) recovered the world's features.
  static func checks(_ points: [Point]) -> [CheckResult] {
    let value = reference(points)?.truthMMCS ?? .nan
    return [Check("training/recovery", claim: "The reference SAE (the middle L1 coefficient; as many latents as needed) recovered the world's features: MMCS of the true features to its decoder rows",
                  measured: "MMCS \(Figures.format(value, digits: 4))", [.each(nil, [value], recovers)]).result]
  }

  /// The source's cheap claims on one seed.
  static func findings(_ points: [Point]) -> [FindingMeasurement] {
    let reference = reference(points)
    let cosine = median(reference?.encoderDecoderCosines ?? [])
    func f(_ v: Double) -> String { Figures.format(v, digits: 3) }
    let l0 = points.map(\.l0), fvu = points.map(\.fractionOfVarianceUnexplained)
    let tradeSteps = zip(zip(l0, l0.dropFirst()), zip(fvu, fvu.dropFirst())).map { l, e in min(l.0 - l.1, e.1 - e.0) }
    return [
      FindingMeasurement(
        claim: "Decoder vectors correspond to the features' linear representations: a latent that learned a feature has the feature's vector as its decoder row",
        margin: FindingMargin("MMCS of the true features to the reference SAE's decoder rows", .above, recovers.value), value: reference?.truthMMCS ?? .nan,
        detail: "MMCS " + points.map { "l1=\(Figures.format($0.l1)): \(f($0.truthMMCS))" }.joined(separator: ", ")),
      FindingMeasurement(
        claim: "The encoder and decoder vectors of a feature are different",
        margin: FindingMargin("median over the reference SAE's live latents of cos(encoder column, decoder row)", .below, different), value: cosine,
        detail: "median encoder–decoder cosine " + points.map { "l1=\(Figures.format($0.l1)): \(f(median($0.encoderDecoderCosines)))" }.joined(separator: ", ")),
      FindingMeasurement(
        claim: "Their median cosine similarity is about 0.5",
        margin: FindingMargin("|median encoder–decoder cosine − 0.5| of the reference SAE", .below, aboutHalf), value: abs(cosine - 0.5),
        detail: "median \(f(cosine)) over \(reference?.encoderDecoderCosines.count ?? 0) live latents"),
      FindingMeasurement(
        claim: "L0 trades against reconstruction: a larger L1 coefficient gives a sparser code and a worse reconstruction",
        margin: FindingMargin("smallest over consecutive coefficients of min(L0 drop, FVU rise)", .above, 0), value: tradeSteps.min() ?? .nan,
        detail: points.map { "l1=\(Figures.format($0.l1)): L0 \(f($0.l0)), FVU \(f($0.fractionOfVarianceUnexplained))" }.joined(separator: "; ")),
    ]
  }
}
