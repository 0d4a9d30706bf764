import Foundation

/// A linear axis over a data range, extended to round bounds, with ticks at a 1-2-5 step: every tick
/// is a whole multiple of step = {1, 2, 5}·10ᵏ, and the axis ends at the first tick at or beyond the
/// data on each side, so it never reaches a whole step past the data.
struct AxisScale: Equatable {
  /// The axis bounds (the outermost ticks).
  let range: ClosedRange<Double>
  /// The tick values, from low to high, `step` apart.
  let ticks: [Double]
  /// The distance between ticks.
  let step: Double

  /// The relative width below which a range counts as one value: ticks that close together would
  /// need more digits than a label can show, and multiples of such a step lose their precision.
  static let narrowestRelativeSpan = 1e-10

  /// Whether `low…high` is treated as a single value (and widened).
  static func isDegenerate(_ low: Double, _ high: Double) -> Bool {
    high - low <= narrowestRelativeSpan * max(abs(low), abs(high))
  }

  /// The about `targetIntervals` intervals that cover `data`. A degenerate range (one value, or
  /// narrower than ``narrowestRelativeSpan``) is widened around its middle by 10 % of its magnitude
  /// (±0.5 at 0) first. Non-finite bounds are refused by a precondition: callers pass finite data.
  init(covering data: ClosedRange<Double>, targetIntervals: Int = 5) {
    precondition(data.lowerBound.isFinite && data.upperBound.isFinite, "An axis needs a finite range, got \(data).")
    var low = data.lowerBound, high = data.upperBound
    if AxisScale.isDegenerate(low, high) {
      let middle = low / 2 + high / 2, pad = middle == 0 ? 0.5 : 0.1 * abs(middle)
      (low, high) = (min(low, middle - pad), max(high, middle + pad))
    }
    let step = AxisScale.niceStep(span: high - low, intervals: targetIntervals)
    // The largest multiple of the step at or below `low` and the smallest at or above `high`,
    // corrected for the rounding of the division and of the product.
    var first = (low / step).rounded(.down), last = (high / step).rounded(.up)
    while first * step > low { first -= 1 }
    while (first + 1) * step <= low { first += 1 }
    while last * step < high { last += 1 }
    while (last - 1) * step >= high { last -= 1 }
    let count = Int(last - first)
    self.step = step
    self.ticks = (0...max(count, 1)).map { k in
      let tick = (first + Double(k)) * step
      return tick == 0 ? 0 : tick
    }
    self.range = ticks.first!...ticks.last!
  }

  /// The smallest step of the form {1, 2, 5}·10ᵏ that covers `span` in at most `intervals` intervals.
  static func niceStep(span: Double, intervals: Int) -> Double {
    let raw = span / Double(max(intervals, 1))
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let fraction = raw / magnitude
    let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
    return nice * magnitude
  }

  /// The tick label of `value`: as many decimals as the step needs, or `%g` with enough significant
  /// digits when the values are very large or very small.
  func label(_ value: Double) -> String {
    if value == 0 { return "0" }
    let largest = max(abs(range.lowerBound), abs(range.upperBound))
    if step >= 1e-4 && largest < 1e6 {
      let decimals = max(0, -Int((log10(step) + 1e-9).rounded(.down)))
      return String(format: "%.\(decimals)f", value)
    }
    let digits = max(1, Int((log10(largest / step)).rounded(.up)) + 1)
    return String(format: "%.\(digits)g", value)
  }

  /// The label of the tick 10ᵏ on a logarithmic axis: plain decimals from 0.001 to 1000, `1e±k` beyond.
  static func decadeLabel(_ k: Int) -> String {
    if k >= 0 && k <= 3 { return String(Int(pow(10, Double(k)))) }
    if k < 0 && k >= -3 { return String(format: "%.\(-k)f", pow(10, Double(k))) }
    return "1e\(k)"
  }
}
