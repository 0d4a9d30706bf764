/// The decision rule of THEORY §5.1.
///
/// With v_K the LP-K value, v_R the LP-R value and scale = λΣz (L_λ when Σz = 0), the verdict is
/// **descent-found** iff min(v_K, v_R) < −ε with ε = `relativeTolerance`·scale, and **stationary**
/// otherwise; **inconclusive** when an LP that enters it was not solved to a verified optimum.
/// ε is 10⁻⁷·scale for float64 inputs and 10⁻⁵·scale for float32 inputs.
public enum Verdict: String, Codable, Sendable {
  /// No first-order descent direction beyond ε.
  case stationary
  /// An LP found a first-order descent direction beyond ε.
  case descentFound = "descent-found"
  /// An LP entering the verdict could not be solved or verified.
  case inconclusive

  /// ε relative to the scale for float64 inputs.
  public static let float64Tolerance = 1e-7
  /// ε relative to the scale for float32 inputs (their rounding shows up as descents of a few 10⁻⁷).
  public static let float32Tolerance = 1e-5

  /// The verdict from the LP tests that enter it (LP-K and, when it was run, LP-R).
  public static func decide(_ tests: [LPTestResult], scale: Double, relativeTolerance: Double) -> Verdict {
    guard tests.allSatisfy(\.isTrusted) else { return .inconclusive }
    let lowest = tests.map(\.value).min() ?? 0
    return lowest < -relativeTolerance * scale ? .descentFound : .stationary
  }

  /// scale = λΣz over every entry, or L_λ when Σz = 0 (THEORY §5.1).
  public static func scale(lambda: Double, codeTotal: Double, loss: Double) -> Double {
    codeTotal > 0 ? lambda * codeTotal : loss
  }
}
