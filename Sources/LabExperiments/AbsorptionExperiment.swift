import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabSolvers
import LabTraining

/// Runs the absorption experiment: at every co-occurrence rate, a TopK SAE, and at every L1
/// coefficient C a ReLU-L1 SAE and exact dictionary learning at λ = C/2 started from the ground truth,
/// all scored against the truth on fresh samples (``GroundTruthMetrics``).
public enum AbsorptionExperiment {
  /// One trained candidate, scored on the evaluation samples.
  public struct Candidate: Codable, Sendable {
    /// `relu-l1`, `topk` or `dictionary-learning`.
    public var method: String
    /// λ of the per-feature shrinkage bound (C/2; 0 for TopK, whose penalty is outside the theory).
    public var lambda: Double
    public var metrics: GroundTruthMetrics
    /// Per hierarchy: cos(d, g_parent) of the atom matched to the child (0 = faithful, 1/√2 = on the parent + child ray).
    public var childParentCosines: [Double]
    /// Per hierarchy: whether the child's matched latent fires only where the parent's does (support inclusion).
    public var supportInclusions: [Bool]
    /// Decoder-vs-truth cosines, F×K.
    public var cosines: [[Double]]
    /// SAEs only: the training loss (the batch's full objective) every few steps, as [step, loss];
    /// absent for dictionary learning and in records written before it was recorded.
    public var trainingLoss: [[Double]]?
  }

  /// One (rate, C) cell.
  public struct Cell: Codable, Sendable {
    public var l1: Double, lambda: Double
    /// At the ground truth with exact codes (the dictionary-learning samples): LP-K by its closed form, the verdict scale λΣz and the loss.
    public var truthLPK: Double, truthScale: Double, truthLoss: Double
    public var sae: Candidate
    public var dictionary: Candidate
    /// Dictionary learning's end state on its samples.
    public var dictionaryLoss: Double, dictionaryKKT: KKTResiduals, dictionaryIterations: Int, dictionaryTermination: String
  }

  /// One co-occurrence rate.
  public struct Rate: Codable, Sendable {
    public var cooccurrence: Double
    /// P(child | parent) of the world, and its share of the evaluated (parent-active) samples.
    public var childGivenParent: Double, childShareOfEvaluated: Double
    public var topK: Candidate
    public var cells: [Cell]
  }

  /// The run record.
  public struct Record: Codable, Sendable {
    public var toy: AbsorptionToy
    public var seeds: [String: UInt64]
    public var rates: [Rate]
    public var checks: [CheckResult]
    public var findings: [Finding]
    /// The stationarity checks of the heat-map cell's ReLU-L1 SAE on the first evaluation samples.
    public var saeStationarity: SAEStationarity?
    public var provenance: Provenance?
    /// How the run was invoked (the reproduce command; quick or full).
    public var invocation: RunInvocation?
  }

  /// A statement of the source document and whether this run reproduced it.
  public struct Finding: Codable, Sendable, Equatable {
    public var statement: String, measured: String, reproduced: Bool
  }

  /// Runs `toy`; `progress` receives one short line per stage.
  public static func run(_ toy: AbsorptionToy, progress: (String) -> Void = { _ in }) throws -> Record {
    let tree = SeedTree(root: toy.seed)
    var seeds: [String: UInt64] = [:]
    var rates: [Rate] = []
    var stationarity: SAEStationarity?
    for r in toy.cooccurrenceRates {
      let tag = "r=\(Figures.format(r))"
      progress("co-occurrence \(Figures.format(r)): data and TopK SAE")
      for path in ["train/\(tag)", "eval/\(tag)", "sae/\(tag)"] { seeds[path] = tree.seed(for: path) }
      var trainGenerator = tree.generator(for: "train/\(tag)"), evalGenerator = tree.generator(for: "eval/\(tag)")
      let train = toy.world.sample(count: toy.trainingSamples, cooccurrence: r, using: &trainGenerator)
      let eval = toy.world.sample(count: toy.evaluationSamples, cooccurrence: r, using: &evalGenerator)
      let topK = score(saeMethod: "topk", trainSAE(TopKArchitecture(k: toy.sae.topK), toy: toy, data: train, seed: tree.seed(for: "sae/\(tag)")),
                       lambda: 0, on: eval, toy: toy)
      let learning = Matrix(rows: toy.dictionarySamples, columns: train.samples.columns,
                            storage: Array(train.samples.storage.prefix(toy.dictionarySamples * train.samples.columns)))
      var cells: [Cell] = []
      for c in toy.l1Coefficients {
        progress("co-occurrence \(Figures.format(r)), C = \(Figures.format(c)): ReLU-L1 SAE and dictionary learning")
        let lambda = c / 2
        let saePath = "sae/\(tag)/C=\(Figures.format(c))"
        seeds[saePath] = tree.seed(for: saePath)
        let autoencoder = trainSAE(ReLUL1Architecture(l1Coefficient: c), toy: toy, data: train, seed: tree.seed(for: saePath))
        let sae = score(saeMethod: "relu-l1", autoencoder, lambda: lambda, on: eval, toy: toy)
        if r == toy.heatMapRate && c == toy.heatMapL1 {
          progress("co-occurrence \(Figures.format(r)), C = \(Figures.format(c)): stationarity of the SAE")
          let rows = toy.stationaritySamples, m = eval.samples.columns
          stationarity = try SAEStationarity.assess(autoencoder.autoencoder, samples: Matrix(rows: rows, columns: m, storage: Array(eval.samples.storage.prefix(rows * m))),
                                                    lambda: lambda, source: "the relu-l1 SAE", dataSource: "the evaluation samples")
        }
        let truthCodes = NonnegativeLasso(dictionary: train.dictionary, lambda: lambda).codes(for: learning, bias: nil)
        let truth = SparseCodingProblem(samples: learning, dictionary: train.dictionary, bias: nil, codes: truthCodes, lambda: lambda)
        let fit = BlockMinimization.fit(samples: learning, initialDictionary: train.dictionary, initialBias: nil, lambda: lambda,
                                        configuration: toy.dictionaryLearning)
        let evalCodes = NonnegativeLasso(dictionary: fit.problem.dictionary, lambda: lambda).codes(for: eval.samples, bias: nil)
        let dictionary = score(method: "dictionary-learning", codes: evalCodes, decoder: fit.problem.dictionary,
                               bias: Array(repeating: 0, count: eval.samples.columns), reconstructions: nil, lambda: lambda, on: eval, toy: toy)
        cells.append(Cell(l1: c, lambda: lambda, truthLPK: KKTLinearProgram.closedFormValue(truth),
                          truthScale: Verdict.scale(lambda: lambda, codeTotal: truthCodes.storage.reduce(0, +), loss: truth.loss),
                          truthLoss: truth.loss, sae: sae, dictionary: dictionary, dictionaryLoss: fit.problem.loss, dictionaryKKT: fit.kkt,
                          dictionaryIterations: fit.iterations, dictionaryTermination: fit.termination.rawValue))
      }
      let evaluated = toy.world.parents.map { p in (0..<eval.codes.rows).filter { eval.codes[$0, p] > 0 } }
      let withChild = zip(toy.world.parents, evaluated).map { p, rows in rows.filter { eval.codes[$0, p + 1] > 0 }.count }
      rates.append(Rate(cooccurrence: r, childGivenParent: toy.world.childGivenParent(cooccurrence: r),
                        childShareOfEvaluated: Double(withChild.reduce(0, +)) / Double(max(1, evaluated.map(\.count).reduce(0, +))),
                        topK: topK, cells: cells))
    }
    let checks = AbsorptionVerdict.checks(toy: toy, rates: rates)
    return Record(toy: toy, seeds: seeds, rates: rates, checks: checks, findings: AbsorptionVerdict.findings(toy: toy, rates: rates),
                  saeStationarity: stationarity, provenance: nil, invocation: nil)
  }

  /// Runs `toy` and packages its report, run record and heat map.
  public static func product(_ toy: AbsorptionToy, progress: (String) -> Void) throws -> ExperimentProduct {
    let record = try run(toy, progress: progress)
    return ExperimentProduct(checks: record.checks) { provenance, invocation in
      var record = record
      record.provenance = provenance
      record.invocation = invocation
      return try record.allFiles(id: toy.id)
    }
  }

  /// A trained SAE and its training loss history.
  typealias TrainedSAE = (autoencoder: SparseAutoencoder<Float>, trainingLoss: [[Double]])

  static func trainSAE(_ architecture: any SAEArchitecture, toy: AbsorptionToy, data: SyntheticDataset, seed: UInt64) -> TrainedSAE {
    let configuration = TrainingConfiguration(architecture: architecture, width: toy.sae.width, batchSize: toy.sae.batchSize,
                                              steps: toy.sae.steps, learningRate: toy.sae.learningRate, seed: seed)
    let x = Matrix(rows: data.samples.rows, columns: data.samples.columns, storage: data.samples.storage.map(Float.init))
    let history = LossHistoryRecorder(steps: toy.sae.steps)
    let autoencoder = Trainer.train(configuration, data: x, progressInterval: history.interval, progress: history.record).autoencoder
    return (autoencoder, history.entries)
  }

  static func score(saeMethod method: String, _ trained: TrainedSAE, lambda: Double, on eval: SyntheticDataset,
                    toy: AbsorptionToy) -> Candidate {
    let autoencoder = trained.autoencoder
    let x = Matrix(rows: eval.samples.rows, columns: eval.samples.columns, storage: eval.samples.storage.map(Float.init))
    let z = autoencoder.encode(x)
    func double(_ m: Matrix<Float>) -> Matrix<Double> { Matrix(rows: m.rows, columns: m.columns, storage: m.storage.map(Double.init)) }
    var candidate = score(method: method, codes: double(z), decoder: double(autoencoder.parameters.decoderWeights),
                          bias: autoencoder.parameters.decoderBias.map(Double.init), reconstructions: double(autoencoder.decode(z)),
                          lambda: lambda, on: eval, toy: toy)
    candidate.trainingLoss = trained.trainingLoss
    return candidate
  }

  static func score(method: String, codes: Matrix<Double>, decoder: Matrix<Double>, bias: [Double], reconstructions: Matrix<Double>?,
                    lambda: Double, on eval: SyntheticDataset, toy: AbsorptionToy) -> Candidate {
    let metrics = GroundTruthMetrics.evaluate(inputs: eval.samples, codes: codes, decoder: decoder, bias: bias,
                                              reconstructions: reconstructions, truth: eval.dictionary, trueCodes: eval.codes,
                                              parents: toy.world.parents, lambda: lambda, binEdges: toy.magnitudeBins)
    let matching = FeatureMatching(decoder: decoder, truth: eval.dictionary)
    var cosines: [Double] = [], inclusions: [Bool] = []
    for parent in toy.world.parents {
      guard let child = matching.matchedLatents(of: parent + 1).first, let main = matching.matchedLatents(of: parent).first else {
        cosines.append(.nan); inclusions.append(false); continue
      }
      cosines.append(matching.cosines[child, parent])
      let active = (0..<codes.rows).filter { codes[$0, child] > 0 }
      inclusions.append(!active.isEmpty && active.allSatisfy { codes[$0, main] > 0 })
    }
    return Candidate(method: method, lambda: lambda, metrics: metrics, childParentCosines: cosines, supportInclusions: inclusions,
                     cosines: matching.cosines.nestedRows)
  }
}
