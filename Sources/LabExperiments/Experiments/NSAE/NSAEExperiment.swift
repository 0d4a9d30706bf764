import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabTraining

/// Runs the normalised-SAE experiment (seeds/004 on a toy model of superposition; see ``NSAEToy``).
public enum NSAEExperiment {
  /// One SAE trained on one layer and measured on the held-out inputs.
  public struct SAEResult: Codable, Sendable {
    /// `relu-l1` or `nsae`.
    public var architecture: String
    /// λ for `relu-l1`, α for `nsae`.
    public var coefficient: Double
    /// Mean number of nonzero codes.
    public var l0: Double
    /// Mean of the penalised sum: Σ_i z_i‖d_i‖ for `relu-l1` (the codes of unit-norm atoms), Σ_i c_i for `nsae`.
    public var l1: Double
    /// SAELens shrinkage mean_t ‖x̂_t‖/‖x_t‖ and the NSAE ratio of sums Σ‖x̂_t‖/Σ‖x_t‖.
    public var shrinkage: Double, normRatio: Double
    public var explainedVariance: Double
    public var deadLatents: Int
    /// The reconstruction patched into the toy model (divided by the layer's scale).
    public var patch: PatchingMetrics.Result
  }

  /// One layer: the toy model's hidden layer scaled by `scale`.
  public struct Layer: Codable, Sendable {
    public var scale: Double
    /// Mean ‖s·h‖ over the training rows.
    public var meanInputNorm: Double
    /// The ReLU-L1 SAE at the fixed λ and the NSAE at the fixed α.
    public var baseline: SAEResult, nsae: SAEResult
    /// The ReLU-L1 SAEs of the matching sweep.
    public var sweep: [SAEResult]
    /// The ReLU-L1 reconstruction score at the NSAE's L0, interpolated linearly in L0 between the
    /// two ReLU-L1 SAEs of this layer (sweep and fixed λ) whose L0 bracket it; nil when none do.
    public var matchedBaselineScore: Double?
    /// The layer patched back unchanged (s·h, divided by s) and replaced by zeros.
    public var identityPatch: PatchingMetrics.Result, zeroPatch: PatchingMetrics.Result
  }

  /// The trained toy model.
  public struct ToyModelSummary: Codable, Sendable {
    /// The loss on the training rows before and after training.
    public var initialLoss: Double, finalLoss: Double
    /// ‖W_i‖, the norm of each feature's hidden direction (feature i is represented when it is near 1).
    public var featureNorms: [Double]
    /// The held-out losses with the hidden layer clean and zero-ablated.
    public var cleanLoss: Double, zeroLoss: Double
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = NSAEToy
    public static var hasFindings: Bool { true }
    public var toyModel: ToyModelSummary
    public var layers: [Layer]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// What one sweep point (a layer) computes: the layer, and the summary of the toy model it was
  /// cut from, which every point trains alike and the record shows once.
  public struct LayerResult: Codable, Sendable {
    public var toyModel: ToyModelSummary
    public var layer: Layer
  }

  /// The trained toy model every layer is cut from, with the held-out rows, the hidden layer on
  /// the training and held-out rows, and the feature importance.
  struct TrainedToyModel {
    var model: SuperpositionToyModel
    var summary: ToyModelSummary
    var evaluation: Matrix<Double>, trainingHidden: Matrix<Double>, evaluationHidden: Matrix<Double>
    var importance: [Double]

    /// Draws the world's rows and trains the toy model on them (a function of the toy alone).
    init(_ toy: NSAEToy, progress: (String) -> Void) throws {
      let seeds = NSAEExperiment.seeds(toy)
      var world = try WorldGenerator(world: toy.world, seed: seeds["world"]!)
      let training = world.next(toy.trainingSamples).codes
      evaluation = world.next(toy.evaluationSamples).codes
      importance = (0..<toy.world.featureCount).map { pow(toy.toyModel.importanceDecay, Double($0)) }

      progress("training the toy model")
      let t = toy.toyModel
      let trained = ToyModelTrainer.train(
        ToyModelTrainingConfiguration(hiddenDimension: t.hiddenDimension, importance: importance, batchSize: t.batchSize, steps: t.steps,
                                      learningRate: t.learningRate, seed: seeds["toy-model"]!),
        data: training)
      model = trained.model
      trainingHidden = model.hidden(training)
      evaluationHidden = model.hidden(evaluation)
      let clean = PatchingMetrics.evaluate(model, inputs: evaluation, patchedHidden: evaluationHidden, importance: importance)
      let w = model.weights
      summary = ToyModelSummary(initialLoss: trained.initialLoss, finalLoss: trained.finalLoss,
                                featureNorms: (0..<w.columns).map { i in w.column(i).reduce(0) { $0 + $1 * $1 }.squareRoot() },
                                cleanLoss: clean.cleanLoss, zeroLoss: clean.zeroLoss)
    }
  }

  /// The named sub-seeds: the world's rows, the toy model's training and the SAEs' training.
  static func seeds(_ toy: NSAEToy) -> [String: UInt64] {
    let tree = SeedTree(root: toy.seed)
    return ["world": tree.seed(for: "world"), "toy-model": tree.seed(for: "toy-model"), "sae": tree.seed(for: "sae")]
  }

  /// Layer `scale`: the toy model's hidden layer times `scale`, its SAEs and its patches.
  static func layer(_ scale: Double, of toy: NSAEToy, _ trained: TrainedToyModel, progress: (String) -> Void) -> Layer {
    let model = trained.model, evaluation = trained.evaluation, importance = trained.importance
    let trainingHidden = trained.trainingHidden, evaluationHidden = trained.evaluationHidden, saeSeed = seeds(toy)["sae"]!
    let layerTraining = Matrix(rows: trainingHidden.rows, columns: trainingHidden.columns, storage: trainingHidden.storage.map { Float(scale * $0) })
    let layerEvaluation = Matrix(rows: evaluationHidden.rows, columns: evaluationHidden.columns,
                                 storage: evaluationHidden.storage.map { Float(scale * $0) })
    func patch(_ layerValues: Matrix<Double>) -> PatchingMetrics.Result {
      let unscaled = Matrix(rows: layerValues.rows, columns: layerValues.columns, storage: layerValues.storage.map { $0 / scale })
      return PatchingMetrics.evaluate(model, inputs: evaluation, patchedHidden: unscaled, importance: importance)
    }
    func train(_ architecture: any SAEArchitecture, coefficient: Double) -> SAEResult {
      let s = toy.sae
      let configuration = TrainingConfiguration(architecture: architecture, width: s.width, batchSize: s.batchSize, steps: s.steps,
                                                learningRate: s.learningRate, seed: saeSeed)
      let sae = Trainer.train(configuration, data: layerTraining).autoencoder
      return measure(sae, coefficient: coefficient, on: layerEvaluation, patch: patch)
    }
    progress("layer ×\(Figures.format(scale)): ReLU-L1 and NSAE")
    let baseline = train(ReLUL1Architecture(l1Coefficient: toy.sae.baselineL1), coefficient: toy.sae.baselineL1)
    let nsae = train(NormalizedSAEArchitecture(alpha: toy.sae.nsaeAlpha, noiseSigma: toy.sae.noiseSigma), coefficient: toy.sae.nsaeAlpha)
    progress("layer ×\(Figures.format(scale)): ReLU-L1 sweep")
    let sweep = toy.sae.sweepFactors.map { factor in
      let coefficient = toy.sae.baselineL1 * scale * factor
      return train(ReLUL1Architecture(l1Coefficient: coefficient), coefficient: coefficient)
    }
    let scaled = Matrix(rows: evaluationHidden.rows, columns: evaluationHidden.columns, storage: evaluationHidden.storage.map { scale * $0 })
    return Layer(scale: scale, meanInputNorm: Trainer.meanRowNorm(layerTraining), baseline: baseline, nsae: nsae, sweep: sweep,
                 matchedBaselineScore: interpolatedScore(at: nsae.l0, among: sweep + [baseline]),
                 identityPatch: patch(scaled), zeroPatch: patch(Matrix(rows: scaled.rows, columns: scaled.columns)))
  }

  /// The metrics of `sae` on the layer's held-out rows `x`; `patch` puts a reconstruction of the
  /// layer into the toy model.
  private static func measure(_ sae: SparseAutoencoder<Float>, coefficient: Double, on x: Matrix<Float>,
                              patch: (Matrix<Double>) -> PatchingMetrics.Result) -> SAEResult {
    let codes = sae.encode(x), reconstruction = sae.decode(codes)
    var statistics = ReconstructionStatistics(dimension: x.columns)
    statistics.add(inputs: x, reconstructions: reconstruction)
    let f = codes.columns, decoder = sae.parameters.decoderWeights
    let weights: [Double] = (0..<f).map { i in
      if case .decoderNormWeightedL1 = sae.architecture.penalty { return decoder.row(i).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
      return 1
    }
    var active = 0, l1 = 0.0, fired = [Bool](repeating: false, count: f)
    for r in 0..<codes.rows {
      for i in 0..<f where codes.storage[r * f + i] != 0 {
        active += 1
        fired[i] = true
        l1 += Double(codes.storage[r * f + i]) * weights[i]
      }
    }
    let n = Double(x.rows)
    return SAEResult(architecture: sae.architecture.kind, coefficient: coefficient, l0: Double(active) / n, l1: l1 / n,
                     shrinkage: statistics.shrinkage, normRatio: statistics.normRatioOfSums, explainedVariance: statistics.explainedVariance,
                     deadLatents: fired.filter { !$0 }.count,
                     patch: patch(Matrix(rows: reconstruction.rows, columns: reconstruction.columns, storage: reconstruction.storage.map(Double.init))))
  }

  /// The score at L0 `target` on the piecewise-linear curve through `results` sorted by L0; nil
  /// when `target` lies outside their L0 range.
  static func interpolatedScore(at target: Double, among results: [SAEResult]) -> Double? {
    let points = results.map { ($0.l0, $0.patch.reconstructionScore) }.sorted { $0.0 < $1.0 }
    for (a, b) in zip(points, points.dropFirst()) where a.0 <= target && target <= b.0 {
      return b.0 == a.0 ? (a.1 + b.1) / 2 : a.1 + (target - a.0) / (b.0 - a.0) * (b.1 - a.1)
    }
    return nil
  }
}

extension NSAEExperiment: ReplicatedSweep {
  public typealias PointResult = LayerResult

  /// One point per layer, `s=S` for every scale S.
  public static func seedPoints(_ toy: NSAEToy) -> [String] { toy.scales.map { "s=\(Figures.format($0))" } }

  /// Trains the toy model and measures the point's layer.
  public static func runSeedPoint(_ index: Int, of toy: NSAEToy, progress: (String) -> Void) throws -> LayerResult {
    try runSeedPoints([index], of: toy, progress: progress)[0]
  }

  /// Trains the toy model once (it is the same for every layer) and measures each point's layer.
  public static func runSeedPoints(_ indices: [Int], of toy: NSAEToy, progress: (String) -> Void) throws -> [LayerResult] {
    guard !indices.isEmpty else { return [] }
    let trained = try TrainedToyModel(toy, progress: progress)
    return indices.map { LayerResult(toyModel: trained.summary, layer: layer(toy.scales[$0], of: toy, trained, progress: progress)) }
  }

  /// The layers under the toy model's summary, with the findings and checks judged on them.
  public static func seedRecord(_ toy: NSAEToy, results: [LayerResult]) throws -> ReplicateRecord<Results> {
    let summary = try RecordEncoding.encode(results[0].toyModel)
    for (index, result) in results.enumerated() {
      guard result.layer.scale == toy.scales[index] else {
        throw SweepPointError(index: index, "holds the layer ×\(result.layer.scale), expected ×\(toy.scales[index])")
      }
      guard try RecordEncoding.encode(result.toyModel) == summary else {
        throw SweepPointError(index: index, "holds a different toy model from point 0's (field 'toyModel')")
      }
    }
    let record = Record(toy: toy, seeds: seeds(toy), results: Results(toyModel: results[0].toyModel, layers: results.map(\.layer)), checks: [])
    return ReplicateRecord(results: record.results, seeds: record.seeds, checks: NSAEFindings.checks(record), findings: NSAEFindings.findings(record))
  }
}

