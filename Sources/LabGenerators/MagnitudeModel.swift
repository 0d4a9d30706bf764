import LabNumerics
import LabRandom

/// How a fired feature's magnitude is drawn: per-feature means `μᵢ` and standard deviations `σᵢ`
/// from two ``FeatureProfile``s, then per sample
///
/// - `rectified` (SAELens, ANCHORS §3.6): `aᵢ = max(0, μᵢ + σᵢ·ε)`, so a fired feature can be 0;
/// - `folded`: `aᵢ = |μᵢ + σᵢ·ε|`;
/// - `uniform`: `aᵢ ~ U[μᵢ − σᵢ√3, μᵢ + σᵢ√3]` (mean μᵢ, standard deviation σᵢ),
///
/// with `ε ~ N(0, 1)`. With `σ = 0` every magnitude is the constant `max(0, μᵢ)` resp. `|μᵢ|`.
public struct MagnitudeModel: Codable, Equatable, Sendable {
  /// The per-sample rule.
  public enum Rule: String, Codable, Sendable, CaseIterable {
    /// `max(0, μ + σε)`, as SAELens.
    case rectified
    /// `|μ + σε|`.
    case folded
    /// `U[μ − σ√3, μ + σ√3]`.
    case uniform
  }

  /// Per-feature means μᵢ.
  public var mean: FeatureProfile
  /// Per-feature standard deviations σᵢ.
  public var standardDeviation: FeatureProfile
  /// The per-sample rule.
  public var rule: Rule

  /// A model; the default is SAELens's `max(0, 1 + 0·ε)`, i.e. every magnitude 1.
  public init(mean: FeatureProfile = .constant(1), standardDeviation: FeatureProfile = .constant(0), rule: Rule = .rectified) {
    self.mean = mean
    self.standardDeviation = standardDeviation
    self.rule = rule
  }

  private enum CodingKeys: String, CodingKey { case mean, standardDeviation, rule }

  /// Decodes, with every key optional (defaults as in ``init(mean:standardDeviation:rule:)``).
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(mean: try c.decodeIfPresent(FeatureProfile.self, forKey: .mean) ?? .constant(1),
              standardDeviation: try c.decodeIfPresent(FeatureProfile.self, forKey: .standardDeviation) ?? .constant(0),
              rule: try c.decodeIfPresent(Rule.self, forKey: .rule) ?? .rectified)
  }

  /// Problems with the parameters, named under `field`.
  func problems(field: String) -> [ParameterProblem] {
    mean.problems(field: "\(field).mean", allowed: -Double.infinity...Double.infinity)
      + standardDeviation.problems(field: "\(field).standardDeviation", allowed: 0...Double.infinity)
  }

  /// The per-feature parameters for `count` features; random profiles draw from the seed's
  /// `<path>/mean` and `<path>/standard-deviation` streams.
  public func resolved(count: Int, seeds: SeedTree, path: String) -> Resolved {
    var meanGenerator = seeds.generator(for: "\(path)/mean")
    var stdGenerator = seeds.generator(for: "\(path)/standard-deviation")
    return Resolved(means: mean.values(count: count, using: &meanGenerator),
                    standardDeviations: standardDeviation.values(count: count, using: &stdGenerator), rule: rule)
  }

  /// Per-feature magnitude parameters, ready to sample.
  public struct Resolved: Sendable, Equatable {
    /// μᵢ.
    public var means: [Double]
    /// σᵢ.
    public var standardDeviations: [Double]
    /// The per-sample rule.
    public var rule: Rule

    /// Whether every magnitude is a constant (σᵢ = 0 for all i).
    public var isDeterministic: Bool { standardDeviations.allSatisfy { $0 == 0 } }

    /// The magnitude for feature `i`; draws nothing when σᵢ = 0.
    @inline(__always)
    public func sample<G: RandomNumberGenerator>(_ i: Int, using generator: inout G) -> Double {
      let mu = means[i], sigma = standardDeviations[i]
      switch rule {
      case .rectified: return max(0, sigma == 0 ? mu : mu + sigma * generator.nextNormal())
      case .folded: return abs(sigma == 0 ? mu : mu + sigma * generator.nextNormal())
      case .uniform:
        let half = sigma * 3.0.squareRoot()
        return sigma == 0 ? mu : generator.nextUniform(in: (mu - half)...(mu + half))
      }
    }

    /// The constant magnitude of feature `i` when σᵢ = 0.
    public func constant(_ i: Int) -> Double {
      rule == .rectified ? max(0, means[i]) : (rule == .folded ? abs(means[i]) : means[i])
    }
  }
}
