import LabRandom

/// Activations of independently (or copula-correlated) firing features, optionally passed through
/// a hierarchy: fire feature i with probability pᵢ (independent Bernoulli, or `zᵢ > τᵢ` under a
/// Gaussian copula), give each fired feature a magnitude, apply the hierarchy modifier, then a
/// final ReLU (ANCHORS §3.6, steps 1–3).
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

  /// A sampler; `thresholds` are derived from the probabilities.
  public init(structure: WorldStructure, magnitudes: MagnitudeModel.Resolved, latent: LatentGaussian?, modifier: HierarchyModifier?) {
    self.structure = structure
    self.magnitudes = magnitudes
    self.latent = latent
    self.modifier = modifier
    thresholds = latent == nil ? [] : (structure.firingProbabilities ?? []).map(NormalDistribution.upperQuantile)
  }

  /// Fires, draws magnitudes and applies the hierarchy, one sample at a time.
  public func fill(_ codes: UnsafeMutablePointer<Double>, rows: Int, first: Int, using generator: inout Xoshiro256StarStar) {
    let p = structure.firingProbabilities ?? []
    let f = p.count
    var z = [Double](repeating: 0, count: latent == nil ? 0 : f)
    var scratch = [Double](repeating: 0, count: latent?.scratchCount ?? 0)
    for r in 0..<rows {
      let row = codes + r * f
      if let latent {
        latent.sample(into: &z, scratch: &scratch, using: &generator)
        for i in 0..<f where z[i] > thresholds[i] { row[i] = magnitudes.sample(i, using: &generator) }
      } else {
        for i in 0..<f where generator.nextUniform() < p[i] { row[i] = magnitudes.sample(i, using: &generator) }
      }
      modifier?.apply(to: row, magnitudes: magnitudes, using: &generator)
      for i in 0..<f where row[i] < 0 { row[i] = 0 }
    }
  }
}
