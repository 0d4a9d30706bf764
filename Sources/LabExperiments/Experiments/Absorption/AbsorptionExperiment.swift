import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabSolvers
import LabTraining

/// Runs the absorption experiment: at every co-occurrence rate, a TopK SAE, and at every L1
/// coefficient C a ReLU-L1 SAE and exact dictionary learning at λ = C/2 started from the ground truth,
/// all scored against the truth on fresh samples (``GroundTruthMetrics``); and at every rate and
/// target L0 K, BatchTopK, Matryoshka BatchTopK (the remedy proposed against absorption) and JumpReLU
/// trained to the same mean L0 K from the same initialisation, scored with the ground-truth
/// absorption gap of `lab eval` (``AbsorptionGap``) on the same fresh samples.
public enum AbsorptionExperiment {
  /// A candidate of the absorption experiment, by the name its record and report use.
  public enum Method: String, NamedCase {
    /// The SAELens `standard` ReLU-L1 SAE.
    case reluL1 = "relu-l1"
    /// TopK.
    case topK = "topk"
    /// Exact dictionary learning at λ = C/2.
    case dictionaryLearning = "dictionary-learning"
    /// BatchTopK at k = the target L0, evaluated as saved (JumpReLU at its threshold θ).
    case batchTopK = "batchtopk"
    /// Matryoshka BatchTopK at k = the target L0 with the toy's inner widths, evaluated as saved.
    case matryoshka
    /// JumpReLU whose L0 coefficient follows the target-L0 controller.
    case jumpReLU = "jumprelu"
  }

  /// One trained candidate, scored on the evaluation samples.
  public struct Candidate: Codable, Sendable {
    public var method: Method
    /// λ of the per-feature shrinkage bound (C/2; 0 for TopK, whose penalty is outside the theory).
    public var lambda: Double
    public var metrics: GroundTruthMetrics
    /// Per hierarchy: cos(d, g_parent) of the atom matched to the child (0 = faithful, 1/√2 = on the parent + child ray).
    public var childParentCosines: [Double]
    /// Per hierarchy: whether the child's matched latent fires only where the parent's does (support inclusion).
    public var supportInclusions: [Bool]
    /// Per hierarchy edge: the ground-truth absorption gap of `lab eval` on the evaluation samples.
    public var absorptionGaps: [AbsorptionGap]
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

  /// The SAEs trained to one target mean L0 K at one rate, from the same initialisation.
  public struct MatchedL0: Codable, Sendable {
    /// K.
    public var targetL0: Int
    public var batchTopK: Candidate, matryoshka: Candidate, jumpReLU: Candidate

    /// The three candidates in report order.
    public var candidates: [Candidate] { [batchTopK, matryoshka, jumpReLU] }
  }

  /// One co-occurrence rate.
  public struct Rate: Codable, Sendable {
    public var cooccurrence: Double
    /// P(child | parent) of the world, and its share of the evaluated (parent-active) samples.
    public var childGivenParent: Double, childShareOfEvaluated: Double
    public var topK: Candidate
    public var cells: [Cell]
    /// One entry per target L0 of the toy, in its order.
    public var matchedL0: [MatchedL0]
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = AbsorptionToy
    public static var hasFindings: Bool { true }
    public var rates: [Rate]
    /// The stationarity checks of the heat-map cell's ReLU-L1 SAE on the first evaluation samples.
    public var saeStationarity: SAEStationarity?
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// What one sweep point computes.
  public enum PointResult: Codable, Sendable {
    /// A rate point: the rate's statistics and its TopK SAE (`cells` empty; the record collects them).
    case rate(Rate)
    /// A cell point, with the stationarity checks of its ReLU-L1 SAE when it is the heat-map cell.
    case cell(Cell, saeStationarity: SAEStationarity?)
    /// A target-L0 point: its three SAEs.
    case matchedL0(MatchedL0)
  }

  /// The sub-seed path tag of rate `r`.
  static func tag(_ r: Double) -> String { "r=\(Figures.format(r))" }

  /// The sub-seed path of the ReLU-L1 SAE at rate `r` and coefficient `c`.
  static func saePath(_ r: Double, _ c: Double) -> String { "sae/\(tag(r))/C=\(Figures.format(c))" }

  /// The sub-seed path of the three SAEs at rate `r` and target L0 `k` (one initialisation for all three).
  static func matchedPath(_ r: Double, _ k: Int) -> String { "sae/\(tag(r))/L0=\(k)" }

  /// What a sweep point computes.
  enum Point: Equatable {
    /// The rate's own point (its statistics and TopK SAE).
    case rate
    /// The cell of an L1 coefficient.
    case cell(l1: Double)
    /// The SAEs of a target L0.
    case matchedL0(Int)
  }

  /// Sweep point `index` within one seed: each rate's own point, then its cells in the order of
  /// `l1Coefficients`, then its target L0s in the order of `sae.targetL0s`.
  static func point(_ index: Int, of toy: AbsorptionToy) -> (rate: Double, point: Point) {
    let cells = toy.l1Coefficients.count, block = 1 + cells + toy.sae.targetL0s.count, offset = index % block
    let rate = toy.cooccurrenceRates[index / block]
    if offset == 0 { return (rate, .rate) }
    if offset <= cells { return (rate, .cell(l1: toy.l1Coefficients[offset - 1])) }
    return (rate, .matchedL0(toy.sae.targetL0s[offset - 1 - cells]))
  }

  /// The parent of every true feature of the toy's world (children follow their parents), for ``AbsorptionGap``.
  static func parentOfEach(_ toy: AbsorptionToy) -> [Int?] {
    var parents = [Int?](repeating: nil, count: toy.world.featureCount)
    for parent in toy.world.parents { parents[parent + 1] = parent }
    return parents
  }

  /// The training and evaluation samples at rate `r`, each from its own sub-seed.
  static func samples(_ toy: AbsorptionToy, rate r: Double) -> (train: SyntheticDataset, eval: SyntheticDataset) {
    let tree = SeedTree(root: toy.seed)
    var trainGenerator = tree.generator(for: "train/\(tag(r))"), evalGenerator = tree.generator(for: "eval/\(tag(r))")
    return (toy.world.sample(count: toy.trainingSamples, cooccurrence: r, using: &trainGenerator),
            toy.world.sample(count: toy.evaluationSamples, cooccurrence: r, using: &evalGenerator))
  }

  /// The rate's statistics and its TopK SAE.
  static func rate(_ toy: AbsorptionToy, rate r: Double, progress: (String) -> Void) -> Rate {
    progress("co-occurrence \(Figures.format(r)): data and TopK SAE")
    let (train, eval) = samples(toy, rate: r)
    let topK = score(saeMethod: .topK, trainSAE(TopKArchitecture(k: toy.sae.topK), toy: toy, data: train,
                                                 seed: SeedTree(root: toy.seed).seed(for: "sae/\(tag(r))")),
                     lambda: 0, on: eval, toy: toy)
    let evaluated = toy.world.parents.map { p in (0..<eval.codes.rows).filter { eval.codes[$0, p] > 0 } }
    let withChild = zip(toy.world.parents, evaluated).map { p, rows in rows.filter { eval.codes[$0, p + 1] > 0 }.count }
    return Rate(cooccurrence: r, childGivenParent: toy.world.childGivenParent(cooccurrence: r),
                childShareOfEvaluated: Double(withChild.reduce(0, +)) / Double(max(1, evaluated.map(\.count).reduce(0, +))),
                topK: topK, cells: [], matchedL0: [])
  }

  /// BatchTopK, Matryoshka BatchTopK and JumpReLU trained to mean L0 `k` at rate `r`, each from the
  /// same initialisation and batch order, built by ``ArchitectureRegistry`` as `lab train` builds them.
  static func matchedL0(_ toy: AbsorptionToy, rate r: Double, targetL0 k: Int, progress: (String) -> Void) throws -> MatchedL0 {
    progress("co-occurrence \(Figures.format(r)), L0 = \(k): batchtopk, matryoshka and jumprelu SAEs")
    let (train, eval) = samples(toy, rate: r)
    let seed = SeedTree(root: toy.seed).seed(for: matchedPath(r, k))
    func trained(_ kind: ArchitectureKind, _ method: Method, prefixes: [Int]? = nil) throws -> Candidate {
      let architecture = try ArchitectureRegistry.make(kind: kind, options: ArchitectureOptions(k: k, prefixes: prefixes), width: toy.sae.width).get()
      return score(saeMethod: method, trainSAE(architecture, toy: toy, data: train, seed: seed), lambda: 0, on: eval, toy: toy)
    }
    return MatchedL0(targetL0: k, batchTopK: try trained(.batchTopK, .batchTopK),
                     matryoshka: try trained(.matryoshka, .matryoshka, prefixes: toy.sae.matryoshkaPrefixes),
                     jumpReLU: try trained(.jumpReLU, .jumpReLU))
  }

  /// The (r, C) cell: a ReLU-L1 SAE and exact dictionary learning at λ = C/2 from the ground truth, and
  /// the stationarity checks of the SAE when it is the heat-map cell.
  static func cell(_ toy: AbsorptionToy, rate r: Double, l1 c: Double, progress: (String) -> Void) throws -> PointResult {
    progress("co-occurrence \(Figures.format(r)), C = \(Figures.format(c)): ReLU-L1 SAE and dictionary learning")
    let (train, eval) = samples(toy, rate: r)
    let learning = Matrix(rows: toy.dictionarySamples, columns: train.samples.columns,
                          storage: Array(train.samples.storage.prefix(toy.dictionarySamples * train.samples.columns)))
    let lambda = c / 2
    let autoencoder = trainSAE(ReLUL1Architecture(l1Coefficient: c), toy: toy, data: train, seed: SeedTree(root: toy.seed).seed(for: saePath(r, c)))
    let sae = score(saeMethod: .reluL1, autoencoder, lambda: lambda, on: eval, toy: toy)
    var stationarity: SAEStationarity?
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
    let dictionary = score(method: .dictionaryLearning, codes: evalCodes, decoder: fit.problem.dictionary,
                           bias: Array(repeating: 0, count: eval.samples.columns), reconstructions: nil, lambda: lambda, on: eval, toy: toy)
    let cell = Cell(l1: c, lambda: lambda, truthLPK: KKTLinearProgram.closedFormValue(truth),
                    truthScale: Verdict.scale(lambda: lambda, codeTotal: truthCodes.storage.reduce(0, +), loss: truth.loss),
                    truthLoss: truth.loss, sae: sae, dictionary: dictionary, dictionaryLoss: fit.problem.loss, dictionaryKKT: fit.kkt,
                    dictionaryIterations: fit.iterations, dictionaryTermination: fit.termination.rawValue)
    return .cell(cell, saeStationarity: stationarity)
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

  static func score(saeMethod method: Method, _ trained: TrainedSAE, lambda: Double, on eval: SyntheticDataset,
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

  static func score(method: Method, codes: Matrix<Double>, decoder: Matrix<Double>, bias: [Double], reconstructions: Matrix<Double>?,
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
                     absorptionGaps: AbsorptionGap.measure(codes: codes, trueCodes: eval.codes, parents: parentOfEach(toy), matching: matching),
                     cosines: matching.cosines.nestedRows)
  }
}

extension AbsorptionExperiment: ReplicatedSweep {
  /// `r=R/topk` for each co-occurrence rate, followed by `r=R/C=C` for each L1 coefficient and
  /// `r=R/L0=K` for each target L0.
  public static func seedPoints(_ toy: AbsorptionToy) -> [String] {
    toy.cooccurrenceRates.flatMap { r in
      ["\(tag(r))/topk"] + toy.l1Coefficients.map { "\(tag(r))/C=\(Figures.format($0))" } + toy.sae.targetL0s.map { "\(tag(r))/L0=\($0)" }
    }
  }

  /// The point's rate statistics and TopK SAE, its cell, or its SAEs at a target L0.
  public static func runSeedPoint(_ index: Int, of toy: AbsorptionToy, progress: (String) -> Void) throws -> PointResult {
    let (r, kind) = point(index, of: toy)
    switch kind {
    case .rate: return .rate(rate(toy, rate: r, progress: progress))
    case .cell(let c): return try cell(toy, rate: r, l1: c, progress: progress)
    case .matchedL0(let k): return .matchedL0(try matchedL0(toy, rate: r, targetL0: k, progress: progress))
    }
  }

  /// Collects one seed's cells under their rates and judges the checks and findings.
  public static func seedRecord(_ toy: AbsorptionToy, results: [PointResult]) throws -> ReplicateRecord<Results> {
    let tree = SeedTree(root: toy.seed)
    var seeds: [String: UInt64] = [:]
    for r in toy.cooccurrenceRates {
      for path in ["train/\(tag(r))", "eval/\(tag(r))", "sae/\(tag(r))"] + toy.l1Coefficients.map({ saePath(r, $0) })
        + toy.sae.targetL0s.map({ matchedPath(r, $0) }) { seeds[path] = tree.seed(for: path) }
    }
    var rates: [Rate] = [], stationarity: SAEStationarity?
    for (index, result) in results.enumerated() {
      let (r, kind) = point(index, of: toy)
      switch (result, kind) {
      case (.rate(let rate), .rate) where rate.cooccurrence == r && rate.cells.isEmpty && rate.matchedL0.isEmpty: rates.append(rate)
      case (.cell(let cell, let assessment), .cell(let c)) where cell.l1 == c:
        rates[rates.count - 1].cells.append(cell)
        if assessment != nil { stationarity = assessment }
      case (.matchedL0(let matched), .matchedL0(let k)) where matched.targetL0 == k:
        rates[rates.count - 1].matchedL0.append(matched)
      default:
        throw SweepPointError(index: index, "does not hold the result of point '\(seedPoints(toy)[index])'")
      }
    }
    return ReplicateRecord(results: Results(rates: rates, saeStationarity: stationarity), seeds: seeds,
                           checks: AbsorptionVerdict.checks(toy: toy, rates: rates), findings: AbsorptionVerdict.findings(toy: toy, rates: rates))
  }
}

