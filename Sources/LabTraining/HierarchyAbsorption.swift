import LabNumerics

/// Ground-truth absorption on the edges of a feature hierarchy (SAELens issue #729), accumulated
/// over batches of samples. For an edge child → parent, the parent's latent is the latent the
/// SynthSAEBench matching pairs with the parent (the Hungarian pair of ``FeatureMatching``), and
///
///     gap = P(parent latent fires | parent ∧ ¬child) − P(parent latent fires | parent ∧ child),
///
/// a feature firing where its true code is > 0, a latent where its code is ≠ 0 (as SynthSAEBench's
/// classification). A gap near 1 is full absorption: the parent's latent goes silent whenever the
/// child is on. The splitting count of a feature is the number of latents whose best-|cos| feature
/// it is (``FeatureMatching/latentsPerFeature``; more than one is a split).
///
/// Beside each edge it also gathers what the pair test (PC_{child→parent}) of THEORY §4.2 at the
/// ground-truth dictionary needs (the child's codes where the parent is silent), so that the
/// prediction of THEORY §6.1 — a child–parent pair fails the test and so absorbs — can be set
/// beside the measured gap.
public struct HierarchyAbsorption: Sendable {
  /// One edge's counts.
  public struct EdgeCounts: Sendable, Equatable {
    /// The child and parent features.
    public var child: Int, parent: Int
    /// The parent's matched latent (nil when the width leaves the parent unmatched).
    public var parentLatent: Int?
    /// Samples with the parent on and the child off, and among them those where the parent's latent fires.
    public var parentOnly = 0, parentOnlyFired = 0
    /// Samples with both on, and among them those where the parent's latent fires.
    public var both = 0, bothFired = 0
    /// Σ_n z_child,n over all samples (the donor mass Z_i of THEORY).
    public var childMass = 0.0
    /// On B_parent = {n : z_parent,n ≤ 0}: its size, min and max of the child's code, and whether the child is on there.
    public var silentCount = 0, silentMinimum = Double.infinity, silentMaximum = -Double.infinity, silentActive = false
  }

  /// The parent of every true feature (nil for a root or a free feature).
  public let parents: [Int?]
  /// For each feature, its Hungarian-matched latent (nil when the width leaves it unmatched).
  public let matchedLatent: [Int?]
  /// The edges, in child order.
  public private(set) var edges: [EdgeCounts]
  /// The number of samples added.
  public private(set) var samples = 0

  /// An empty accumulator for the hierarchy `parents` (one entry per true feature) and `matching`.
  public init(parents: [Int?], matching: FeatureMatching) {
    precondition(parents.count == matching.cosines.columns, "\(parents.count) parents for \(matching.cosines.columns) features.")
    self.parents = parents
    var matched = [Int?](repeating: nil, count: parents.count)
    for pair in matching.pairs { matched[pair.feature] = pair.latent }
    matchedLatent = matched
    edges = parents.enumerated().compactMap { child, parent in
      parent.map { EdgeCounts(child: child, parent: $0, parentLatent: matched[$0]) }
    }
  }

  /// Adds a batch: the SAE's codes Z (N×F) and the true codes C (N×K).
  public mutating func add<Scalar: LinearAlgebraScalar>(codes: Matrix<Scalar>, trueCodes: Matrix<Double>) {
    precondition(codes.rows == trueCodes.rows && trueCodes.columns == parents.count, "A batch of inconsistent shapes.")
    for e in edges.indices {
      var edge = edges[e]
      let latent = edge.parentLatent
      for n in 0..<codes.rows {
        let child = trueCodes[n, edge.child], parent = trueCodes[n, edge.parent]
        edge.childMass += child
        if parent <= 0 {
          edge.silentCount += 1
          edge.silentMinimum = min(edge.silentMinimum, child)
          edge.silentMaximum = max(edge.silentMaximum, child)
          if child > 0 { edge.silentActive = true }
          continue
        }
        let fires = latent.map { codes[n, $0] != 0 } ?? false
        if child > 0 {
          edge.both += 1
          if fires { edge.bothFired += 1 }
        } else {
          edge.parentOnly += 1
          if fires { edge.parentOnlyFired += 1 }
        }
      }
      edges[e] = edge
    }
    samples += codes.rows
  }
}

extension HierarchyAbsorption.EdgeCounts {
  /// P(parent latent fires | parent ∧ ¬child), nil with no such sample.
  public var firingWithoutChild: Double? { parentOnly > 0 ? Double(parentOnlyFired) / Double(parentOnly) : nil }
  /// P(parent latent fires | parent ∧ child), nil with no such sample.
  public var firingWithChild: Double? { both > 0 ? Double(bothFired) / Double(both) : nil }
  /// The absorption gap, nil when the parent has no matched latent or either probability is undefined.
  public var gap: Double? {
    guard parentLatent != nil, let without = firingWithoutChild, let with = firingWithChild else { return nil }
    return without - with
  }
}
