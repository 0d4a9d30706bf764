import LabGenerators

/// The declarative description of the normalised-SAE experiment (`toys/nsae.json`): the claims of
/// seeds/004 ("Normalizing Sparse Autoencoders") redone on the hidden layer of a toy model of
/// superposition, whose "layers" differ only in their input norm.
///
/// A ``LabTraining/SuperpositionToyModel`` (n = `world.featureCount` features, m =
/// `toyModel.hiddenDimension`) is trained on the feature codes x of `world` (its embedding is not
/// used: the toy model reads x itself). Layer s is its hidden layer scaled by s (s·h); the model
/// reading layer s divides by s first, so every layer computes the same function and its patched
/// losses are comparable. On each layer a ReLU-L1 SAE (SAELens `standard`, coefficient
/// `baselineL1`) and a normalised SAE (α = `nsaeAlpha`, σ = `noiseSigma`, β = α·mean‖x‖²) are
/// trained, and a sweep of ReLU-L1 coefficients `baselineL1 · s · f` (f in `sweepFactors`; the
/// ReLU-L1 loss on s·h with coefficient λ is s² times its loss on h with λ/s, so the sweep is
/// centred on the coefficient equivalent across layers) gives the reconstruction score the
/// baseline reaches at the NSAE's L0.
public struct NSAEToy: ReplicableToy {
  /// The toy model and its training.
  public struct ToyModel: Codable, Equatable, Sendable {
    /// m, the hidden width (m < n: superposition).
    public var hiddenDimension: Int
    /// The importance of feature i is `importanceDecay`^i (the paper's 0.7).
    public var importanceDecay: Double
    public var batchSize: Int
    public var steps: Int
    public var learningRate: Double
  }

  /// The SAEs and their training.
  public struct SAE: Codable, Equatable, Sendable {
    /// Latents per SAE.
    public var width: Int
    /// The ReLU-L1 coefficient λ (the same on every layer).
    public var baselineL1: Double
    /// The NSAE's α (the same on every layer; β = α·mean‖x‖² follows the layer).
    public var nsaeAlpha: Double
    /// The NSAE's training noise σ.
    public var noiseSigma: Double
    /// The factors f of the matching sweep (coefficients `baselineL1 · s · f`).
    public var sweepFactors: [Double]
    public var batchSize: Int
    public var steps: Int
    public var learningRate: Double
  }

  public var id: String
  /// Registered experiment kind; `nsae`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  /// The features x (independent, firing with probability p, magnitudes in [0, 1]).
  public var world: IndependentWorld
  /// Rows for training the toy model and the SAEs.
  public var trainingSamples: Int
  /// Held-out rows on which every metric is measured.
  public var evaluationSamples: Int
  /// The layers' scale factors s (increasing).
  public var scales: [Double]
  public var toyModel: ToyModel
  public var sae: SAE
  /// Independent seeds each finding is decided over (the whole experiment is repeated on each).
  public var replicates: Int

  public static let `default` = NSAEToy(
    id: "nsae", kind: "nsae",
    title: "Do normalised SAEs remove feature suppression and the input-norm dependence of L0?",
    claim: "seeds/004 (Normalizing Sparse Autoencoders) argues that with a fixed L1 coefficient the ReLU-L1 SAE's sparsity depends on the input norm of the layer, and proposes the normalised SAE (c = tanh(ReLU(W_e x + b_e + ε)), unconstrained decoder, β = α·mean‖x‖²). It reports: the NSAE's reconstruction-to-input norm ratio is close to 1 while the baseline's is not (feature suppression is suppressed), suppression being more evident at high input norms; the baseline's L0 correlates positively with the layer's mean input norm while the NSAE's shows no significant positive correlation; the NSAE's L1 agrees better with its L0; and at matched L0 the reconstruction score (L_zero − L_recon)/(L_zero − L_clean) shows no observable difference.",
    seed: 20_261_206,
    world: IndependentWorld(featureCount: 20, firing: .constant(0.05),
                            magnitude: MagnitudeModel(mean: .constant(0.5), standardDeviation: .constant(0.5 / 3.0.squareRoot()), rule: .uniform),
                            embedding: Embedding(inputDimension: 20)),
    trainingSamples: 32_768, evaluationSamples: 8192, scales: [0.5, 1, 2, 4, 8, 16],
    toyModel: ToyModel(hiddenDimension: 5, importanceDecay: 0.7, batchSize: 1024, steps: 5000, learningRate: 1e-3),
    sae: SAE(width: 40, baselineL1: 0.05, nsaeAlpha: 0.05, noiseSigma: 0.5, sweepFactors: [0.0625, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16],
             batchSize: 128, steps: 3000, learningRate: 1e-2),
    replicates: 5)

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "nsae" { found.append("'kind' must be \"nsae\", got \"\(kind)\"") }
    found += world.problems().map { "world: \($0)" }
    if world.embedding.bias != 0 || world.embedding.noise != 0 {
      found.append("'world.bias' and 'world.noise' must be 0 (the toy model reads the feature codes), got \(world.embedding.bias) and \(world.embedding.noise)")
    }
    var check = ToyProblems()
    check.count("trainingSamples", trainingSamples, 1_000...1_000_000)
    check.count("evaluationSamples", evaluationSamples, 100...100_000)
    check.count("toyModel.hiddenDimension", toyModel.hiddenDimension, 1...max(1, world.featureCount))
    check.positive("toyModel.importanceDecay", toyModel.importanceDecay)
    check.count("toyModel.batchSize", toyModel.batchSize, from: 1, to: trainingSamples)
    check.count("toyModel.steps", toyModel.steps, 1...1_000_000)
    check.count("sae.width", sae.width, 1...10_000)
    check.count("sae.batchSize", sae.batchSize, from: 1, to: trainingSamples)
    check.count("sae.steps", sae.steps, 1...1_000_000)
    check.positive("sae.baselineL1", sae.baselineL1)
    check.positive("sae.nsaeAlpha", sae.nsaeAlpha)
    if !(sae.noiseSigma >= 0 && sae.noiseSigma.isFinite) { found.append("'sae.noiseSigma' must be a finite number ≥ 0, got \(sae.noiseSigma)") }
    for (name, rate) in [("toyModel.learningRate", toyModel.learningRate), ("sae.learningRate", sae.learningRate)] where !(rate > 0 && rate < 1) {
      found.append("'\(name)' must be in (0, 1), got \(rate)")
    }
    if !(toyModel.importanceDecay <= 1) { found.append("'toyModel.importanceDecay' must be in (0, 1], got \(toyModel.importanceDecay)") }
    if scales.count < 3 || scales != scales.sorted() || Set(scales).count != scales.count || !scales.allSatisfy({ $0 > 0 && $0 <= 1e6 }) {
      found.append("'scales' must be at least 3 increasing numbers in (0, 1e6], got \(scales)")
    }
    if scales.count > 8 { found.append("'scales' may have at most 8 layers (the permutation test enumerates every order), got \(scales.count)") }
    if sae.sweepFactors.count < 2 || sae.sweepFactors != sae.sweepFactors.sorted() || !sae.sweepFactors.allSatisfy({ $0 > 0 && $0.isFinite }) {
      found.append("'sae.sweepFactors' must be at least 2 increasing numbers > 0, got \(sae.sweepFactors)")
    }
    if let problem = Replicates.problem(replicates) { found.append(problem) }
    return check.found + found
  }

  /// `--quick`: three of the layers (the lowest, the third and the highest scale: 0.5, 2, 16 by
  /// default), every fourth sweep factor (1/16, 1, 16 by default) and half the toy-model steps; the
  /// same SAEs, training, seeds and claims on fewer layers and a coarser matching sweep.
  public func quick() -> NSAEToy {
    var toy = self
    if scales.count > 3 { toy.scales = [scales[0], scales[2], scales[scales.count - 1]] }
    if sae.sweepFactors.count >= 5 { toy.sae.sweepFactors = stride(from: 0, to: sae.sweepFactors.count, by: 4).map { sae.sweepFactors[$0] } }
    toy.toyModel.steps = max(1, toyModel.steps / 2)
    return toy
  }
}
