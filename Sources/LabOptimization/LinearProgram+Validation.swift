/// Why a ``LinearProgram`` cannot be handed to GLPK; the description names the field, index and value.
public struct LPValidationError: Error, CustomStringConvertible, Equatable, Sendable {
  /// One sentence, e.g. "Column 3 has lower bound 2.0 above its upper bound 1.0."
  public let description: String
}

extension LinearProgram {
  /// The largest magnitude a cost, coefficient or finite bound may have.
  ///
  /// GLPK aborts on extreme values. Fuzzing GLPK 5.0 with random LPs (up to 60 × 60) made
  /// `glp_simplex` fail assertions (`teta >= 0.0`, `q != 0`, `1 <= p && p <= m`) once values
  /// reached about 1e80, or once values near 1e30 met nonzero values near 1e-200 or smaller;
  /// `glp_exact` failed `temp != 0.0` once nonzero values fell to about 1e-150. No abort
  /// occurred in about 200 000 LPs whose values stayed within [1e-30, 1e30], so that window is
  /// enforced. Round a tiny nonzero input to 0 yourself if that is what you mean.
  public static let largestMagnitude = 1e30
  /// The smallest magnitude a nonzero cost, coefficient or finite bound may have; see ``largestMagnitude``.
  public static let smallestMagnitude = 1e-30
  /// GLPK's own limits on rows, columns and nonzeros (`M_MAX`, `N_MAX`, `NNZ_MAX`); beyond them it aborts.
  static let maximumRows = 100_000_000
  static let maximumColumns = 100_000_000
  static let maximumEntries = 500_000_000

  /// Throws LPValidationError for anything GLPK would abort on or silently mis-solve.
  ///
  /// Checks, in this order, and reports the first failure:
  /// 1. at least one column (a program with no rows is fine; ``GLPK`` handles it);
  /// 2. row, column and nonzero counts within GLPK's limits (which also fit `Int32`);
  /// 3. every cost finite; every bound a number, `lower != +∞`, `upper != -∞`, `lower <= upper`;
  /// 4. every coefficient finite with its column in range (rows are always in range, and a
  ///    (row, column) pair is never repeated, because ``addRow(_:bounds:)`` sums repeats).
  ///
  /// Each cost, finite bound and coefficient must also be 0 or have a magnitude within
  /// [``smallestMagnitude``, ``largestMagnitude``]; that is checked with the number.
  ///
  /// GLPK accepts NaN silently and returns garbage, and it calls `abort()` on the other
  /// problems, so nothing may reach it unchecked.
  public func validate() throws {
    guard columnCount > 0 else {
      throw LPValidationError(description: "The program has no columns; GLPK needs at least one.")
    }
    try checkCount(columnCount, of: "columns", limit: Self.maximumColumns)
    try checkCount(rowCount, of: "rows", limit: Self.maximumRows)
    try checkCount(entries.count, of: "nonzero coefficients", limit: Self.maximumEntries)
    for (column, cost) in objective.enumerated() {
      try NumberRules.checkNumber(cost, "Column \(column) has cost", requirement: "costs must be finite")
    }
    for (column, bounds) in columnBounds.enumerated() {
      try NumberRules.checkBounds(bounds, of: "Column \(column)")
    }
    for (row, bounds) in rowBounds.enumerated() {
      try NumberRules.checkBounds(bounds, of: "Row \(row)")
    }
    for entry in entries {
      guard objective.indices.contains(entry.column) else {
        throw LPValidationError(
          description: "Row \(entry.row) refers to column \(entry.column), but the program has \(columnCount) columns.")
      }
      try NumberRules.checkNumber(
        entry.value, "Row \(entry.row) has coefficient", "for column \(entry.column)",
        requirement: "coefficients must be finite")
    }
  }

  private func checkCount(_ count: Int, of what: String, limit: Int) throws {
    guard count <= limit else {
      throw LPValidationError(description: "The program has \(count) \(what); GLPK allows at most \(limit).")
    }
  }
}

/// The checks on single numbers and bounds.
private enum NumberRules {
  /// Checks that `value` is finite and within the magnitude limits.
  /// The message reads "`subject` `value` `qualifier`; `requirement`."
  /// The subject and qualifier are built only when the check fails: validation runs over every
  /// column of programs with millions of them (LP-K at N = 20,000, K = 64), where building each
  /// message up front took seconds.
  static func checkNumber(
    _ value: Double, _ subject: @autoclosure () -> String, _ qualifier: @autoclosure () -> String = "", requirement: String
  ) throws {
    guard value.isFinite else {
      throw LPValidationError(description: "\(said(value, subject(), qualifier())); \(requirement).")
    }
    try checkMagnitude(value, said(value, subject(), qualifier()))
  }

  private static func said(_ value: Double, _ subject: String, _ qualifier: String) -> String {
    qualifier.isEmpty ? "\(subject) \(value.shown)" : "\(subject) \(value.shown) \(qualifier)"
  }

  static func checkBounds(_ bounds: LinearProgram.Bounds, of subjectText: @autoclosure () -> String) throws {
    let (lower, upper) = (bounds.lower, bounds.upper)
    if lower <= upper, lower == -.infinity || Self.inWindow(lower), upper == .infinity || Self.inWindow(upper) { return }
    let subject = subjectText()
    guard !lower.isNaN, lower != .infinity else {
      throw LPValidationError(
        description: "\(subject) has lower bound \(lower.shown); a lower bound must be finite or -infinity.")
    }
    guard !upper.isNaN, upper != -.infinity else {
      throw LPValidationError(
        description: "\(subject) has upper bound \(upper.shown); an upper bound must be finite or +infinity.")
    }
    guard lower <= upper else {
      throw LPValidationError(
        description: "\(subject) has lower bound \(lower.shown) above its upper bound \(upper.shown).")
    }
    if lower.isFinite { try checkMagnitude(lower, "\(subject) has lower bound \(lower.shown)") }
    if upper.isFinite { try checkMagnitude(upper, "\(subject) has upper bound \(upper.shown)") }
  }

  /// Whether `value` is 0 or finite with a magnitude within GLPK's window.
  private static func inWindow(_ value: Double) -> Bool {
    value == 0 || (LinearProgram.smallestMagnitude...LinearProgram.largestMagnitude).contains(value.magnitude)
  }

  private static func checkMagnitude(_ value: Double, _ said: @autoclosure () -> String) throws {
    let window = LinearProgram.smallestMagnitude...LinearProgram.largestMagnitude
    guard value == 0 || window.contains(value.magnitude) else {
      throw LPValidationError(
        description: "\(said()); nonzero magnitudes must lie in [\(window.lowerBound), \(window.upperBound)].")
    }
  }
}

extension Double {
  /// The value as messages show it: Swift's shortest round-trip form, with every NaN (whatever
  /// its sign bit) shown as "nan".
  fileprivate var shown: String { isNaN ? "nan" : "\(self)" }
}
