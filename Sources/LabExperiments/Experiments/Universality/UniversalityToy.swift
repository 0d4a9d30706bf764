import LabGenerators

/// The declarative description of the universality experiment (`toys/universality.json`): the
/// study of `seeds/002` ("Sparse Autoencoder Universality — under what conditions are learned
/// features consistent?") redone on a world whose true features are known.
///
/// ReLU-L1 SAEs are trained on samples of `world` at every expansion ratio of `ratios` (width =
/// ratio · m) with `seedsPerRatio` training seeds; at `referenceRatio` also on a second sample
/// stream of the same world, on a world that keeps the first `sharedFraction` of the features and
/// replaces the others, and on a world with no feature in common. Every SAE is evaluated on the
/// same held-out samples of `world`.
public struct UniversalityToy: ReplicableToy {
  /// The training options every SAE shares.
  public struct Training: Codable, Equatable, Sendable {
    /// The SAELens L1 coefficient (decoder-norm-weighted L1 of the `relu-l1` SAE).
    public var l1: Double
    /// Adam's learning rate.
    public var learningRate: Double
    /// Rows per step.
    public var batchSize: Int
    /// Optimiser steps.
    public var steps: Int
  }

  public var id: String
  /// Registered experiment kind; `universality`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  /// The world the SAEs are trained on (independent sparse features).
  public var world: IndependentWorld
  /// Training rows drawn from each world.
  public var trainingSamples: Int
  /// Held-out rows of `world` on which every SAE is evaluated.
  public var evaluationSamples: Int
  /// Expansion ratios F/m.
  public var ratios: [Int]
  /// Training seeds per ratio (at least two, for seed-to-seed consistency).
  public var seedsPerRatio: Int
  /// The ratio of the stream and world comparisons.
  public var referenceRatio: Int
  /// Fraction of the features the second world keeps.
  public var sharedFraction: Double
  /// The SAE training options.
  public var training: Training
  /// The dimension of the source's random-weight baseline (Pythia's residual stream is 512 wide).
  public var baselineDimension: Int
  /// Independent seeds each finding is decided over (the whole experiment is repeated on each).
  public var replicates: Int

  public static let `default` = UniversalityToy(
    id: "universality", kind: "universality",
    title: "Are the features SAEs learn the same across seeds, sizes, sample streams and worlds?",
    claim: "seeds/002 (Gerovitch & Parker-Sartori, 2023) trained SAEs with expansion ratios 1× to 32× on several Pythia models and reports: mean max cosine similarity (MCS) between decoders and mean max activation correlation are high across autoencoder sizes and well above the baselines of random weights and mismatched layers (MCS baseline about 0.15, always below 0.2; correlation baseline about 0.4); MCS is similar for pairs of sizes with the same ratio; all metrics are lower at 1×; feature frequencies fall as the projection ratio grows.",
    seed: 20_261_201,
    world: IndependentWorld(featureCount: 80, firing: .constant(0.04),
                            magnitude: MagnitudeModel(mean: .constant(1), standardDeviation: .constant(0.25)),
                            embedding: Embedding(inputDimension: 16)),
    trainingSamples: 8192, evaluationSamples: 2048, ratios: [1, 2, 4], seedsPerRatio: 2, referenceRatio: 4,
    sharedFraction: 0.5, training: Training(l1: 1, learningRate: 1e-3, batchSize: 128, steps: 4000), baselineDimension: 512,
    replicates: 5)

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "universality" { found.append("'kind' must be \"universality\", got \"\(kind)\"") }
    found += world.problems().map { "world: \($0)" }
    if !(1_000...1_000_000).contains(trainingSamples) { found.append("'trainingSamples' must be in 1000...1000000, got \(trainingSamples)") }
    if !(100...100_000).contains(evaluationSamples) { found.append("'evaluationSamples' must be in 100...100000, got \(evaluationSamples)") }
    if ratios.isEmpty || Set(ratios).count != ratios.count || !ratios.allSatisfy({ (1...64).contains($0) }) || ratios != ratios.sorted() {
      found.append("'ratios' must be distinct increasing integers in 1...64, got \(ratios)")
    }
    if !(2...8).contains(seedsPerRatio) { found.append("'seedsPerRatio' must be in 2...8, got \(seedsPerRatio)") }
    if !ratios.contains(referenceRatio) { found.append("'referenceRatio' must be one of 'ratios' \(ratios), got \(referenceRatio)") }
    if !(sharedFraction > 0 && sharedFraction < 1) { found.append("'sharedFraction' must be in (0, 1), got \(sharedFraction)") }
    if !(training.l1.isFinite && training.l1 >= 0) { found.append("'training.l1' must be finite and ≥ 0, got \(training.l1)") }
    if !(training.learningRate.isFinite && training.learningRate > 0 && training.learningRate < 1) {
      found.append("'training.learningRate' must be in (0, 1), got \(training.learningRate)")
    }
    if !(1 <= training.batchSize && training.batchSize <= trainingSamples) {
      found.append("'training.batchSize' must be in 1...\(trainingSamples) (trainingSamples), got \(training.batchSize)")
    }
    if !(1...1_000_000).contains(training.steps) { found.append("'training.steps' must be in 1...1000000, got \(training.steps)") }
    if !(2...4096).contains(baselineDimension) { found.append("'baselineDimension' must be in 2...4096, got \(baselineDimension)") }
    else if let largest = ratios.max(), (1...64).contains(largest), baselineDimension * largest > 8192 {
      found.append("'baselineDimension' × the largest ratio (the random decoders' width) must be at most 8192, got \(baselineDimension) × \(ratios.max() ?? 1)")
    }
    if let problem = Replicates.problem(replicates) { found.append(problem) }
    return found
  }
}

extension UniversalityToy {
  /// The input dimension m.
  var dimension: Int { world.embedding.inputDimension }
}

extension UniversalityToy {
  /// `--quick`: the same ratios, seeds, training and comparisons on half the training and held-out
  /// rows per SAE; the seed-dimension baseline is unchanged.
  public func quick() -> UniversalityToy {
    var toy = self
    toy.trainingSamples = max(1_000, trainingSamples / 2)
    toy.evaluationSamples = max(100, evaluationSamples / 2)
    toy.training.batchSize = min(training.batchSize, toy.trainingSamples)
    return toy
  }
}
