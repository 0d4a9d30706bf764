/// Total accessors for renderers: a run record read back by `lab report` may be hostile (a
/// truncated array, a flipped digit), and rendering it must end in text, never a trap.
extension Array {
  /// The element at `index`, or nil when the array has no such element.
  subscript(ifPresent index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension Figures {
  /// An integer stored as a Double (an iteration, a size K) printed as an integer; any other
  /// value (fractional, huge, non-finite, missing) falls back to ``format(_:digits:)-1ogr1``.
  static func integer(_ value: Double?) -> String {
    guard let value, value == value.rounded(), abs(value) < 9.0e15 else { return format(value) }
    return String(Int(value))
  }
}
