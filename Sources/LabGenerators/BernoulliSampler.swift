import LabRandom

/// Activations of independently (or copula-correlated) firing features, optionally passed through
/// a hierarchy (ANCHORS §3.6, steps 1–3): feature i fires with probability pᵢ (independent
/// Bernoulli, or `zᵢ > τᵢ = Φ⁻¹(1 − pᵢ)` under a Gaussian copula), a fired feature gets a
/// magnitude, the ``HierarchyModifier`` steps run level by level, and a final ReLU follows.
///
/// Lazy evaluation: a child's firing (its copula event `zᵢ > τᵢ`, or its uniform) and magnitude are
/// drawn only when its parent is active, i.e. when the hierarchy can keep it. All such draws are
/// independent of everything else, so skipping the ones that gating would zero leaves the joint
/// distribution exactly that of SAELens's eager pipeline while doing work proportional to the
/// features that can fire (SynthSAEBench's compensated children fire with probability near 1
/// but survive only under an active parent).
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

  /// Fires feature i and, if it fires, draws its magnitude.
  @inline(__always)
  private func value(_ i: Int, shared: [Double], using generator: inout Xoshiro256StarStar) -> Double {
    fires(i, shared: shared, using: &generator) ? magnitudes.sample(i, using: &generator) : 0
  }

  /// Fires, draws magnitudes and applies the hierarchy, one sample at a time.
  public func fill(_ codes: UnsafeMutablePointer<Double>, rows: Int, first: Int, using generator: inout Xoshiro256StarStar) {
    let f = structure.parents.count
    var shared = [Double](repeating: 0, count: latent?.sharedCount ?? 0)
    var decided = [Bool](repeating: false, count: modifier == nil ? 0 : f)
    var active: [Int] = []
    for r in 0..<rows {
      let row = codes + r * f
      latent?.drawShared(into: &shared, using: &generator)
      for i in unconditional { row[i] = value(i, shared: shared, using: &generator) }
      if let modifier {
        for i in decided.indices { decided[i] = structure.parents[i] == nil }
        for step in modifier.steps {
          switch step {
          case .gate(let child, let parent, let scale):
            let p = row[parent]
            if p > 0 {
              if !decided[child] { row[child] = value(child, shared: shared, using: &generator) }
              if scale { row[child] *= p / modifier.means[parent] }
            } else {
              row[child] = 0
            }
            decided[child] = true
          case .exclusive(let parent, let children):
            guard row[parent] > 0 else { continue }
            switch modifier.exclusion {
            case .atMostOne:
              active.removeAll(keepingCapacity: true)
              for c in children {
                row[c] = value(c, shared: shared, using: &generator)
                decided[c] = true
                if row[c] > 0 { active.append(c) }
              }
              guard active.count >= 2 else { continue }
              let winner = active[generator.nextInt(below: active.count)]
              for c in active where c != winner { row[c] = 0 }
            case .exactlyOne:
              let winner = HierarchyModifier.draw(children, weights: modifier.weights, using: &generator)
              for c in children {
                row[c] = 0
                decided[c] = true
              }
              row[winner] = magnitudes.sample(winner, using: &generator)
            }
          }
        }
      }
      for i in 0..<f where row[i] < 0 { row[i] = 0 }
    }
  }
}
