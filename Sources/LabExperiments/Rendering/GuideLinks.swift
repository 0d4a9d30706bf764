import Foundation

/// Links from a report to the project's guide to the theory (`docs/theory-guide.md`): the terms a
/// report uses, found in its text, each linked to the guide's definition. Reports in
/// `notebooks-md/` reach the guide at `../docs/theory-guide.md`.
public enum GuideLinks {
  /// The guide, relative to a report in `notebooks-md/`.
  public static let guidePath = "../docs/theory-guide.md"

  /// A term of the guide: its name in the links line, its anchor in the guide, and the strings
  /// whose presence in a report means the report uses it.
  public struct Term: Sendable {
    public let name: String
    public let anchor: String
    public let patterns: [String]
  }

  /// Every term reports may use, in the guide's order.
  public static let terms: [Term] = [
    Term(name: "L_λ", anchor: "objective", patterns: ["L_λ", "P⁺_λ", "P⁺₀"]),
    Term(name: "exact codes", anchor: "exact-codes", patterns: ["exact codes", "exact lasso"]),
    Term(name: "τ_z", anchor: "activity-threshold", patterns: ["τ_z", "τ ="]),
    Term(name: "KKT (K1)–(K3)", anchor: "kkt-residual", patterns: ["KKT", "(K1)", "(K2)", "(K3)"]),
    Term(name: "mop-up", anchor: "k2", patterns: ["mop-up", "Mop it up", "mop it up"]),
    Term(name: "new-atom test", anchor: "new-atom-test", patterns: ["new-atom", "new atom", "dead atom"]),
    Term(name: "LP-K", anchor: "lp-k", patterns: ["LP-K"]),
    Term(name: "LP-R / LIN", anchor: "lp-r", patterns: ["LP-R", "LIN "]),
    Term(name: "CERT", anchor: "cert", patterns: ["CERT"]),
    Term(name: "scale and ε", anchor: "scale", patterns: ["λΣz", "·scale", "/scale"]),
    Term(name: "verdict", anchor: "verdict", patterns: ["descent-found", "stationary", "inconclusive"]),
    Term(name: "self-verification", anchor: "descent-outcome", patterns: ["confirmed", "unconfirmable", "not-realisable", "ΔL/t"]),
    Term(name: "modified responses ẑ", anchor: "modified-responses", patterns: ["ẑ"]),
    Term(name: "pair condition H_{i|j}", anchor: "pair-condition", patterns: ["H_{", "H = [", "pair condition", "ordered pair"]),
    Term(name: "star condition", anchor: "star-condition", patterns: ["star condition", "receiver", "donors"]),
    Term(name: "zonotope", anchor: "zonotope", patterns: ["zonotope"]),
    Term(name: "child and parent", anchor: "hierarchy", patterns: ["child", "A_i ⊆ A_j"]),
    Term(name: "absorption path", anchor: "absorption-path", patterns: ["absorption path", "θ_max", "absorbed"]),
    Term(name: "exclusive features", anchor: "exclusive", patterns: ["exclusive"]),
    Term(name: "antipodal pair", anchor: "antipodal-pair", patterns: ["antipodal", "Huber", "β*"]),
    Term(name: "p*(λ)", anchor: "dense-sparse-transition", patterns: ["p*"]),
    Term(name: "arc spacing", anchor: "arc", patterns: [" arc", "Arc"]),
    Term(name: "wide bound", anchor: "wide-bound", patterns: ["wide bound", "wide limit", "wide-limit", "W_λ", "h_λ"]),
    Term(name: "suppression ratio s(x)", anchor: "shrinkage-law", patterns: ["s(x)", "(1 − λ/‖x"]),
    Term(name: "δ-net", anchor: "delta-net", patterns: ["δ-net"]),
    Term(name: "λ of an SAE", anchor: "sae-normalisation", patterns: ["λ = C/2", "norm-scaled"]),
    Term(name: "L0", anchor: "l0", patterns: ["L0"]),
    Term(name: "MSE / FVU", anchor: "mse", patterns: ["MSE", "FVU"]),
    Term(name: "explained variance", anchor: "explained-variance", patterns: ["explained variance"]),
    Term(name: "dead latents", anchor: "dead-latents", patterns: ["dead latent"]),
    Term(name: "shrinkage", anchor: "shrinkage", patterns: ["shrinkage", "Σ‖x̂‖/Σ‖x‖"]),
    Term(name: "Hungarian matching", anchor: "hungarian-matching", patterns: ["Hungarian"]),
    Term(name: "MMCS / MCS", anchor: "mmcs", patterns: ["MMCS", "MCS"]),
    Term(name: "activation correlation", anchor: "activation-correlation", patterns: ["activation correlation"]),
    Term(name: "feature frequency", anchor: "feature-frequency", patterns: ["firing frequenc", "Firing frequenc", "feature frequenc"]),
    Term(name: "absorption fraction", anchor: "absorption-fraction", patterns: ["absorption fraction"]),
    Term(name: "matched L0", anchor: "matched-l0", patterns: ["matched L0"]),
    Term(name: "reconstruction score", anchor: "reconstruction-score", patterns: ["reconstruction score"]),
    Term(name: "permutation p", anchor: "permutation-test", patterns: ["permutation"]),
    Term(name: "findings", anchor: "finding", patterns: ["reproduced", "refuted"]),
    Term(name: "checks and findings", anchor: "checks-vs-findings", patterns: ["checks pass", "checks fail"]),
    Term(name: "numbered results", anchor: "numbered-results",
         patterns: ["Thm ", "Theorem ", "Prop ", "Proposition ", "Cor ", "Corollary ", "Lemma ", "§"]),
    Term(name: "predictions", anchor: "predictions", patterns: ["Prediction ", "prediction "]),
  ]

  /// The terms `markdown` uses, in the guide's order.
  public static func terms(usedIn markdown: String) -> [Term] {
    terms.filter { term in term.patterns.contains { markdown.contains($0) } }
  }

  /// The guide in the package this binary was built from, for reports written outside
  /// `notebooks-md/` (`lab check --report`), found from this source file's path.
  public static let packageGuide = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/theory-guide.md").path

  /// `markdown` with a final section linking every term it uses to the guide at `guide` (unchanged
  /// when it uses none).
  public static func annotated(_ markdown: String, guide: String = guidePath) -> String {
    let used = terms(usedIn: markdown)
    guard !used.isEmpty else { return markdown }
    let links = used.map { "[\($0.name)](\(guide)#\($0.anchor))" }.joined(separator: " · ")
    let body = markdown.hasSuffix("\n") ? markdown : markdown + "\n"
    return body + "\n## Terms used\n\nDefined in the project's [guide to the theory](\(guide)): " + links + ".\n"
  }
}
