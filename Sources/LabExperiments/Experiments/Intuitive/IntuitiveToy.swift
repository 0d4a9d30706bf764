import LabGenerators

/// The declarative description of the intuitive-SAE experiment (`toys/intuitive.json`): the cheap,
/// measurable claims of seeds/001 ("An Intuitive Explanation of Sparse Autoencoders") redone on a
/// world whose true features are known.
///
/// A ReLU-L1 SAE (SAELens `standard`) with at least as many latents as the world has features is
/// trained at each L1 coefficient of `l1Coefficients`, on every seed, and measured on held-out rows.
public struct IntuitiveToy: ReplicableToy {
  /// The training options every SAE shares.
  public struct Training: Codable, Equatable, Sendable {
    /// Latents (at least the world's feature count, so that every feature can have its own latent).
    public var width: Int
    /// Adam's learning rate.
    public var learningRate: Double
    /// Rows per step.
    public var batchSize: Int
    /// Optimiser steps.
    public var steps: Int
  }

  public var id: String
  /// Registered experiment kind; `intuitive`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  /// The world the SAEs are trained on (independent sparse features).
  public var world: IndependentWorld
  /// Training rows.
  public var trainingSamples: Int
  /// Held-out rows every metric is measured on.
  public var evaluationSamples: Int
  /// The L1 coefficients of the sweep (increasing); the middle one is the reference SAE.
  public var l1Coefficients: [Double]
  /// The SAE training options.
  public var training: Training
  /// Independent seeds each finding is decided over.
  public var replicates: Int

  public static let `default` = IntuitiveToy(
    id: "intuitive", kind: "intuitive",
    title: "An intuitive SAE on a known world: decoder rows are the features, encoder rows differ, L0 trades against reconstruction",
    claim: "seeds/001 (An Intuitive Explanation of Sparse Autoencoders, 2024): an SAE is a matrix, a ReLU and a matrix trained on reconstruction plus an L1 penalty; its decoder vectors correspond to the linear representations of the features (a latent that learned a concept has the concept's vector as its decoder row); the encoder and decoder vectors of a feature are different, with a median cosine similarity of about 0.5; and L0 trades against reconstruction, the L1 coefficient setting the trade-off.",
    seed: 20_261_207,
    world: IndependentWorld(featureCount: 32, firing: .constant(0.05),
                            magnitude: MagnitudeModel(mean: .constant(1), standardDeviation: .constant(0.25)),
                            embedding: Embedding(inputDimension: 16)),
    trainingSamples: 8192, evaluationSamples: 2048, l1Coefficients: [0.1, 0.3, 1],
    training: Training(width: 64, learningRate: 1e-3, batchSize: 128, steps: 3000),
    replicates: 5)

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "intuitive" { found.append("'kind' must be \"intuitive\", got \"\(kind)\"") }
    found += world.problems().map { "world: \($0)" }
    var check = ToyProblems()
    check.count("trainingSamples", trainingSamples, 1_000...1_000_000)
    check.count("evaluationSamples", evaluationSamples, 100...100_000)
    check.count("training.width", training.width, min(max(1, world.featureCount), 100_000)...100_000)
    check.count("training.batchSize", training.batchSize, 1...max(1, trainingSamples))
    check.count("training.steps", training.steps, 1...1_000_000)
    if !(training.learningRate.isFinite && training.learningRate > 0 && training.learningRate < 1) {
      found.append("'training.learningRate' must be in (0, 1), got \(training.learningRate)")
    }
    if l1Coefficients.count < 3 || l1Coefficients != l1Coefficients.sorted() || Set(l1Coefficients).count != l1Coefficients.count
      || !l1Coefficients.allSatisfy({ $0 > 0 && $0 <= 1e6 }) {
      found.append("'l1Coefficients' must be at least 3 increasing numbers in (0, 1e6], got \(l1Coefficients)")
    }
    if let problem = Replicates.problem(replicates) { found.append(problem) }
    return check.found + found
  }

  /// `--quick`: the same world, coefficients and seeds with a third of the training steps and half the rows.
  public func quick() -> IntuitiveToy {
    var toy = self
    toy.training.steps = max(1, training.steps / 3)
    toy.trainingSamples = max(1_000, trainingSamples / 2)
    toy.evaluationSamples = max(100, evaluationSamples / 2)
    toy.training.batchSize = min(training.batchSize, toy.trainingSamples)
    return toy
  }
}
