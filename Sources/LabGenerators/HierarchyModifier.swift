import LabRandom

/// SAELens's `hierarchy_modifier` (ANCHORS §3.6) applied to one sample's activations, with
/// Chanin's "exactly one" rule as an option.
///
/// Steps run level by level (``FeatureForest/steps(scaledParents:)``):
/// - gating: a child keeps its value only if its parent is > 0, multiplied by
///   `parent / μ_parent` when children are scaled by their parent; otherwise it becomes 0;
/// - exclusion, where the parent is > 0: at most one — if two or more children are > 0, one
///   of them, uniformly at random, keeps its value and the others become 0; exactly one — one
///   child, drawn with probability proportional to `weights`, gets a fresh magnitude and the
///   others become 0.
/// Because exclusion at level L runs before gating at level L + 1, losing siblings also silence
/// their descendants. A final ReLU is applied by the caller. ``ExactDistribution`` runs these
/// steps over every firing pattern; ``BernoulliSampler`` runs the equivalent depth-first form
/// (``children``, ``exclusive``, ``scaled``) that visits only the subtrees of active parents.
public struct HierarchyModifier: Sendable {
  /// The steps in execution order.
  public let steps: [FeatureForest.Step]
  /// The rule for exclusive groups.
  public let exclusion: HierarchySpec.Exclusion
  /// Mean magnitudes μᵢ (for scaling by the parent; must be > 0 for scaling parents).
  public let means: [Double]
  /// Choice weights of exactly-one children (their base firing probabilities).
  public let weights: [Double]
  /// The children of every feature.
  public let children: [[Int]]
  /// Whether a feature's children are mutually exclusive.
  public let exclusive: [Bool]
  /// Whether a feature scales its children.
  public let scaled: [Bool]
  /// Roots that have children (the starting points of the depth-first form).
  public let roots: [Int]

  /// A modifier for `forest`; children of `scaledParents` are scaled by their parent.
  public init(forest: FeatureForest, scaledParents: Set<Int>, exclusion: HierarchySpec.Exclusion,
              means: [Double], weights: [Double]) {
    steps = forest.steps(scaledParents: scaledParents)
    children = forest.children
    exclusive = forest.parents.indices.map { forest.exclusiveParents.contains($0) }
    scaled = forest.parents.indices.map { scaledParents.contains($0) }
    roots = forest.parents.indices.filter { [children] i in forest.parents[i] == nil && !children[i].isEmpty }
    self.exclusion = exclusion
    self.means = means
    self.weights = weights
  }

  /// Applies a gating step to `row`.
  @inline(__always)
  static func gate(_ row: UnsafeMutablePointer<Double>, child: Int, parent: Int, scale: Bool, means: [Double]) {
    let p = row[parent]
    if p > 0 {
      if scale { row[child] *= p / means[parent] }
    } else {
      row[child] = 0
    }
  }

  /// One of `children`, with probability proportional to its weight (uniform when all weights are 0).
  static func draw<G: RandomNumberGenerator>(_ children: [Int], weights: [Double], using generator: inout G) -> Int {
    let total = children.reduce(0.0) { $0 + weights[$1] }
    guard total > 0 else { return children[generator.nextInt(below: children.count)] }
    var u = generator.nextUniform() * total
    for c in children {
      u -= weights[c]
      if u < 0 { return c }
    }
    return children[children.count - 1]
  }
}
