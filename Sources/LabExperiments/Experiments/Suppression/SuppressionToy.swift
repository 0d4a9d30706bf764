import LabGenerators
import LabSolvers

/// The declarative description of the suppression experiment (`toys/suppression.json`): shrinkage
/// against input norm for L1, TopK and normalised SAEs and for exact dictionary learning, beside
/// THEORY §8.3 (Theorem 8.3) and the claims of the normalised-SAE post (seeds/004).
public struct SuppressionToy: ReplicableToy {
  /// The training shared by every SAE.
  public struct Training: Codable, Equatable, Sendable {
    /// Latents F, rows per step, steps and Adam's learning rate.
    public var width: Int, batchSize: Int, steps: Int, learningRate: Double
  }

  public var id: String
  /// Registered experiment kind; `suppression`.
  public var kind: String
  public var title: String
  public var claim: String
  /// The source claims tested beside the theory's (the normalised-SAE post).
  public var sourceClaim: String
  public var seed: UInt64
  /// The world at scale 1: independent features with a spread of magnitudes, so that input norms vary.
  public var world: IndependentWorld
  /// Samples drawn for training and, independently, for every measurement.
  public var trainingSamples: Int, evaluationSamples: Int
  /// Dictionary learning uses the first this many training samples.
  public var dictionarySamples: Int
  /// Every sample (and true code) is multiplied by each of these; the first is the scale of the figures.
  public var inputScales: [Double]
  /// C of both ReLU-L1 SAEs at every scale; their dictionary problem has λ = C/2 (THEORY §9).
  public var l1Coefficient: Double
  /// k of the TopK SAE.
  public var topK: Int
  /// α and σ of the normalised SAE (β = α·mean(‖x‖)² follows the scale).
  public var nsaeAlpha: Double, nsaeNoise: Double
  public var training: Training
  /// Exact dictionary learning at λ = C/2 (block minimisation from the ground truth, no bias).
  public var dictionaryLearning: BlockMinimization.Configuration
  /// Bins of input norm (equally filled, from the evaluation samples at each scale).
  public var normBins: Int
  /// Edges of the true-magnitude bins of the per-feature shrinkage at scale 1 (multiplied by the scale).
  public var magnitudeBins: [Double]
  /// Independent seeds each finding is decided over (the whole experiment is repeated on each).
  public var replicates: Int

  public static let `default` = SuppressionToy(
    id: "suppression", kind: "suppression",
    title: "Suppression: shrinkage against input norm for L1, TopK and normalised SAEs",
    claim: "Theorem 8.3: for every unit-norm dictionary and optimal codes (nonnegative or signed), ‖x − b‖² − ‖x̂ − b‖² = ‖r‖² + 2λ‖z‖₁ and ‖x̂ − b‖ ≤ (‖x − b‖ − λ)₊, with equality iff ‖x − b‖ ≤ λ or x − b is on an atom ray. The suppression ratio s(x) = ‖x̂ − b‖/‖x − b‖ therefore obeys s(x) ≤ (1 − λ/‖x − b‖)₊, attained in the wide limit; finite dictionaries suppress more.",
    sourceClaim: "Normalised-SAE post (seeds/004): feature suppression comes from the conflict between the L1 and L2 losses under unit-norm decoders — the SAE learns a reconstruction slightly smaller than the input (empirically ‖x′‖ ≈ 0.9‖x‖) — and in theory is more evident for inputs of high norm; the normalised SAE (c = tanh(ReLU(W_e x + b_e + ε)), unconstrained decoder, β = α·mean(‖x‖)²) has less to no suppression (norm ratio close to one), removes the correlation between input norm and L0, and has slightly higher reconstruction loss.",
    seed: 20_261_206,
    world: IndependentWorld(featureCount: 16, firing: .constant(0.12),
                            magnitude: MagnitudeModel(mean: .constant(2), standardDeviation: .constant(1), rule: .uniform),
                            embedding: Embedding(inputDimension: 16, directions: DirectionSpec(kind: "orthogonal"))),
    trainingSamples: 8192, evaluationSamples: 4096, dictionarySamples: 1024,
    inputScales: [1, 4], l1Coefficient: 0.5, topK: 3, nsaeAlpha: 0.05, nsaeNoise: 1,
    training: Training(width: 32, batchSize: 256, steps: 4000, learningRate: 0.005),
    dictionaryLearning: BlockMinimization.Configuration(sweepsPerIteration: 10, maxIterations: 2000),
    normBins: 8, magnitudeBins: [0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75],
    replicates: 5)

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "suppression" { found.append("'kind' must be \"suppression\", got \"\(kind)\"") }
    var check = ToyProblems()
    check.count("trainingSamples", trainingSamples, 16...1_000_000)
    check.count("evaluationSamples", evaluationSamples, 16...1_000_000)
    check.count("dictionarySamples", dictionarySamples, 16...max(16, trainingSamples))
    check.count("training.width", training.width, 1...4096)
    check.count("training.batchSize", training.batchSize, 1...max(1, trainingSamples))
    check.count("training.steps", training.steps, 1...10_000_000)
    check.positive("training.learningRate", training.learningRate)
    check.count("topK", topK, 1...max(1, training.width))
    check.positive("l1Coefficient", l1Coefficient)
    check.positive("nsaeAlpha", nsaeAlpha)
    if !(nsaeNoise >= 0 && nsaeNoise.isFinite) { found.append("'nsaeNoise' must be a finite number ≥ 0, got \(nsaeNoise)") }
    check.count("normBins", normBins, 1...1000)
    if inputScales.isEmpty || !inputScales.allSatisfy({ $0.isFinite && $0 > 0 }) || Set(inputScales).count != inputScales.count {
      found.append("'inputScales' must be distinct finite numbers > 0, got \(inputScales)")
    }
    if magnitudeBins.count < 2 || !zip(magnitudeBins, magnitudeBins.dropFirst()).allSatisfy({ $0 < $1 }) || !magnitudeBins.allSatisfy(\.isFinite) {
      found.append("'magnitudeBins' must be at least two increasing finite edges, got \(magnitudeBins)")
    }
    found += world.problems().map { "world: \($0)" }
    found += dictionaryLearning.problems().map { "dictionaryLearning: \($0)" }
    if let problem = Replicates.problem(replicates) { found.append(problem) }
    return check.found + found
  }

  /// `--quick`: the same scales, candidates and checks on a quarter of the samples and training
  /// steps and a tenth of the dictionary-learning iterations.
  public func quick() -> SuppressionToy {
    var toy = self
    toy.trainingSamples = max(16, trainingSamples / 4)
    toy.evaluationSamples = max(16, evaluationSamples / 4)
    toy.dictionarySamples = min(toy.trainingSamples, max(16, dictionarySamples / 2))
    toy.training.steps = max(1, training.steps / 4)
    toy.training.batchSize = min(training.batchSize, toy.trainingSamples)
    toy.dictionaryLearning.maxIterations = max(1, dictionaryLearning.maxIterations / 10)
    return toy
  }
}
