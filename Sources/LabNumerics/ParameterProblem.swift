/// One invalid parameter, the single form in which every library reports bad input: the
/// parameter's name (a configuration field, or a key path in a toy file such as
/// `hierarchy.parents[3]`), what it must be, and the value it has.
///
/// A configuration that throws (``description(of:)``) writes it as "The 'lambda' parameter of
/// SparseEncoder must be a finite number > 0. Got 0.0 instead."; a toy file's list of problems
/// writes each as "'hierarchy.depth' must be in 1...64, got 80". Both name the parameter, so a
/// command can replace the name by the option the user typed.
public struct ParameterProblem: Error, Equatable, Sendable, CustomStringConvertible {
  /// The parameter or key path.
  public let parameter: String
  /// What it must be ("in 1...64", "a finite number > 0"), or, for a problem that is not a
  /// range (a cycle, an unknown kind), the whole statement after the name.
  public let requirement: String
  /// The value it has, as text; `nil` when ``requirement`` is a whole statement.
  public let value: String?

  /// `parameter` must be `requirement` and is `value` (`nil` is written "nothing").
  public init(_ parameter: String, mustBe requirement: String, got value: Any?) {
    self.parameter = parameter
    self.requirement = requirement
    self.value = value.map { "\($0)" } ?? "nothing"
  }

  /// A problem with `parameter` stated in full (`"has a cycle through feature 3"`; a statement
  /// that starts with ":" is written right after the name).
  public init(_ parameter: String, _ statement: String) {
    self.parameter = parameter
    self.requirement = statement
    self.value = nil
  }

  /// The problem as a toy file's list writes it: "'depth' must be in 1...64, got 80".
  public var description: String {
    guard let value else { return "'\(parameter)'" + statement }
    return "'\(parameter)' must be \(requirement), got \(value)"
  }

  /// The problem as a configuration of `owner` throws it: "The 'depth' parameter of TreeWorld
  /// must be in 1...64. Got 80 instead."
  public func description(of owner: String) -> String {
    guard let value else { return "The '\(parameter)' parameter of \(owner)" + statement + "." }
    return "The '\(parameter)' parameter of \(owner) must be \(requirement). Got \(value) instead."
  }

  /// The statement of a problem that is not a range, with its leading space or colon.
  private var statement: String { requirement.hasPrefix(":") ? requirement : " " + requirement }
}

extension [ParameterProblem] {
  /// Every problem as a toy file's list writes it, separated by "; ".
  public var text: String { map(\.description).joined(separator: "; ") }
}
