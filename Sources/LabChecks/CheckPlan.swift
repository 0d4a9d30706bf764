/// Which parts of `lab check` run besides the verdict's own, as the user steers them (THEORY §5.1).
///
/// The plan computes the cheap decisive parts first: KKT, the pairs and LP-K (its closed form,
/// verified like an LP answer). A verified descent settles the verdict, and then only its
/// self-verification is owed: LP-R, CERT and the stars are not run unless `full` asks for them.
/// Without a verified descent LP-R runs (a stationary verdict needs it), and CERT and the stars run
/// beside it. A part the user skips is never run; skipping LP-R leaves a verdict that is not
/// descent-found inconclusive, naming the skip, since §5.1 still decides it.
public struct CheckPlan: Sendable, Equatable {
  /// A part of the checks that may be skipped.
  public enum Part: String, Codable, Sendable, CaseIterable {
    /// LP-R (§5.3, ω = λ).
    case lpR = "lp-r"
    /// CERT (§5.4) and its duality with LP-R.
    case cert
    /// The full-star LPs (Thm 4.4) and the two-donor star of the report.
    case stars
  }

  /// Parts the user asked not to run.
  public var skipping: Set<Part>
  /// Run LP-R, CERT and the stars even after a verified descent has settled the verdict.
  public var full: Bool
  /// Parts whose linear programs need more memory than the machine has, with that sentence (`lab
  /// check`'s size check before the work, issue 20): they are not run, like a part past its row limit.
  public var tooLarge: [Part: String]

  /// The default plan: nothing skipped, LP-R/CERT/stars only where the verdict is not settled.
  public init(skipping: Set<Part> = [], full: Bool = false, tooLarge: [Part: String] = [:]) {
    self.skipping = skipping
    self.full = full
    self.tooLarge = tooLarge
  }

  /// Why `part` does not run, or `nil` when it does; `settled` says a verified descent decided the verdict.
  public func reasonToSkip(_ part: Part, settled: Bool) -> String? {
    if skipping.contains(part) { return "skipped on request (--skip \(part.rawValue))" }
    if settled && !full { return "not needed: a verified LP-K descent settles the verdict (§5.1); pass --full to run it" }
    return tooLarge[part]
  }
}

/// A part of the checks that did not run, and why; the JSON's `skipped` list.
public struct SkippedPart: Codable, Sendable, Equatable {
  /// `lp-k-glpk`, `lp-r`, `cert` or `stars`.
  public var part: String
  /// One sentence.
  public var reason: String
}
