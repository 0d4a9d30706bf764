/// A resolved forest over features: each feature's parent (or none) and the parents whose
/// children are mutually exclusive, with the level order SAELens's `hierarchy_modifier` uses
/// (ANCHORS §3.6).
public struct FeatureForest: Equatable, Sendable {
  /// One step of the modifier, in execution order.
  public enum Step: Equatable, Sendable {
    /// Keep `child` only where `parent` is > 0 (scaled by `parent / mean` when `scale`).
    case gate(child: Int, parent: Int, scale: Bool)
    /// Resolve the mutually exclusive `children` of `parent` where `parent` is > 0.
    case exclusive(parent: Int, children: [Int])
  }

  /// `parents[i]`: feature i's parent, or `nil`.
  public let parents: [Int?]
  /// Parents whose children are mutually exclusive.
  public let exclusiveParents: Set<Int>
  /// Depth of every feature (roots and free features 0).
  public let depths: [Int]

  /// A forest; `parents` must be acyclic (see ``cycle(in:)``).
  public init(parents: [Int?], exclusiveParents: Set<Int>) {
    precondition(Self.cycle(in: parents) == nil, "The parents contain a cycle.")
    self.parents = parents
    self.exclusiveParents = exclusiveParents
    var depths = [Int](repeating: -1, count: parents.count)
    func depth(_ i: Int) -> Int {
      if depths[i] >= 0 { return depths[i] }
      let d = parents[i].map { depth($0) + 1 } ?? 0
      depths[i] = d
      return d
    }
    for i in parents.indices { _ = depth(i) }
    self.depths = depths
  }

  /// A feature on a cycle of `parents`, or `nil` when the parents form a forest.
  public static func cycle(in parents: [Int?]) -> Int? {
    var state = [UInt8](repeating: 0, count: parents.count)  // 0 new, 1 on path, 2 done
    for start in parents.indices where state[start] == 0 {
      var path: [Int] = []
      var node: Int? = start
      while let n = node, state[n] != 2 {
        if state[n] == 1 { return n }
        state[n] = 1
        path.append(n)
        node = parents[n]
      }
      for n in path { state[n] = 2 }
    }
    return nil
  }

  /// The children of every feature, in index order.
  public var children: [[Int]] {
    var result = [[Int]](repeating: [], count: parents.count)
    for (i, p) in parents.enumerated() { if let p { result[p].append(i) } }
    return result
  }

  /// The mutually exclusive sibling groups, ordered by parent index.
  public var exclusiveGroups: [[Int]] {
    let children = self.children
    return exclusiveParents.sorted().map { children[$0] }
  }

  /// The modifier's steps: for each level L = 0, 1, …, gate the features at level L against
  /// their parents (scaling the children of `scaledParents`), then resolve the exclusive groups
  /// whose parent is at level L.
  public func steps(scaledParents: Set<Int>) -> [Step] {
    let maxDepth = depths.max() ?? 0
    let children = self.children
    var steps: [Step] = []
    for level in 0...maxDepth {
      for i in parents.indices where depths[i] == level {
        if let p = parents[i] { steps.append(.gate(child: i, parent: p, scale: scaledParents.contains(p))) }
      }
      for p in exclusiveParents.sorted() where depths[p] == level {
        steps.append(.exclusive(parent: p, children: children[p]))
      }
    }
    return steps
  }

  /// Compensated firing probabilities (ANCHORS §3.6): `cᵢ = 1/p_par(i)` from the parent's base
  /// probability, times `1 + Σ_{j ≠ i siblings} p_j / p_par` for at-most-one exclusive siblings;
  /// then `pᵢ ← min(1, pᵢ·cᵢ)`. Roots and free features keep `pᵢ`. Children of exactly-one
  /// exclusive parents keep `pᵢ` too (there the probabilities only weigh the choice of child).
  public func compensated(_ base: [Double], exclusion: HierarchySpec.Exclusion) -> [Double] {
    let children = self.children
    return base.indices.map { i in
      guard let p = parents[i] else { return base[i] }
      let parentProbability = base[p]
      var correction = 1 / parentProbability
      if exclusiveParents.contains(p) {
        if exclusion == .exactlyOne { return base[i] }
        let others = children[p].filter { $0 != i }.reduce(0.0) { $0 + base[$1] }
        correction *= 1 + others / parentProbability
      }
      return min(1, base[i] * correction)
    }
  }
}
