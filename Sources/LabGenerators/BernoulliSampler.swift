import LabRandom

/// Activations of independently (or copula-correlated) firing features, optionally passed through
/// a hierarchy (ANCHORS §3.6, steps 1–3): feature i fires with probability pᵢ (independent
/// Bernoulli, or `zᵢ > τᵢ = Φ⁻¹(1 − pᵢ)` under a Gaussian copula), a fired feature gets a
/// magnitude, the ``HierarchyModifier`` steps run level by level, and a final ReLU follows.
///
/// Lazy evaluation: the hierarchy runs depth first from the active roots. Under an active parent
/// its children's firing (their copula events `zᵢ > τᵢ`, or their uniforms) and magnitudes are
/// drawn, exclusion is resolved on those raw values, each surviving child is scaled by its parent
/// and its own subtree follows; subtrees of inactive features are never visited and stay 0.
/// This is SAELens's level-ordered pipeline (exclusion at level L before gating at L + 1, losers
/// silencing their descendants) in another order: every skipped draw belongs to a feature that
/// gating would zero and is independent of everything else, so the joint distribution is exactly
/// SAELens's while the work is proportional to the features that can fire. Negative magnitudes
/// (possible for `uniform`) are set to 0 when drawn, which is what the final ReLU would do, since
/// gating and exclusion only test `> 0`.
public struct BernoulliSampler: CodeSampler {
  /// Names, forest, exclusive groups and the firing probabilities pᵢ.
  public let structure: WorldStructure
  /// Per-feature magnitude parameters.
  public let magnitudes: MagnitudeModel.Resolved
  /// The copula's latent Gaussian, if firing is correlated.
  public let latent: LatentGaussian?
  /// Copula thresholds `τᵢ = Φ⁻¹(1 − pᵢ)`.
  public let thresholds: [Double]
  /// The hierarchy, if any.
  public let modifier: HierarchyModifier?
  /// Features decided before the hierarchy steps: those without a parent.
  private let unconditional: [Int]

  /// A sampler; `thresholds` are derived from the probabilities.
  public init(structure: WorldStructure, magnitudes: MagnitudeModel.Resolved, latent: LatentGaussian?, modifier: HierarchyModifier?) {
    self.structure = structure
    self.magnitudes = magnitudes
    self.latent = latent
    self.modifier = modifier
    thresholds = latent == nil ? [] : (structure.firingProbabilities ?? []).map(NormalDistribution.upperQuantile)
    unconditional = structure.parents.indices.filter { structure.parents[$0] == nil }
  }

  /// Whether feature i fires on this sample (one draw per call).
  @inline(__always)
  private func fires(_ i: Int, shared: [Double], using generator: inout Xoshiro256StarStar) -> Bool {
    if let latent { return latent.exceeds(i, threshold: thresholds[i], shared: shared, using: &generator) }
    return generator.nextUniform() < (structure.firingProbabilities ?? [])[i]
  }

  /// Fires feature i and, if it fires, draws its magnitude (ReLU applied).
  @inline(__always)
  private func value(_ i: Int, shared: [Double], using generator: inout Xoshiro256StarStar) -> Double {
    fires(i, shared: shared, using: &generator) ? max(0, magnitudes.sample(i, using: &generator)) : 0
  }

  /// Fires, draws magnitudes and applies the hierarchy, one sample at a time.
  public func fill(_ codes: UnsafeMutablePointer<Double>, rows: Int, first: Int, using generator: inout Xoshiro256StarStar) {
    let f = structure.parents.count
    var shared = [Double](repeating: 0, count: latent?.sharedCount ?? 0)
    var pending: [Int] = []
    var active: [Int] = []
    for r in 0..<rows {
      let row = codes + r * f
      latent?.drawShared(into: &shared, using: &generator)
      for i in unconditional { row[i] = value(i, shared: shared, using: &generator) }
      guard let modifier else { continue }
      pending.removeAll(keepingCapacity: true)
      for root in modifier.roots.reversed() where row[root] > 0 { pending.append(root) }
      while let parent = pending.popLast() {
        let children = modifier.children[parent]
        if modifier.exclusive[parent] && modifier.exclusion == .exactlyOne {
          let winner = HierarchyModifier.draw(children, weights: modifier.weights, using: &generator)
          row[winner] = max(0, magnitudes.sample(winner, using: &generator))
        } else {
          active.removeAll(keepingCapacity: true)
          for c in children {
            row[c] = value(c, shared: shared, using: &generator)
            if row[c] > 0 { active.append(c) }
          }
          if modifier.exclusive[parent] && active.count >= 2 {
            let winner = active[generator.nextInt(below: active.count)]
            for c in active where c != winner { row[c] = 0 }
          }
        }
        let factor = modifier.scaled[parent] ? row[parent] / modifier.means[parent] : 1
        for c in children.reversed() where row[c] > 0 {
          row[c] *= factor
          if !modifier.children[c].isEmpty { pending.append(c) }
        }
      }
    }
  }
}
