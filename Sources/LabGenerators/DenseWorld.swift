import LabNumerics
import LabRandom

/// Dense features: every feature is active on every sample with a value from ``distribution``
/// (signed values allowed), or — zero-inflated — is exactly 0 with probability
/// ``zeroProbability``, independently per feature and sample (THEORY §7.2, §7.4).
public struct DenseWorld: World, Equatable {
  /// `"dense"`.
  public static let kind = "dense"
  /// Number of features F.
  public var featureCount: Int
  /// The value of an active feature.
  public var distribution: ScalarDistribution
  /// Probability that a feature is 0 on a sample.
  public var zeroProbability: Double
  /// Directions, bias and noise.
  public var embedding: Embedding

  /// A world.
  public init(featureCount: Int, distribution: ScalarDistribution, zeroProbability: Double = 0, embedding: Embedding) {
    self.featureCount = featureCount
    self.distribution = distribution
    self.zeroProbability = zeroProbability
    self.embedding = embedding
  }

  /// The toy-file keys.
  public static let keys = ["kind", "featureCount", "distribution", "zeroProbability", "inputDimension", "directions", "bias", "noise"]

  /// Problems with the parameters.
  public func problems() -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    if !(1...100_000).contains(featureCount) { return [ParameterProblem("featureCount", mustBe: "in 1...100000", got: featureCount)] }
    if !(zeroProbability >= 0 && zeroProbability < 1) { found.append(ParameterProblem("zeroProbability", mustBe: "in [0, 1)", got: zeroProbability)) }
    return found + distribution.problems(field: "distribution") + embedding.problems(featureCount: featureCount)
  }

  /// The sampler.
  public func prepare(seeds: SeedTree) throws -> any CodeSampler {
    let structure = WorldStructure(featureNames: (0..<featureCount).map { "dense\($0)" }, parents: Array(repeating: nil, count: featureCount),
                                   exclusiveGroups: [], firingProbabilities: Array(repeating: 1 - zeroProbability, count: featureCount))
    return DenseSampler(structure: structure, distribution: distribution, zeroProbability: zeroProbability)
  }
}

/// The sampler of ``DenseWorld`` and ``RayWorld``.
struct DenseSampler: CodeSampler {
  let structure: WorldStructure
  let distribution: ScalarDistribution
  let zeroProbability: Double

  func fill(_ codes: UnsafeMutablePointer<Double>, rows: Int, first: Int, using generator: inout Xoshiro256StarStar) {
    let f = structure.featureNames.count
    for k in 0..<(rows * f) {
      if zeroProbability > 0 && generator.nextUniform() < zeroProbability { continue }
      codes[k] = distribution.sample(using: &generator)
    }
  }
}

/// A ray (THEORY §7.1): data `x = b + t·u` on one direction `u`, with `t` from ``distribution``
/// (uniform, lognormal, normal, …), zero-inflated with probability ``zeroProbability``.
/// The code of a sample is `t` (F = 1).
public struct RayWorld: World, Equatable {
  /// `"ray"`.
  public static let kind = "ray"
  /// The distribution of t.
  public var distribution: ScalarDistribution
  /// Probability that t = 0.
  public var zeroProbability: Double
  /// Direction, bias and noise.
  public var embedding: Embedding

  /// A world.
  public init(distribution: ScalarDistribution, zeroProbability: Double = 0, embedding: Embedding) {
    self.distribution = distribution
    self.zeroProbability = zeroProbability
    self.embedding = embedding
  }

  /// The toy-file keys.
  public static let keys = ["kind", "distribution", "zeroProbability", "inputDimension", "directions", "bias", "noise"]

  /// F = 1.
  public var featureCount: Int { 1 }

  /// Problems with the parameters.
  public func problems() -> [ParameterProblem] {
    DenseWorld(featureCount: 1, distribution: distribution, zeroProbability: zeroProbability, embedding: embedding).problems()
  }

  /// The sampler.
  public func prepare(seeds: SeedTree) throws -> any CodeSampler {
    DenseSampler(structure: WorldStructure(featureNames: ["t"], parents: [nil], exclusiveGroups: [], firingProbabilities: [1 - zeroProbability]),
                 distribution: distribution, zeroProbability: zeroProbability)
  }
}
