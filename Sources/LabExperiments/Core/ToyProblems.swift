/// Collects the problems of a toy, each naming the field and the bad value.
struct ToyProblems {
  private(set) var found: [String] = []

  /// A number that must be finite and > 0.
  mutating func positive(_ name: String, _ value: Double) {
    if !(value.isFinite && value > 0) { found.append("'\(name)' must be a finite number > 0, got \(value)") }
  }

  /// A count that must lie in `range`.
  mutating func count(_ name: String, _ value: Int, _ range: ClosedRange<Int>) {
    count(name, value, from: range.lowerBound, to: range.upperBound)
  }

  /// A count that must lie in `lower`...`upper`, where a bound comes from another field: when that
  /// field is itself out of range the bounds may cross, which a `ClosedRange` would trap on.
  mutating func count(_ name: String, _ value: Int, from lower: Int, to upper: Int) {
    if !(lower <= value && value <= upper) { found.append("'\(name)' must be in \(lower)...\(upper), got \(value)") }
  }
}
