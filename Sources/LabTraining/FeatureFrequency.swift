import LabNumerics

/// Latent firing frequencies and their histogram by decade (SAELens feature density, ANCHORS §3.5):
/// the frequency of latent j is #(samples with z_j ≠ 0) / N.
public struct FeatureFrequency: Sendable, Equatable, Codable {
  /// Per latent: the fraction of samples on which it fires.
  public var frequencies: [Double]
  /// Latents that never fire.
  public var dead: Int
  /// `decades[d]` counts the live latents with frequency in (10^−(d+1), 10^−d]; the last decade also
  /// takes every smaller positive frequency.
  public var decades: [Int]

  /// The frequencies of the latents of `codes` (N×F, N ≥ 1), histogrammed over `decadeCount` decades.
  public init<Scalar: LinearAlgebraScalar>(codes: Matrix<Scalar>, decadeCount: Int = 6) {
    precondition(codes.rows >= 1 && decadeCount >= 1, "Frequencies need at least one sample and one decade.")
    var fired = [Int](repeating: 0, count: codes.columns)
    for n in 0..<codes.rows { for j in 0..<codes.columns where codes[n, j] != 0 { fired[j] += 1 } }
    frequencies = fired.map { Double($0) / Double(codes.rows) }
    dead = fired.filter { $0 == 0 }.count
    decades = Array(repeating: 0, count: decadeCount)
    for count in fired where count > 0 {
      // The decade d with N·10^−(d+1) < count ≤ N·10^−d, compared as count·10^(d+1) ≤ N (exact in Double).
      var d = 0, scaled = Double(count) * 10
      while d < decadeCount - 1 && scaled <= Double(codes.rows) { d += 1; scaled *= 10 }
      decades[d] += 1
    }
  }
}
