import LabGenerators
import LabSolvers

/// The declarative description of the absorption experiment (`toys/absorption.json`): THEORY §6.1
/// (Theorem 6.1, Proposition 6.2) against Chanin et al.'s toy models of feature absorption
/// (ANCHORS §3.2), scored with the ground-truth absorption number of ANCHORS §3.2.
public struct AbsorptionToy: ReplicableToy {
  /// The SAE training options shared by every cell.
  public struct SAETraining: Codable, Equatable, Sendable {
    /// Latents F.
    public var width: Int
    /// Rows per step, steps and Adam's learning rate.
    public var batchSize: Int, steps: Int, learningRate: Double
    /// k of the TopK SAE trained at every co-occurrence rate.
    public var topK: Int
    /// The target mean L0s K at which BatchTopK (k = K), Matryoshka BatchTopK (k = K) and JumpReLU
    /// (its target-L0 controller at K) are trained side by side at every co-occurrence rate.
    public var targetL0s: [Int]
    /// The Matryoshka SAE's inner widths (strictly increasing, below `width`; the full width is implied).
    public var matryoshkaPrefixes: [Int]
  }

  public var id: String
  /// Registered experiment kind; `absorption`.
  public var kind: String
  public var title: String
  public var claim: String
  /// The source claim reproduced beside the theory's (Chanin et al.).
  public var sourceClaim: String
  public var seed: UInt64
  /// The world; its co-occurrence rate is swept.
  public var world: CooccurrenceWorld
  /// Samples drawn for training the SAEs and, independently, for evaluation.
  public var trainingSamples: Int, evaluationSamples: Int
  /// Dictionary learning (and the ground-truth check) uses the first this many training samples.
  public var dictionarySamples: Int
  /// SAE L1 coefficients C; the dictionary problem of the same loss has λ = C/2 (THEORY §9).
  public var l1Coefficients: [Double]
  /// Co-occurrence rates r = P(parent | child); r = 1 is a hierarchy.
  public var cooccurrenceRates: [Double]
  public var sae: SAETraining
  /// Exact dictionary learning (block minimisation from the ground truth, no bias).
  public var dictionaryLearning: BlockMinimization.Configuration
  /// Edges of the magnitude bins of the per-feature shrinkage.
  public var magnitudeBins: [Double]
  /// Evaluation samples on which the heat-map cell's ReLU-L1 SAE gets the stationarity checks (THEORY §9).
  public var stationaritySamples: Int
  /// The cell whose decoder-vs-truth cosines the heat map shows.
  public var heatMapRate: Double, heatMapL1: Double
  /// Independent seeds each finding is decided over (the whole experiment is repeated on each).
  ///
  /// Protocol change (issue 18 item 5, December 2026): 20, up from 5. On 5 seeds BatchTopK at
  /// L0 = 1 absorbed one of the two edges fully on some seeds and none on others, so the
  /// Matryoshka comparison was inconclusive on a bimodal spread; a seed costs about ten seconds.
  public var replicates: Int

  public static let `default` = AbsorptionToy(
    id: "absorption", kind: "absorption",
    title: "Feature absorption as a number: SAEs and exact dictionary learning on parent–child features",
    claim: "Theorem 6.1: let feature i be a child of j (∅ ≠ A_i ⊆ A_j) with c_ij < 1. In (P⁺_λ), with or without bias, no stationary point has a child–parent pair. Proposition 6.2: the absorption move — the child atom rotates toward the parent and the parent's activation drops wherever the child is active — strictly lowers the cost; if all child points lie on a single ray, at its end the child atom lies on that ray, the parent is silent on every child point, and the pair has become mutually exclusive.",
    sourceClaim: "Chanin et al. (Toy Models of Feature Absorption in SAEs; arXiv 2409.14507): with a hierarchical co-occurrence (feature 1 fires only when feature 0 fires) an L1 SAE with as many latents as features absorbs — the child latent's decoder mixes in the parent direction and the parent latent switches off whenever the child fires; imperfect co-occurrence still yields absorption if the L1 coefficient is high enough.",
    seed: 20_261_203,
    world: CooccurrenceWorld(inputDimension: 8, hierarchies: 2, independentFeatures: 2, parentProbability: 0.2, childProbability: 0.15,
                             magnitude: [1, 1]),
    trainingSamples: 2048, evaluationSamples: 2048, dictionarySamples: 512,
    l1Coefficients: [0.05, 0.2, 0.5], cooccurrenceRates: [1, 0.75, 0.5],
    sae: SAETraining(width: 6, batchSize: 256, steps: 3000, learningRate: 0.01, topK: 1, targetL0s: [1, 2], matryoshkaPrefixes: [2, 4]),
    dictionaryLearning: BlockMinimization.Configuration(sweepsPerIteration: 10, maxIterations: 3000),
    magnitudeBins: [0.5, 1.5], stationaritySamples: 256, heatMapRate: 1, heatMapL1: 0.2,
    replicates: 20)

  /// `--quick`: the minimum number of seeds and the first target L0 only; the same claims on fewer
  /// seeds, and the Matryoshka comparison at one L0.
  public func quick() -> AbsorptionToy {
    var toy = self
    toy.replicates = min(replicates, Replicates.minimum)
    toy.sae.targetL0s = Array(sae.targetL0s.prefix(1))
    return toy
  }

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "absorption" { found.append("'kind' must be \"absorption\", got \"\(kind)\"") }
    var check = ToyProblems()
    check.count("trainingSamples", trainingSamples, 16...100_000)
    check.count("evaluationSamples", evaluationSamples, 16...100_000)
    check.count("dictionarySamples", dictionarySamples, 16...max(16, trainingSamples))
    check.count("stationaritySamples", stationaritySamples, 1...max(1, min(evaluationSamples, 4096)))
    check.count("sae.width", sae.width, 1...256)
    check.count("sae.batchSize", sae.batchSize, 1...max(1, trainingSamples))
    check.count("sae.steps", sae.steps, 1...1_000_000)
    check.count("sae.topK", sae.topK, 1...max(1, sae.width))
    check.positive("sae.learningRate", sae.learningRate)
    if sae.targetL0s.isEmpty || Set(sae.targetL0s).count != sae.targetL0s.count || !sae.targetL0s.allSatisfy({ (1...max(1, sae.width)).contains($0) }) {
      found.append("'sae.targetL0s' must be distinct numbers in 1...\(sae.width) (the width), got \(sae.targetL0s)")
    }
    let prefixes = sae.matryoshkaPrefixes
    if prefixes.isEmpty || prefixes[0] < 1 || prefixes.last! >= sae.width || !zip(prefixes, prefixes.dropFirst()).allSatisfy({ $0 < $1 }) {
      found.append("'sae.matryoshkaPrefixes' must be strictly increasing widths in 1...\(sae.width - 1) (below 'sae.width'), got \(prefixes)")
    }
    if l1Coefficients.isEmpty || !l1Coefficients.allSatisfy({ $0.isFinite && $0 > 0 }) {
      found.append("'l1Coefficients' must be numbers > 0, got \(l1Coefficients)")
    }
    if cooccurrenceRates.isEmpty || !cooccurrenceRates.allSatisfy({ $0 > 0 && $0 <= 1 }) {
      found.append("'cooccurrenceRates' must be in (0, 1], got \(cooccurrenceRates)")
    }
    if magnitudeBins.count < 2 || !zip(magnitudeBins, magnitudeBins.dropFirst()).allSatisfy({ $0 < $1 }) || !magnitudeBins.allSatisfy(\.isFinite) {
      found.append("'magnitudeBins' must be at least two increasing finite edges, got \(magnitudeBins)")
    }
    if !cooccurrenceRates.contains(heatMapRate) { found.append("'heatMapRate' must be one of 'cooccurrenceRates', got \(heatMapRate)") }
    if !l1Coefficients.contains(heatMapL1) { found.append("'heatMapL1' must be one of 'l1Coefficients', got \(heatMapL1)") }
    found += world.problems().map { "world: \($0)" }
    found += dictionaryLearning.problems().map { "dictionaryLearning: \($0)" }
    if let problem = Replicates.problem(replicates) { found.append(problem) }
    return check.found + found
  }
}
