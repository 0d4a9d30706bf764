import Foundation

/// Comparing SAEs at matched L0 when each was measured only at its own L0 values: the MSE is
/// interpolated piecewise linearly in log L0 between an SAE's measured points and never
/// extrapolated outside them.
public enum MatchedL0 {
  /// One measured SAE: its L0 and MSE.
  public struct Measurement: Sendable, Equatable {
    public var l0: Double
    public var meanSquaredError: Double

    /// A measurement.
    public init(l0: Double, meanSquaredError: Double) {
      self.l0 = l0
      self.meanSquaredError = meanSquaredError
    }
  }

  /// The measurements with a positive, finite L0 (log L0 is defined), sorted by L0.
  static func usable(_ measurements: [Measurement]) -> [Measurement] {
    measurements.filter { $0.l0 > 0 && $0.l0.isFinite }.sorted { $0.l0 < $1.l0 }
  }

  /// The measured L0 range of `measurements` (positive L0 only), nil when none is usable.
  public static func range(_ measurements: [Measurement]) -> ClosedRange<Double>? {
    let sorted = usable(measurements)
    guard let first = sorted.first, let last = sorted.last else { return nil }
    return first.l0...last.l0
  }

  /// The MSE at `l0`: linear in log L0 between the two measurements around it (at a measured L0,
  /// the measured MSE; of equal L0s the first in L0 order); nil outside the measured range.
  public static func meanSquaredError(_ measurements: [Measurement], at l0: Double) -> Double? {
    let sorted = usable(measurements)
    guard let range = range(sorted), range.contains(l0) else { return nil }
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.l0 <= l0 && l0 <= b.l0 {
      if l0 == a.l0 || a.l0 == b.l0 { return a.meanSquaredError }
      if l0 == b.l0 { return b.meanSquaredError }
      let t = (log(l0) - log(a.l0)) / (log(b.l0) - log(a.l0))
      return a.meanSquaredError + t * (b.meanSquaredError - a.meanSquaredError)
    }
    return sorted[0].meanSquaredError  // a single measurement, at l0
  }

  /// The common L0 grid of SAE families measured over `ranges`: the two ends of the range every
  /// family covers and the `anchors` strictly inside it, ascending; empty when the ranges do not
  /// overlap (or there are none).
  public static func grid(ranges: [ClosedRange<Double>], anchors: [Double]) -> [Double] {
    guard let low = ranges.map(\.lowerBound).max(), let high = ranges.map(\.upperBound).min(), low <= high else { return [] }
    guard low < high else { return [low] }
    return [low] + anchors.filter { low < $0 && $0 < high }.sorted() + [high]
  }
}
