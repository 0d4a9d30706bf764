import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabSolvers
import LabTraining

/// Runs the suppression experiment: at every input scale, the same samples multiplied by the scale;
/// four SAEs (ReLU-L1 as SAELens, ReLU-L1 with a unit-norm decoder, TopK, normalised), exact
/// dictionary learning at λ = C/2, and exact lasso codes on the ReLU-L1 SAE's normalised decoder,
/// all measured on fresh samples: shrinkage by input norm (``InputNormShrinkage``) and every
/// ground-truth metric, per-feature shrinkage included (``GroundTruthMetrics``).
public enum SuppressionExperiment {
  /// The SAE architectures trained at every scale, by method name.
  public static let saeMethods: [SuppressionMethod] = [.reluL1, .reluL1Unit, .topK, .nsae]
  /// The candidates with exact (optimal) codes of a unit-norm dictionary, to which Theorem 8.3 applies.
  public static let exactMethods: [SuppressionMethod] = [.dictionaryLearning, .reluL1Exact]

  /// One candidate, measured on the evaluation samples.
  public struct Candidate: Codable, Sendable {
    public var method: SuppressionMethod
    /// λ of its own L1 problem (C/2 for the ReLU-L1 SAEs and the exact candidates), or nil outside the theory (TopK, NSAE).
    public var lambda: Double?
    public var metrics: GroundTruthMetrics
    /// Shrinkage by input norm, beside the bound at λ = C/2.
    public var byNorm: InputNormShrinkage
    /// Mean over samples of Σ_j z_j‖d_j‖ (the decoder-norm-weighted L1 of the codes).
    public var meanWeightedL1: Double
    /// For exact codes: max over samples of |‖x − b‖² − ‖x̂ − b‖² − ‖r‖² − 2λ‖z‖₁| / max(1, ‖x − b‖²) (Theorem 8.3's identity); nil otherwise.
    public var normIdentityGap: Double?
  }

  /// One input scale.
  public struct Scale: Codable, Sendable {
    public var scale: Double
    /// mean ‖x‖ of the training samples (the NSAE's β = α·mean(‖x‖)²).
    public var meanInputNorm: Double
    /// The edges of the input-norm bins (equally filled on the evaluation samples).
    public var normEdges: [Double]
    public var candidates: [Candidate]
    /// Dictionary learning's end state on its samples.
    public var dictionaryKKT: KKTResiduals, dictionaryIterations: Int, dictionaryTermination: String
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = SuppressionToy
    public static var hasFindings: Bool { true }
    public var scales: [Scale]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// λ = C/2 of the toy's L1 coefficient (THEORY §9).
  static func lambda(_ toy: SuppressionToy) -> Double { toy.l1Coefficient / 2 }

  /// What one sweep point computes.
  public enum PointResult: Codable, Sendable {
    /// An SAE, and for `relu-l1` the exact codes on its normalised decoder (`relu-l1-exact`).
    case sae(Candidate, exactCodes: Candidate?)
    /// Dictionary learning, with its end state on its samples.
    case dictionary(Candidate, kkt: KKTResiduals, iterations: Int, termination: String)
  }

  /// The methods of the sweep points at each scale: the SAEs, then dictionary learning (the
  /// `relu-l1` point also computes `relu-l1-exact`, which needs its SAE).
  static let pointMethods = saeMethods + [exactMethods[0]]

  /// The (scale, method) of sweep point `index`: every method at each scale in turn.
  static func point(_ index: Int, of toy: SuppressionToy) -> (scale: Double, method: SuppressionMethod) {
    (toy.inputScales[index / pointMethods.count], pointMethods[index % pointMethods.count])
  }

  /// The named sub-seeds: the world's samples and each SAE's training.
  static func seeds(_ toy: SuppressionToy) -> [String: UInt64] {
    let tree = SeedTree(root: toy.seed)
    var seeds = ["world": tree.seed(for: "world")]
    for method in saeMethods { seeds["sae/\(method)"] = tree.seed(for: "sae/\(method)") }
    return seeds
  }

  /// The SAE architecture of `method` and the λ of its own L1 problem (nil outside the theory);
  /// nil for the candidates that are not SAEs.
  static func architecture(_ method: SuppressionMethod, toy: SuppressionToy) -> (architecture: any SAEArchitecture, lambda: Double?)? {
    let c = toy.l1Coefficient
    switch method {
    case .reluL1: return (ReLUL1Architecture(l1Coefficient: c), lambda(toy))
    case .reluL1Unit: return (UnitNormReLUL1Architecture(l1Coefficient: c), lambda(toy))
    case .topK: return (TopKArchitecture(k: toy.topK), nil)
    case .nsae: return (NormalizedSAEArchitecture(alpha: toy.nsaeAlpha, noiseSigma: toy.nsaeNoise), nil)
    case .dictionaryLearning, .reluL1Exact: return nil
    }
  }

  /// The samples at one scale and what every candidate there is measured on. One world (its
  /// directions come from the seed), one stream: the training samples, then the evaluation
  /// samples, multiplied by the scale.
  struct ScaleSamples {
    var train: SyntheticDataset
    /// mean ‖x‖ of the training samples.
    var meanInputNorm: Double
    var context: Context

    init(_ toy: SuppressionToy, scale s: Double) throws {
      var generator = try WorldGenerator(world: toy.world, seed: SuppressionExperiment.seeds(toy)["world"]!)
      let train = generator.dataset(count: toy.trainingSamples), eval = generator.dataset(count: toy.evaluationSamples)
      self.train = SuppressionExperiment.scaled(train, by: s)
      let scaledEval = SuppressionExperiment.scaled(eval, by: s)
      let trainNorms = InputNormShrinkage.norms(self.train.samples)
      meanInputNorm = trainNorms.reduce(0, +) / Double(trainNorms.count)
      let edges = InputNormShrinkage.quantileEdges(of: InputNormShrinkage.norms(scaledEval.samples), bins: toy.normBins)
      context = Context(toy: toy, eval: scaledEval, edges: edges, magnitudeEdges: toy.magnitudeBins.map { $0 * s },
                        boundLambda: SuppressionExperiment.lambda(toy))
    }
  }

  /// The dataset with samples and true codes multiplied by `s`.
  static func scaled(_ data: SyntheticDataset, by s: Double) -> SyntheticDataset {
    var data = data
    data.samples.storage = data.samples.storage.map { $0 * s }
    data.codes.storage = data.codes.storage.map { $0 * s }
    return data
  }

  /// The SAE of `method` at scale `s`, measured; for `relu-l1` also the exact codes on its normalised decoder.
  static func sae(_ method: SuppressionMethod, scale s: Double, toy: SuppressionToy, _ samples: ScaleSamples, progress: (String) -> Void) -> PointResult? {
    guard let (architecture, ownLambda) = architecture(method, toy: toy) else { return nil }
    progress("scale \(Figures.format(s)): \(method) SAE")
    let train = samples.train
    let x = Matrix(rows: train.samples.rows, columns: train.samples.columns, storage: train.samples.storage.map(Float.init))
    let configuration = TrainingConfiguration(architecture: architecture, width: toy.training.width, batchSize: toy.training.batchSize,
                                              steps: toy.training.steps, learningRate: toy.training.learningRate, seed: seeds(toy)["sae/\(method)"]!)
    let autoencoder = Trainer.train(configuration, data: x).autoencoder
    let candidate = samples.context.score(method: method, autoencoder, lambda: ownLambda)
    guard method == .reluL1 else { return .sae(candidate, exactCodes: nil) }
    let decoder = BlockMinimization.normalizedRows(double(autoencoder.parameters.decoderWeights))
    return .sae(candidate, exactCodes: samples.context.score(method: exactMethods[1], exactCodesFor: decoder,
                                                             bias: autoencoder.parameters.decoderBias.map(Double.init), lambda: lambda(toy)))
  }

  /// Exact dictionary learning at λ = C/2 from the ground truth on the first training samples at scale `s`, measured.
  static func dictionary(scale s: Double, toy: SuppressionToy, _ samples: ScaleSamples, progress: (String) -> Void) -> PointResult {
    progress("scale \(Figures.format(s)): dictionary learning")
    let train = samples.train, m = train.samples.columns, lambda = lambda(toy)
    let learning = Matrix(rows: toy.dictionarySamples, columns: m, storage: Array(train.samples.storage.prefix(toy.dictionarySamples * m)))
    let fit = BlockMinimization.fit(samples: learning, initialDictionary: train.dictionary, initialBias: nil, lambda: lambda,
                                    configuration: toy.dictionaryLearning)
    let candidate = samples.context.score(method: exactMethods[0], exactCodesFor: fit.problem.dictionary, bias: [Double](repeating: 0, count: m),
                                          lambda: lambda)
    return .dictionary(candidate, kkt: fit.kkt, iterations: fit.iterations, termination: fit.termination.rawValue)
  }

  static func double(_ m: Matrix<Float>) -> Matrix<Double> { Matrix(rows: m.rows, columns: m.columns, storage: m.storage.map(Double.init)) }

  /// What every candidate at one scale is measured on.
  struct Context {
    var toy: SuppressionToy
    var eval: SyntheticDataset
    var edges: [Double], magnitudeEdges: [Double]
    /// λ = C/2 of the bound drawn beside every candidate.
    var boundLambda: Double

    /// An SAE with its own encoder's codes and its own reconstruction.
    func score(method: SuppressionMethod, _ autoencoder: SparseAutoencoder<Float>, lambda: Double?) -> Candidate {
      let x = Matrix(rows: eval.samples.rows, columns: eval.samples.columns, storage: eval.samples.storage.map(Float.init))
      let z = autoencoder.encode(x)
      return score(method: method, codes: SuppressionExperiment.double(z), decoder: SuppressionExperiment.double(autoencoder.parameters.decoderWeights),
                   bias: autoencoder.parameters.decoderBias.map(Double.init), reconstructions: SuppressionExperiment.double(autoencoder.decode(z)),
                   lambda: lambda, identity: false)
    }

    /// Exact nonnegative lasso codes at λ for a unit-norm `decoder` and `bias`.
    func score(method: SuppressionMethod, exactCodesFor decoder: Matrix<Double>, bias: [Double], lambda: Double) -> Candidate {
      let codes = NonnegativeLasso(dictionary: decoder, lambda: lambda).codes(for: eval.samples, bias: bias)
      var xhat = codes.multiplied(by: decoder)
      for t in 0..<xhat.rows { for d in 0..<xhat.columns { xhat[t, d] += bias[d] } }
      return score(method: method, codes: codes, decoder: decoder, bias: bias, reconstructions: xhat, lambda: lambda, identity: true)
    }

    func score(method: SuppressionMethod, codes: Matrix<Double>, decoder: Matrix<Double>, bias: [Double], reconstructions: Matrix<Double>,
               lambda: Double?, identity: Bool) -> Candidate {
      let metrics = GroundTruthMetrics.evaluate(inputs: eval.samples, codes: codes, decoder: decoder, bias: bias, reconstructions: reconstructions,
                                                truth: eval.dictionary, trueCodes: eval.codes, parents: [], lambda: boundLambda,
                                                binEdges: magnitudeEdges)
      let byNorm = InputNormShrinkage.measure(inputs: eval.samples, reconstructions: reconstructions, bias: bias, lambda: boundLambda, edges: edges)
      let norms = (0..<decoder.rows).map { decoder.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot() }
      var weighted = 0.0
      for t in 0..<codes.rows { for j in 0..<codes.columns { weighted += codes[t, j] * norms[j] } }
      return Candidate(method: method, lambda: lambda, metrics: metrics, byNorm: byNorm, meanWeightedL1: weighted / Double(codes.rows),
                       normIdentityGap: identity ? SuppressionExperiment.normIdentityGap(inputs: eval.samples, reconstructions: reconstructions,
                                                                                         codes: codes, bias: bias, lambda: lambda ?? 0) : nil)
    }
  }

  /// max over rows of |‖x − b‖² − ‖x̂ − b‖² − ‖x − x̂‖² − 2λ‖z‖₁| / max(1, ‖x − b‖²): zero (to rounding) for optimal
  /// codes of any unit-norm dictionary (Theorem 8.3, first identity; Proposition 2.2).
  static func normIdentityGap(inputs: Matrix<Double>, reconstructions: Matrix<Double>, codes: Matrix<Double>, bias: [Double],
                              lambda: Double) -> Double {
    var gap = 0.0
    for t in 0..<inputs.rows {
      var (centred, centredOut, residual) = (0.0, 0.0, 0.0)
      for d in 0..<inputs.columns {
        let x = inputs[t, d] - bias[d], h = reconstructions[t, d] - bias[d]
        centred += x * x
        centredOut += h * h
        residual += (x - h) * (x - h)
      }
      let l1 = codes.row(t).reduce(0) { $0 + abs($1) }
      gap = max(gap, abs(centred - centredOut - residual - 2 * lambda * l1) / max(1, centred))
    }
    return gap
  }
}

extension SuppressionExperiment: ReplicatedSweep {
  /// `s=S/METHOD` for every input scale S and, at each, the four SAEs and dictionary learning.
  public static func seedPoints(_ toy: SuppressionToy) -> [String] {
    toy.inputScales.flatMap { s in pointMethods.map { "s=\(Figures.format(s))/\($0)" } }
  }

  /// Trains the point's SAE (or runs dictionary learning) at its scale and measures it on the evaluation samples.
  public static func runSeedPoint(_ index: Int, of toy: SuppressionToy, progress: (String) -> Void) throws -> PointResult {
    let (s, method) = point(index, of: toy), samples = try ScaleSamples(toy, scale: s)
    if method == .dictionaryLearning { return dictionary(scale: s, toy: toy, samples, progress: progress) }
    guard let result = sae(method, scale: s, toy: toy, samples, progress: progress) else {
      throw SweepPointError(index: index, "'\(method)' is neither an SAE nor dictionary learning")
    }
    return result
  }

  /// Collects each scale's candidates (the SAEs, dictionary learning, then the ReLU-L1 SAE's exact
  /// codes) and judges the checks and findings.
  public static func seedRecord(_ toy: SuppressionToy, results: [PointResult]) throws -> ReplicateRecord<Results> {
    var scales: [Scale] = []
    for (position, s) in toy.inputScales.enumerated() {
      let samples = try ScaleSamples(toy, scale: s)
      var candidates: [Candidate] = [], exact: Candidate?, end: (kkt: KKTResiduals, iterations: Int, termination: String)?
      for (offset, method) in pointMethods.enumerated() {
        let index = position * pointMethods.count + offset
        switch (results[index], method == exactMethods[0]) {
        case (.sae(let candidate, let exactCodes), false)
          where candidate.method == method && (method == .reluL1 ? exactCodes?.method == .reluL1Exact : exactCodes == nil):
          candidates.append(candidate)
          exact = exact ?? exactCodes
        case (.dictionary(let candidate, let kkt, let iterations, let termination), true) where candidate.method == method:
          candidates.append(candidate)
          end = (kkt, iterations, termination)
        default:
          throw SweepPointError(index: index, "does not hold the result of point '\(seedPoints(toy)[index])'")
        }
      }
      scales.append(Scale(scale: s, meanInputNorm: samples.meanInputNorm, normEdges: samples.context.edges, candidates: candidates + [exact!],
                          dictionaryKKT: end!.kkt, dictionaryIterations: end!.iterations, dictionaryTermination: end!.termination))
    }
    return ReplicateRecord(results: Results(scales: scales), seeds: seeds(toy), checks: SuppressionVerdict.checks(toy: toy, scales: scales),
                           findings: SuppressionVerdict.findings(toy: toy, scales: scales))
  }
}

