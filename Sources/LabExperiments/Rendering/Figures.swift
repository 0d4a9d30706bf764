import Foundation

/// Deterministic number formatting for reports: the same value always prints the same text.
public enum Figures {
  /// `value` with `digits` significant digits (C `%g` style); −0 prints as 0, NaN as "n/a", ±∞ as "∞"/"−∞".
  public static func format(_ value: Double, digits: Int = 4) -> String {
    if value.isNaN { return "n/a" }
    if value.isInfinite { return value > 0 ? "∞" : "−∞" }
    if value == 0 { return "0" }
    return String(format: "%.\(digits)g", value)
  }

  /// An optional value; `nil` prints as "—".
  public static func format(_ value: Double?, digits: Int = 4) -> String {
    value.map { format($0, digits: digits) } ?? "—"
  }

  /// A closed interval.
  public static func interval(_ low: Double?, _ high: Double?, digits: Int = 4) -> String {
    guard let low, let high else { return "∅" }
    return "[\(format(low, digits: digits)), \(format(high, digits: digits))]"
  }
}
