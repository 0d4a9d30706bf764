import LabNumerics
import LabTraining

/// The ground-truth absorption gap of one hierarchy edge child → parent, as `lab eval` reports it
/// (``HierarchyAbsorption``): P(parent's matched latent fires | parent ∧ ¬child) −
/// P(it fires | parent ∧ child), the parent's latent chosen by the SynthSAEBench (Hungarian) matching.
public struct AbsorptionGap: Codable, Sendable, Equatable {
  /// The child and parent features.
  public var child: Int, parent: Int
  /// The parent's Hungarian-matched latent (nil when the width leaves it unmatched).
  public var parentLatent: Int?
  /// Samples with the parent on and the child off, and with both on.
  public var parentOnlySamples: Int, bothSamples: Int
  /// P(parent latent fires | parent ∧ ¬child) and P(parent latent fires | parent ∧ child); nil with no such sample.
  public var firingWithoutChild: Double?, firingWithChild: Double?
  /// Their difference; nil when either is undefined or the parent is unmatched.
  public var gap: Double?

  /// The gaps of every edge of the hierarchy `parents` (one entry per true feature), for the codes
  /// `codes` (N×F) of samples with true codes `trueCodes` (N×K), the latents matched by `matching`.
  public static func measure<Scalar: LinearAlgebraScalar>(codes: Matrix<Scalar>, trueCodes: Matrix<Double>, parents: [Int?],
                                                           matching: FeatureMatching) -> [AbsorptionGap] {
    var counts = HierarchyAbsorption(parents: parents, matching: matching)
    counts.add(codes: codes, trueCodes: trueCodes)
    return counts.edges.map {
      AbsorptionGap(child: $0.child, parent: $0.parent, parentLatent: $0.parentLatent, parentOnlySamples: $0.parentOnly, bothSamples: $0.both,
                    firingWithoutChild: $0.firingWithoutChild,
                    firingWithChild: $0.firingWithChild, gap: $0.gap)
    }
  }

  /// The mean gap over `gaps`, NaN when any edge's gap is undefined (so a finding built on it is inconclusive).
  public static func mean(_ gaps: [AbsorptionGap]) -> Double {
    let values = gaps.compactMap(\.gap)
    return values.isEmpty || values.count < gaps.count ? .nan : values.reduce(0, +) / Double(values.count)
  }
}
