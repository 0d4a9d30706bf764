import LabNumerics
import LabRandom

/// Independent sparse features: feature i fires with probability pᵢ from ``firing`` (constant,
/// linear, Zipf, random, …), with a magnitude from ``magnitude``; optionally correlated through a
/// Gaussian copula that keeps every marginal pᵢ.
public struct IndependentWorld: World, Equatable {
  /// `"independent"`.
  public static let kind = "independent"
  /// Number of features F.
  public var featureCount: Int
  /// Firing probabilities pᵢ.
  public var firing: FeatureProfile
  /// Magnitudes of fired features.
  public var magnitude: MagnitudeModel
  /// Correlated firing, if any.
  public var correlation: CorrelationSpec?
  /// Directions, bias and noise.
  public var embedding: Embedding

  /// A world.
  public init(featureCount: Int, firing: FeatureProfile, magnitude: MagnitudeModel = MagnitudeModel(),
              correlation: CorrelationSpec? = nil, embedding: Embedding) {
    self.featureCount = featureCount
    self.firing = firing
    self.magnitude = magnitude
    self.correlation = correlation
    self.embedding = embedding
  }

  /// The toy-file keys.
  public static let keys = ["kind", "featureCount", "firing", "magnitude", "correlation", "inputDimension", "directions", "bias", "noise"]

  /// Problems shared by the Bernoulli worlds.
  static func problems(featureCount: Int, firing: FeatureProfile, magnitude: MagnitudeModel, correlation: CorrelationSpec?,
                       embedding: Embedding) -> [ParameterProblem] {
    guard (1...1_000_000).contains(featureCount) else { return [ParameterProblem("featureCount", mustBe: "in 1...1000000", got: featureCount)] }
    return firing.problems(field: "firing", allowed: 0...1) + magnitude.problems(field: "magnitude")
      + (correlation?.problems(featureCount: featureCount, field: "correlation") ?? [])
      + embedding.problems(featureCount: featureCount)
  }

  /// Problems with the parameters.
  public func problems() -> [ParameterProblem] {
    Self.problems(featureCount: featureCount, firing: firing, magnitude: magnitude, correlation: correlation, embedding: embedding)
  }

  /// Resolves probabilities, magnitudes and the copula.
  public func prepare(seeds: SeedTree) throws -> any CodeSampler {
    var g = seeds.generator(for: "world/firing")
    let p = firing.values(count: featureCount, using: &g)
    let structure = WorldStructure(featureNames: (0..<featureCount).map { "f\($0)" }, parents: Array(repeating: nil, count: featureCount),
                                   exclusiveGroups: [], firingProbabilities: p)
    return BernoulliSampler(structure: structure, magnitudes: magnitude.resolved(count: featureCount, seeds: seeds, path: "world/magnitude"),
                            latent: try correlation?.resolved(featureCount: featureCount, seeds: seeds, path: "world/correlation"),
                            modifier: nil)
  }
}
