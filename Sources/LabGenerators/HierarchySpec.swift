import LabNumerics
import LabRandom

/// A forest over the features of a sparse world (ANCHORS §3.6), given explicitly or generated.
///
/// Explicit: `parents[i]` is feature i's parent index or `null`, and `exclusiveParents` lists the
/// parents whose children are mutually exclusive. Generated (SAELens `generate_hierarchy`):
/// `roots` roots get indices `0..<roots`, then each level's children in breadth-first order until
/// `featureCount` runs out; a node at depth `< depth` gets `branching` children (a number, or
/// `[a, b]` for a uniform integer in `a...b`); mutual exclusion is set on
/// `⌊eligible · mutuallyExclusivePortion⌋` parents drawn without replacement from those with at
/// least two children and depth in `minimumExclusiveDepth...depth`. (SAELens draws with Python's
/// `random.Random`; here the draws come from the seed tree, so the same shape but not the same
/// choice of exclusive parents as SAELens for a given seed.)
public struct HierarchySpec: Codable, Equatable, Sendable {
  /// How mutually exclusive children are resolved when their parent is active.
  public enum Exclusion: String, Codable, Sendable, CaseIterable {
    /// SAELens: if two or more fired, keep one uniformly at random; if none fired, none.
    case atMostOne = "at-most-one"
    /// Chanin et al.: exactly one child fires, chosen with probability proportional to its
    /// firing probability, with a fresh magnitude.
    case exactlyOne = "exactly-one"
  }

  /// Explicit parent of every feature (`nil` = root or not in a tree); exclusive with `roots`.
  public var parents: [Int?]?
  /// Explicit parents whose children are mutually exclusive.
  public var exclusiveParents: [Int]?
  /// Generated: number of roots.
  public var roots: Int?
  /// Generated: children per node, `[a, b]` (`[k, k]` for a fixed number).
  public var branching: [Int]?
  /// Generated: maximum depth (1 = roots with leaves).
  public var depth: Int?
  /// Generated: fraction of eligible parents made mutually exclusive.
  public var mutuallyExclusivePortion: Double?
  /// Generated: smallest depth of an exclusive parent.
  public var minimumExclusiveDepth: Int?
  /// Multiply an active child by `parent value / parent mean magnitude` (every parent).
  public var scaleChildrenByParent: Bool
  /// The exclusion rule.
  public var exclusion: Exclusion
  /// Raise children's probabilities to undo gating (ANCHORS §3.6).
  public var compensateProbabilities: Bool

  /// A generated forest with SAELens's defaults where not given.
  public init(parents: [Int?]? = nil, exclusiveParents: [Int]? = nil, roots: Int? = nil, branching: [Int]? = nil,
              depth: Int? = nil, mutuallyExclusivePortion: Double? = nil, minimumExclusiveDepth: Int? = nil,
              scaleChildrenByParent: Bool = false, exclusion: Exclusion = .atMostOne, compensateProbabilities: Bool = false) {
    self.parents = parents
    self.exclusiveParents = exclusiveParents
    self.roots = roots
    self.branching = branching
    self.depth = depth
    self.mutuallyExclusivePortion = mutuallyExclusivePortion
    self.minimumExclusiveDepth = minimumExclusiveDepth
    self.scaleChildrenByParent = scaleChildrenByParent
    self.exclusion = exclusion
    self.compensateProbabilities = compensateProbabilities
  }

  private enum CodingKeys: String, CodingKey {
    case parents, exclusiveParents, roots, branching, depth, mutuallyExclusivePortion, minimumExclusiveDepth,
         scaleChildrenByParent, exclusion, compensateProbabilities
  }

  /// Decodes; `branching` may be a number or `[a, b]`, and the flags default to false / at-most-one.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    parents = try c.decodeIfPresent([Int?].self, forKey: .parents)
    exclusiveParents = try c.decodeIfPresent([Int].self, forKey: .exclusiveParents)
    roots = try c.decodeIfPresent(Int.self, forKey: .roots)
    if let k = try? c.decodeIfPresent(Int.self, forKey: .branching) {
      branching = [k, k]
    } else {
      branching = try c.decodeIfPresent([Int].self, forKey: .branching)
    }
    depth = try c.decodeIfPresent(Int.self, forKey: .depth)
    mutuallyExclusivePortion = try c.decodeIfPresent(Double.self, forKey: .mutuallyExclusivePortion)
    minimumExclusiveDepth = try c.decodeIfPresent(Int.self, forKey: .minimumExclusiveDepth)
    scaleChildrenByParent = try c.decodeIfPresent(Bool.self, forKey: .scaleChildrenByParent) ?? false
    exclusion = try c.decodeIfPresent(Exclusion.self, forKey: .exclusion) ?? .atMostOne
    compensateProbabilities = try c.decodeIfPresent(Bool.self, forKey: .compensateProbabilities) ?? false
  }

  /// Problems with the specification for `featureCount` features, named under `field`.
  func problems(featureCount: Int, field: String) -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    if let parents {
      if roots != nil || branching != nil || depth != nil || mutuallyExclusivePortion != nil {
        found.append(ParameterProblem(field, ": give either 'parents' or 'roots'/'branching'/'depth', not both"))
      }
      if parents.count != featureCount {
        found.append(ParameterProblem("\(field).parents", "must have featureCount = \(featureCount) entries, got \(parents.count)"))
        return found
      }
      for (i, p) in parents.enumerated() {
        if let p, !(0..<featureCount).contains(p) || p == i {
          found.append(ParameterProblem("\(field).parents[\(i)]", mustBe: "null or another feature index in 0..<\(featureCount)", got: p))
        }
      }
      guard found.isEmpty else { return found }
      if let cycle = FeatureForest.cycle(in: parents) {
        return [ParameterProblem("\(field).parents", "has a cycle through feature \(cycle)")]
      }
      for p in exclusiveParents ?? [] {
        let children = parents.filter { $0 == p }.count
        if children < 2 { found.append(ParameterProblem("\(field).exclusiveParents", "entry \(p) must have at least 2 children, has \(children)")) }
      }
    } else {
      if exclusiveParents != nil { found.append(ParameterProblem("\(field).exclusiveParents", "needs explicit 'parents'")) }
      let r = roots ?? 0
      if !(1...featureCount).contains(r) { found.append(ParameterProblem("\(field).roots", mustBe: "in 1...\(featureCount)", got: roots)) }
      if let b = branching, !(b.count == 2 && b[0] >= 1 && b[0] <= b[1] && b[1] <= 100_000) {
        found.append(ParameterProblem("\(field).branching", mustBe: "a number >= 1 or [a, b] with 1 <= a <= b", got: b))
      }
      if let d = depth, !(1...64).contains(d) { found.append(ParameterProblem("\(field).depth", mustBe: "in 1...64", got: d)) }
      if let q = mutuallyExclusivePortion, !(q >= 0 && q <= 1) {
        found.append(ParameterProblem("\(field).mutuallyExclusivePortion", mustBe: "in [0, 1]", got: q))
      }
    }
    return found
  }

  /// The forest, drawing the generated shape's random choices from `generator`.
  public func forest<G: RandomNumberGenerator>(featureCount: Int, using generator: inout G) -> FeatureForest {
    if let parents {
      return FeatureForest(parents: parents, exclusiveParents: Set(exclusiveParents ?? []))
    }
    let branch = branching ?? [100, 100]
    let maxDepth = depth ?? 2
    var parents = [Int?](repeating: nil, count: featureCount)
    var depths = [Int](repeating: 0, count: featureCount)
    var frontier = Array(0..<min(roots ?? 100, featureCount))
    var next = frontier.count
    var level = 0
    while level < maxDepth && next < featureCount && !frontier.isEmpty {
      var newFrontier: [Int] = []
      for node in frontier {
        let k = branch[0] + generator.nextInt(below: branch[1] - branch[0] + 1)
        for _ in 0..<k where next < featureCount {
          parents[next] = node
          depths[next] = level + 1
          newFrontier.append(next)
          next += 1
        }
      }
      frontier = newFrontier
      level += 1
    }
    var childCount = [Int](repeating: 0, count: featureCount)
    for p in parents.compactMap({ $0 }) { childCount[p] += 1 }
    var eligible = (0..<featureCount).filter {
      childCount[$0] >= 2 && depths[$0] >= (minimumExclusiveDepth ?? 0) && depths[$0] <= maxDepth
    }
    let chosen = Int(Double(eligible.count) * (mutuallyExclusivePortion ?? 0))
    for i in 0..<chosen {  // partial Fisher–Yates: a uniform sample without replacement
      eligible.swapAt(i, i + generator.nextInt(below: eligible.count - i))
    }
    return FeatureForest(parents: parents, exclusiveParents: Set(eligible.prefix(chosen)))
  }
}
