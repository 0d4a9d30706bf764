/// Collects the problems of a toy, each naming the field and the bad value.
struct ToyProblems {
  private(set) var found: [String] = []

  /// A number that must be finite and > 0.
  mutating func positive(_ name: String, _ value: Double) {
    if !(value.isFinite && value > 0) { found.append("'\(name)' must be a finite number > 0, got \(value)") }
  }

  /// A count that must lie in `range`.
  mutating func count(_ name: String, _ value: Int, _ range: ClosedRange<Int>) {
    if !range.contains(value) { found.append("'\(name)' must be in \(range.lowerBound)...\(range.upperBound), got \(value)") }
  }
}
