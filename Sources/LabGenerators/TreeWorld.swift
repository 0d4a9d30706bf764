import LabNumerics
import LabRandom

/// Hierarchical sparse features (SAELens's synthetic model, ANCHORS §3.6): independent (or
/// copula-correlated) firing as in ``IndependentWorld``, then level-ordered gating by a forest of
/// any depth and branching, mutually exclusive children (at most one, or exactly one),
/// optional scaling of children by their parent, and optional probability compensation.
/// Features beyond the forest's nodes fire independently.
public struct TreeWorld: World, Equatable {
  /// `"tree"`.
  public static let kind = "tree"
  /// Number of features F.
  public var featureCount: Int
  /// Base firing probabilities pᵢ (before compensation).
  public var firing: FeatureProfile
  /// Magnitudes of fired features.
  public var magnitude: MagnitudeModel
  /// Correlated firing, if any.
  public var correlation: CorrelationSpec?
  /// The forest and its rules.
  public var hierarchy: HierarchySpec
  /// Directions, bias and noise.
  public var embedding: Embedding

  /// A world.
  public init(featureCount: Int, firing: FeatureProfile, magnitude: MagnitudeModel = MagnitudeModel(),
              correlation: CorrelationSpec? = nil, hierarchy: HierarchySpec, embedding: Embedding) {
    self.featureCount = featureCount
    self.firing = firing
    self.magnitude = magnitude
    self.correlation = correlation
    self.hierarchy = hierarchy
    self.embedding = embedding
  }

  /// The toy-file keys.
  public static let keys = IndependentWorld.keys + ["hierarchy"]

  /// Problems with the parameters.
  public func problems() -> [ParameterProblem] {
    let found = IndependentWorld.problems(featureCount: featureCount, firing: firing, magnitude: magnitude,
                                          correlation: correlation, embedding: embedding)
    return found + (found.isEmpty ? hierarchy.problems(featureCount: featureCount, field: "hierarchy") : [])
  }

  /// The forest (its random shape drawn from `seeds`).
  public func forest(seeds: SeedTree) -> FeatureForest {
    var g = seeds.generator(for: "world/hierarchy")
    return hierarchy.forest(featureCount: featureCount, using: &g)
  }

  /// Resolves the forest, compensated probabilities, magnitudes and the copula.
  public func prepare(seeds: SeedTree) throws -> any CodeSampler {
    var g = seeds.generator(for: "world/firing")
    let base = firing.values(count: featureCount, using: &g)
    let forest = self.forest(seeds: seeds)
    let p = hierarchy.compensateProbabilities ? forest.compensated(base, exclusion: hierarchy.exclusion) : base
    let magnitudes = magnitude.resolved(count: featureCount, seeds: seeds, path: "world/magnitude")
    let scaled = hierarchy.scaleChildrenByParent ? Set(forest.parents.compactMap { $0 }) : []
    if let bad = scaled.sorted().first(where: { !(magnitudes.means[$0] > 0) }) {
      throw WorldError("'hierarchy.scaleChildrenByParent' needs every parent's mean magnitude > 0; feature \(bad) has \(magnitudes.means[bad])")
    }
    let structure = WorldStructure(featureNames: (0..<featureCount).map { "f\($0)" }, parents: forest.parents,
                                   exclusiveGroups: forest.exclusiveGroups, firingProbabilities: p)
    let modifier = HierarchyModifier(forest: forest, scaledParents: scaled,
                                     exclusion: hierarchy.exclusion, means: magnitudes.means, weights: base)
    return BernoulliSampler(structure: structure, magnitudes: magnitudes,
                            latent: try correlation?.resolved(featureCount: featureCount, seeds: seeds, path: "world/correlation"),
                            modifier: modifier)
  }
}

/// A world that cannot be prepared, with a message naming the key and the value.
public struct WorldError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The message.
  public let description: String

  /// An error with `message`.
  public init(_ message: String) { description = message }
}
