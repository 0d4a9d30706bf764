import Foundation
import LabChecks

/// The bound a measured number is held to: a comparison and a number. The report's threshold
/// text is rendered from that number, so the text and the verdict cannot disagree.
public struct Threshold: Sendable, Equatable {
  /// How the measured number must compare with the bound.
  public enum Comparison: String, Sendable {
    /// Strictly below.
    case below = "<"
    /// Below or equal.
    case atMost = "≤"
    /// Strictly above.
    case above = ">"
    /// Above or equal.
    case atLeast = "≥"
  }

  /// How the bound's number is written in a report.
  enum Notation: Sendable, Equatable {
    /// The number itself (powers of ten as 10⁻ⁿ).
    case number
    /// 1 − m, for bounds just below one (a cosine near 1).
    case oneMinus(Double)
    /// A percentage.
    case percent
  }

  /// The comparison.
  public let comparison: Comparison
  /// The bound (before any scale it is multiplied by).
  public let value: Double
  let notation: Notation

  init(_ comparison: Comparison, _ value: Double, notation: Notation = .number) {
    self.comparison = comparison
    self.value = value
    self.notation = notation
  }

  /// Measured < `value`.
  public static func below(_ value: Double) -> Threshold { Threshold(.below, value) }
  /// Measured ≤ `value`.
  public static func atMost(_ value: Double) -> Threshold { Threshold(.atMost, value) }
  /// Measured > `value`.
  public static func above(_ value: Double) -> Threshold { Threshold(.above, value) }
  /// Measured ≥ `value`.
  public static func atLeast(_ value: Double) -> Threshold { Threshold(.atLeast, value) }
  /// Measured ≥ 1 − `margin`.
  public static func atLeast(oneMinus margin: Double) -> Threshold { Threshold(.atLeast, 1 - margin, notation: .oneMinus(margin)) }
  /// Measured > 1 − `margin`.
  public static func above(oneMinus margin: Double) -> Threshold { Threshold(.above, 1 - margin, notation: .oneMinus(margin)) }
  /// Measured ≤ `fraction` (written as a percentage).
  public static func atMost(percent fraction: Double) -> Threshold { Threshold(.atMost, fraction, notation: .percent) }

  /// Whether `measured` compares with `value · scale` as required (false for NaN).
  public func admits(_ measured: Double, scale: Double = 1) -> Bool {
    let bound = scale == 1 ? value : value * scale
    switch comparison {
    case .below: return measured < bound
    case .atMost: return measured <= bound
    case .above: return measured > bound
    case .atLeast: return measured >= bound
    }
  }

  /// The bound as the report writes it, e.g. "≤ 10⁻⁷", "≥ 1 − 10⁻⁶", "≤ 1 %"; `scale` names a
  /// quantity the number is multiplied by ("≤ 10⁻⁹·Σz").
  public func text(scale: String? = nil) -> String {
    let number: String
    switch notation {
    case .number: number = Self.number(value)
    case .oneMinus(let margin): number = "1 − " + Self.number(margin)
    case .percent: number = Figures.format(100 * value) + " %"
    }
    return comparison.rawValue + " " + number + (scale.map { "·" + $0 } ?? "")
  }

  /// A number as the reports write bounds: ±10ⁿ for exact powers of ten with |n| ≥ 3, else
  /// ``Figures/format(_:digits:)-1ogr1`` with a true minus sign.
  static func number(_ value: Double) -> String {
    let magnitude = abs(value), sign = value < 0 ? "−" : ""
    for exponent in [-30 ... -3, 3...30].joined() where magnitude == Double("1e\(exponent)")! {
      return sign + "10" + superscript(exponent)
    }
    return sign + Figures.format(magnitude)
  }

  /// An integer in superscript digits.
  static func superscript(_ n: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
  }
}

/// One condition of a check: the measured number(s), the threshold they are held to, and the
/// text the report prints for it; or, for a condition with no number (equal counts, every pair
/// passes), its text and whether it holds.
public struct Condition: Sendable {
  /// The condition as the report's threshold column writes it.
  public let text: String
  /// Whether it holds.
  public let holds: Bool

  /// `values` (every one of them) held to `threshold` times `scale`; `subject` names the
  /// measured quantity, `scaleName` the scale and `qualifier` where it is measured ("at every
  /// scale") in the text. Fails when `values` is empty, unless `vacuous` (a sweep that may have
  /// no point of that kind).
  public static func each(_ subject: String?, _ values: [Double], _ threshold: Threshold, scale: Double = 1, scaleName: String? = nil,
                          qualifier: String? = nil, vacuous: Bool = false) -> Condition {
    let text = [subject, threshold.text(scale: scaleName), qualifier].compactMap { $0 }.joined(separator: " ")
    return Condition(text: text, holds: (vacuous || !values.isEmpty) && values.allSatisfy { threshold.admits($0, scale: scale) })
  }

  /// `value` held to `threshold` times `scale` (see ``each(_:_:_:scale:scaleName:)``).
  public static func that(_ subject: String?, _ value: Double, _ threshold: Threshold, scale: Double = 1, scaleName: String? = nil) -> Condition {
    each(subject, [value], threshold, scale: scale, scaleName: scaleName)
  }

  /// |measured − expected| ≤ tolerance·|expected|, written "relative ≤ …".
  public static func relative(_ measured: Double, _ expected: Double, _ tolerance: Threshold, subject: String = "relative") -> Condition {
    that(subject, abs(measured - expected), tolerance, scale: abs(expected))
  }

  /// A condition with no number in it: its text and whether it holds.
  public static func stated(_ text: String, _ holds: Bool) -> Condition { Condition(text: text, holds: holds) }
}

/// A check as a value: its claim, what was measured, the conditions (each with its threshold),
/// and the verdict computed from them. ``result`` is the verdict-table row the record keeps.
public struct Check: Sendable {
  /// Stable identifier, e.g. `line/loss`.
  public var id: String
  /// The claim in words, with its THEORY reference.
  public var claim: String
  /// What was measured, as printed in the report.
  public var measured: String
  /// The conditions; the check passes when all hold.
  public var conditions: [Condition]
  /// False when the measurement could not be made reliably (an LP answer failed verification):
  /// the verdict is then inconclusive whatever the conditions say.
  public var conclusive: Bool

  /// A check.
  public init(_ id: String, claim: String, measured: String, _ conditions: [Condition], conclusive: Bool = true) {
    self.id = id
    self.claim = claim
    self.measured = measured
    self.conditions = conditions
    self.conclusive = conclusive
  }

  /// The verdict: inconclusive when not conclusive, else pass when every condition holds.
  public var status: CheckStatus {
    guard conclusive else { return .inconclusive }
    return !conditions.isEmpty && conditions.allSatisfy(\.holds) ? .pass : .fail
  }

  /// The verdict-table row: the threshold column is the conditions' texts joined by "; ".
  public var result: CheckResult {
    CheckResult(id: id, claim: claim, measured: measured, threshold: conditions.map(\.text).joined(separator: "; "), status: status)
  }
}
