/// The decision rule of THEORY §5.1 (as amended in December 2026).
///
/// With ε = `relativeTolerance`·scale (scale = λΣz, or L_λ when Σz = 0), the verdict is
/// **descent-found** iff some *verified* LP (LP-K or LP-R) has a value < −ε: its direction proves
/// non-stationarity whatever happened to the other LP. It is **stationary** iff LP-K and LP-R are
/// both verified with values ≥ −ε, and **inconclusive** otherwise: no verified LP shows descent and
/// one could not be verified or was not run (``Decision/undecided`` names it and why).
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

  /// The two LPs that enter the verdict.
  public enum Program: String, Codable, Sendable, CaseIterable {
    /// LP-K (§5.2).
    case lpK = "lp-k"
    /// LP-R (§5.3, ω = λ).
    case lpR = "lp-r"

    /// The name printed in reports.
    public var name: String { self == .lpK ? "LP-K" : "LP-R" }
  }

  /// One LP as the rule sees it: its trusted value, or why there is none.
  public enum Evidence: Sendable {
    /// Solved to optimality and verified, with its value.
    case verified(Double)
    /// Solved or attempted but not verified; the sentence says why.
    case unverified(String)
    /// Not run; the sentence says why.
    case notRun(String)

    /// The evidence of an LP test: verified value, or its failure.
    public init(_ test: LPTestResult) {
      if test.isTrusted { self = .verified(test.value) } else { self = .unverified(test.failure ?? "not verified") }
    }
  }

  /// The verdict with what it rests on.
  public struct Decision: Sendable, Equatable {
    /// The §5.1 verdict.
    public var verdict: Verdict
    /// For descent-found: the verified LP with the lowest value, whose direction is the proof.
    public var source: Program?
    /// For inconclusive: which LP could not be used, and why (one sentence per LP).
    public var undecided: String?
  }

  /// The §5.1 verdict from the evidence of LP-K and LP-R.
  public static func decide(lpK: Evidence, lpR: Evidence, scale: Double, relativeTolerance: Double) -> Decision {
    let epsilon = relativeTolerance * scale
    let evidence: [(Program, Evidence)] = [(.lpK, lpK), (.lpR, lpR)]
    let verified = evidence.compactMap { program, item -> (Program, Double)? in
      if case .verified(let value) = item { return (program, value) }
      return nil
    }
    if let lowest = verified.min(by: { $0.1 < $1.1 }), lowest.1 < -epsilon {
      return Decision(verdict: .descentFound, source: lowest.0, undecided: nil)
    }
    if verified.count == evidence.count { return Decision(verdict: .stationary, source: nil, undecided: nil) }
    let reasons = evidence.compactMap { program, item -> String? in
      switch item {
      case .verified: return nil
      case .unverified(let why): return "\(program.name) is not verified: \(why)"
      case .notRun(let why): return "\(program.name) was not run: \(why)"
      }
    }
    return Decision(verdict: .inconclusive, source: nil, undecided: reasons.joined(separator: " "))
  }

  /// scale = λΣz over every entry, or L_λ when Σz = 0 (THEORY §5.1).
  public static func scale(lambda: Double, codeTotal: Double, loss: Double) -> Double {
    codeTotal > 0 ? lambda * codeTotal : loss
  }
}
