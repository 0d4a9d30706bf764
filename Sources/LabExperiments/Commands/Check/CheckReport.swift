import LabChecks
import LabSolvers

/// The Markdown report of `lab check` and its figures: a pure function of the record and the candidate.
public enum CheckReport {
  /// The report and its SVG figures as (file name, contents); figure names start with `stem`.
  public static func render(_ record: CheckRecord, problem: SparseCodingProblem?, stem: String,
                            command: String) -> (markdown: String, figures: [(name: String, contents: String)]) {
    let a = record.assessment
    var figures: [(name: String, contents: String)] = []
    var out = "# Stationarity check of `\(record.inputs.dictionary)` on `\(record.inputs.data)`\n\n"
    out += "_Written by `lab check`; every figure below was measured in this run._\n\n"
    out += "## Verdict: **\(a.verdict.rawValue)**\n\n"
    out += "The verdict (docs/theory-guide.md §4): descent-found iff some verified LP (LP-K or LP-R) is < −ε with ε = \(Figures.format(a.relativeTolerance))·λΣz = \(Figures.format(a.relativeTolerance * a.scale)); stationary iff LP-K and LP-R are both verified and ≥ −ε; inconclusive otherwise. A stationary verdict is first-order: it does not rule out dead atoms (see the new-atom test).\n\n"
    let all = results(record)
    let diagnosis = all.filter { !selfCheckIDs.contains($0.id) }, selfChecks = all.filter { selfCheckIDs.contains($0.id) }
    out += "### What it says about your input\n\n" + summary(record) + "\n\n"
    var answers = MarkdownTable("holds", "condition", "claim", "measured", "threshold")
    for result in diagnosis {
      answers.add(result.status == .pass ? "yes" : (result.status == .fail ? "no" : "undecided"), "`\(result.id)`", result.claim,
                  result.measured, result.threshold)
    }
    out += answers.text + "\n"
    let failed = selfChecks.filter { $0.status == .fail }
    out += "### Is the lab's own measurement sound?\n\n"
    out += failed.isEmpty
      ? "All \(selfChecks.count) self-checks hold: the lab's linear programs agree with their closed forms and duals, and every descent it reports lowers the loss as predicted.\n\n"
      : "\(failed.count) of \(selfChecks.count) self-checks failed. This points to a problem in the lab, not in your input: please report it with this file.\n\n"
    var table = MarkdownTable("", "self-check", "claim", "measured", "threshold")
    for result in selfChecks {
      table.add(result.status == .pass ? "✓" : (result.status == .fail ? "✗" : "?"), "`\(result.id)`", result.claim, result.measured, result.threshold)
    }
    out += table.text + "\n"

    out += "## Setup\n\n"
    var setup = MarkdownTable("parameter", "value")
    setup.add("data X", "`\(record.inputs.data)` (N = \(a.samples), m = \(a.dimension))")
    setup.add("dictionary D", "`\(record.inputs.dictionary)` (K = \(a.atoms))\(record.inputs.normalized ? ", rows rescaled to unit norm" : "")")
    setup.add("bias b", record.inputs.bias.map { "`\($0)` (free bias)" } ?? "none (problem without bias)")
    setup.add("codes Z", (record.inputs.codes.map { "`\($0)` (as given)" } ?? "exact active-set lasso codes") + (a.signed ? "; signed (P±_λ, docs/theory-guide.md §6)" : ""))
    setup.add("λ", Figures.format(a.lambda) + (record.inputs.objective.map { " — \($0)" } ?? ""))
    setup.add("activity threshold τ_z", Figures.format(a.activityThreshold))
    setup.add("input precision", "\(record.inputs.precision.rawValue) (ε = \(Figures.format(a.relativeTolerance))·scale)")
    setup.add("versions", record.versions.keys.sorted().map { "\($0) \(record.versions[$0]!)" }.joined(separator: "; "))
    out += setup.text + "\n"

    out += "## First-order conditions\n\n"
    var lps = MarkdownTable("quantity", "value")
    lps.add("L_λ (summed over points)", Figures.format(a.loss, digits: 10))
    lps.add("scale λΣz", Figures.format(a.scale, digits: 6))
    lps.add("KKT (K1) codes / (K2) atoms / (K3) bias", "\(Figures.format(a.kkt.codeViolation, digits: 3)) / \(Figures.format(a.kkt.atomGradient, digits: 3)) / \(Figures.format(a.kkt.biasGradient, digits: 3))")
    lps.add("LP-K closed form (§5.2)", "\(Figures.format(a.lpK.closedForm, digits: 8)) (answer checked by the verifier: \(a.lpK.solver == .closedForm && a.lpK.verified ? "verified" : "not verified"))")
    lps.add("LP-K by GLPK", lpText(a.lpK.glpk))
    lps.add("LP-R (§5.3, ω = λ)", lpText(a.lpR))
    lps.add("CERT (§5.4)", lpText(a.cert.glpk))
    if let residual = a.cert.dualityResidual { lps.add("|CERT + LP-R/λ| (duality)", Figures.format(residual, digits: 3)) }
    out += lps.text + "\n"
    if a.mode == "streaming" {
      out += "**Streaming mode**: N·K = \(a.samples * a.atoms) is above \(StationarityAssessment.maximumDenseCodes), so the checks ran in one pass over the data with exact codes kept only by their nonzeros. LP-R, CERT, the star LPs and the exact star moves need every code at once and were not run; the verdict rests on the exact closed form of LP-K, and a descent is verified by geodesic steps along the normalised −grad with the codes held fixed (the first-order codes of the self-verification), re-optimised codes measured beside at the first step.\n\n"
    }
    if let problem, !a.signed, let selected = selectedPair(a.pairs) {
      let name = "\(stem)-pair-\(selected.i)-\(selected.j).svg"
      figures.append((name, HullFigures.pair(problem, selected, activityThreshold: a.activityThreshold)))
    }

    out += "## Pair conditions (Cor. 4.3)\n\n"
    if a.pairs.isEmpty {
      out += "No ordered pair has both features used.\n\n"
    } else {
      out += a.signed ? "Signed codes (Thm 4.7): pass iff the pair move's best first-order decrease rate of ‖Z‖₁ (the zonotope excess, in the JSON) is ≤ \(Threshold.number(StarProgram.failureTolerance)); no hull interval.\n\n" : "ẑ_in = 1 − z_in/z̄_i; H_{i|j} = [min, max] of ẑ_in over the points where j is silent. \(a.bias ? "With a bias, pass iff c_ij ∈ H_{i|j} (±\(Threshold.number(PairCondition.hullTolerance)))." : "Without a bias, pass iff i fires somewhere j is silent (the ends are reported, not tested).")\n\n"
      var pairs = MarkdownTable("donor i", "silent j", "c_ij", "H_{i|j}", "pass")
      for pair in a.pairs.prefix(maximumPairRows) {
        pairs.add(String(pair.i), String(pair.j), Figures.format(pair.cosine, digits: 6), Figures.interval(pair.hullLow, pair.hullHigh, digits: 6), pair.pass ? "✓" : "✗")
      }
      out += pairs.text
      if a.pairs.count > maximumPairRows { out += "\n… \(a.pairs.count - maximumPairRows) more pairs in the JSON record.\n" }
      out += "\n"
    }
    if let name = figures.first?.name { out += "![Pair figure](\(name))\n\n" }

    out += "## Star conditions (Thm 4.4)\n\n"
    if a.stars.isEmpty {
      out += "No receiver has two or more used donors\(a.atoms > StationarityAssessment.maximumStarAtoms ? " (or K > \(StationarityAssessment.maximumStarAtoms): star LPs not run)" : "").\n\n"
    } else {
      var stars = MarkdownTable("receiver j", "donors S", "STAR LP value", "verified", "pass")
      for star in a.stars { stars.add(String(star.receiver), star.donors.map(String.init).joined(separator: ", "), Figures.format(star.value, digits: 6), star.verified ? "yes" : "no", star.pass ? "✓" : "✗") }
      out += stars.text + "\n"
      if let problem, let two = a.twoDonorStar, two.donors.count == 2 {
        let donors = (two.donors[0], two.donors[1])
        let name = "\(stem)-star-\(two.receiver).svg"
        figures.append((name, HullFigures.star(problem, receiver: two.receiver, donors: donors, passes: !two.fails, activityThreshold: a.activityThreshold)))
        out += "The two-donor star (receiver \(two.receiver), donors \(donors.0) and \(donors.1)): STAR LP value \(Figures.format(two.value, digits: 6)) — \(two.fails ? "fails" : "holds").\n\n![Star figure](\(name))\n\n"
      }
    }

    if !a.starMoves.isEmpty {
      out += "### Exact star moves (Lemma 4.1)\n\nEach failing pair or star turned into its exact move: donors rotate toward the receiver, the receiver's codes (and the bias, along d_j) pay for it, and b + Dz is unchanged, so L_λ changes by λ·ΔΣz. Predicted slope of Σz: −(STAR LP value).\n\n"
      var moves = MarkdownTable("receiver j", "donors S", "STAR LP value", "ΔΣz/τ at τ = " + StarMove.standardSteps.map { Figures.format($0) }.joined(separator: ", "), "max reconstruction change", "confirmed")
      for move in a.starMoves {
        moves.add(String(move.receiver), move.donors.map(String.init).joined(separator: ", "), Figures.format(move.lpValue, digits: 6),
                  move.steps.map { Figures.format($0.slope, digits: 5) + ($0.feasible ? "" : " (infeasible)") }.joined(separator: ", "),
                  Figures.format(move.steps.map(\.reconstructionError).max(), digits: 2), move.confirmed ? "yes" : "no")
      }
      out += moves.text + "\n"
    }
    out += "## Descent direction and self-verification (§5.7)\n\n"
    if a.descent.found {
      out += "Direction from \(a.descent.source ?? "—") with predicted slope \(Figures.format(a.descent.lpValue, digits: 6)); atoms along geodesics, b + t·δb, codes \(a.signed ? "Z + tW" : "(Z + tW)₊"): **\(a.descent.outcome ?? "not measured")**. Measured curvature ĉ = \(Figures.format(a.descent.curvature, digits: 4)), t* = 0.1|v|/|ĉ| = \(Figures.format(a.descent.largestAccurateStep, digits: 4)) (§5.7 step 4: measurable iff |v|·t* > 10⁴·u·L(0)).\n\n"
      var steps = MarkdownTable("t", "ΔL(t)", "ΔL/t", "ΔL/t re-optimised", "LP value")
      for step in a.descent.steps {
        steps.add(Figures.format(step.t), Figures.format(step.lossChange, digits: 6), Figures.format(step.slope, digits: 6), Figures.format(step.reoptimizedSlope, digits: 6), Figures.format(a.descent.lpValue, digits: 6))
      }
      out += steps.text + "\n"
    } else if a.verdict == .stationary {
      out += "No descent direction beyond ε, so there is nothing to apply.\n\n"
    } else {
      out += "No verified LP shows a descent beyond ε, and the verdict is undecided: \(a.undecided ?? "an LP could not be verified"). Nothing is applied.\n\n"
    }
    out += "## Next step\n\n**\(a.nextStep.action.rawValue)**: \(a.nextStep.text)\n\n"
    if !a.skipped.isEmpty {
      out += "Not run: " + a.skipped.map { "\($0.part) — \($0.reason)" }.joined(separator: "; ") + ". The verdict follows the rule of docs/theory-guide.md §4 from what ran.\n\n"
    }

    out += "## Residual relations and the new-atom test\n\n"
    var residual = MarkdownTable("quantity", "value")
    let mopUp = a.residualRelations.mopUp.compactMap { $0 }
    residual.add("mop-up (R1): max over used atoms of ‖Σ_n z_nk r_n − λZ_k d_k‖/(λZ_k)", Figures.format(mopUp.max(), digits: 3))
    residual.add("wide bound: max_n ‖x̂_n − b‖ − (‖x_n − b‖ − λ)₊", "\(Figures.format(a.residualRelations.wideBoundExcess, digits: 3)) (point \(a.residualRelations.wideBoundPoint))")
    residual.add("new atom: max_n ‖r_n‖ (point)", "\(Figures.format(a.newAtom.maxResidualNorm, digits: 6)) (point \(a.newAtom.point)) vs λ = \(Figures.format(a.lambda))")
    if let loss = a.newAtom.lossWithNewAtom { residual.add("L_λ with r_n/‖r_n‖ added, exact codes", "\(Figures.format(a.newAtom.loss, digits: 10)) → \(Figures.format(loss, digits: 10))") }
    out += residual.text + "\n"
    if let sensitivity = record.thresholdSensitivity {
      out += "## Sensitivity to τ_z\n\nThe codes were given, so the verdict is repeated at τ_z = \(Threshold.number(CheckRecord.trainedCodeThreshold))·max z = \(Figures.format(sensitivity.activityThreshold)): **\(sensitivity.verdict.rawValue)** (LP-K \(Figures.format(sensitivity.lpK, digits: 6)), LP-R \(Figures.format(sensitivity.lpR, digits: 6)), K1 \(Figures.format(sensitivity.codeViolation, digits: 3))).\n\n"
    }
    if let view = record.encoderCodes {
      out += "## The SAE's own codes (factorisation view, docs/theory-guide.md §10)\n\nThe checks above use exact lasso codes for the SAE's decoder and b_dec (the dictionary view). On the SAE's own encoder codes (scaled by the decoder norms, τ_z = \(Threshold.number(CheckRecord.trainedCodeThreshold))·max z): verdict **\(view.verdict.rawValue)**, LP-K \(Figures.format(view.lpK, digits: 6)), LP-R \(Figures.format(view.lpR, digits: 6)), KKT (K1) / (K2) / (K3) \(Figures.format(view.kkt.codeViolation, digits: 3)) / \(Figures.format(view.kkt.atomGradient, digits: 3)) / \(Figures.format(view.kkt.biasGradient, digits: 3)), \(view.failingPairs.map { "\($0) failing pairs" } ?? "pairs not measured (more atoms than the streaming checks pair)"), L_λ \(Figures.format(view.loss, digits: 8)).\n\n"
    }
    out += "## Reproduce\n\n```sh\n\(command)\n```\n"
    return (GuideLinks.annotated(out, guide: GuideLinks.packageGuide), figures)
  }

  /// The checks that test the lab's own computation (an LP against its closed form or dual, a
  /// descent against its measured decrease, a theorem that holds for every exact solution); the
  /// others diagnose the input.
  static let selfCheckIDs: Set<String> = ["first-order/lp-k-closed-form", "first-order/cert-duality", "descent/self-verification",
                                          "within-span/star-moves", "residuals/wide-bound"]

  /// The diagnosis in plain words: what the verdict and the new-atom test mean for the input.
  static func summary(_ record: CheckRecord) -> String {
    let a = record.assessment
    let newAtom = a.newAtom.improves
      ? " It is not optimal over dictionary sizes, though: adding an atom along the largest residual (‖r_n‖ = \(Figures.format(a.newAtom.maxResidualNorm)) > λ = \(Figures.format(a.lambda))) would lower the loss."
      : " No new atom would lower the loss either."
    switch a.verdict {
    case .descentFound:
      return "**Not a local optimum.** A verified linear program found a direction that lowers L_λ (rate \(Figures.format(a.descent.lpValue, digits: 5)) per unit step); the next step below applies it."
    case .stationary:
      return "**First-order stationary:** no small move of the atoms, bias or codes lowers L_λ." + newAtom
    case .inconclusive:
      return "**Undecided:** \(a.undecided ?? "an LP could not be verified"). The next step below says what to try."
    }
  }

  /// The report's bound `float64` for float64 inputs, `float32` for float32 ones: whose rounding the
  /// verdict's relative ε of 10⁻⁵ instead of 10⁻⁷ allows for (THEORY §5.1), told apart by that ε.
  static func precisionBound(float64: Double, float32: Double, relativeTolerance: Double) -> Double {
    relativeTolerance == Verdict.float32Tolerance ? float32 : float64
  }

  /// The wide bound's allowed excess: 10⁻⁹ for float64 inputs, 10⁻⁷ for float32 ones, whose rounding
  /// alone gave an excess of 1.97e-9.
  static func wideBoundTolerance(relativeTolerance: Double) -> Double {
    precisionBound(float64: 1e-9, float32: 1e-7, relativeTolerance: relativeTolerance)
  }

  /// The largest KKT residual (K1)–(K3) of a point called a KKT point: 10⁻⁶ for float64 inputs (THEORY
  /// §10), 10⁻⁴ for float32 ones: the float32 rounding of a certified tree-world dictionary (N = 1000,
  /// λ = 0.05, KKT 8e-12) has KKT 5.8e-6 and a stationary verdict.
  static func kktBound(relativeTolerance: Double) -> Threshold {
    .below(precisionBound(float64: 1e-6, float32: 1e-4, relativeTolerance: relativeTolerance))
  }

  /// GLPK's LP-K against its closed form, relative to max(1, scale).
  static let closedFormBound = Threshold.atMost(1e-9)
  /// The largest relative gap of the mop-up relation (R1): 10⁻⁵ for float64 inputs, 10⁻³ for float32
  /// ones; the float32-rounded dictionary above has 1.6e-6, and the gap grows as λ shrinks.
  static func mopUpBound(relativeTolerance: Double) -> Threshold {
    .below(precisionBound(float64: 1e-5, float32: 1e-3, relativeTolerance: relativeTolerance))
  }

  /// Rows of the pair table printed in the report (all pairs are in the JSON).
  static let maximumPairRows = 200

  /// The verdict table: each condition as claim, measured value, threshold and status.
  static func results(_ record: CheckRecord) -> [CheckResult] {
    let a = record.assessment
    var results: [CheckResult] = []
    let lpValues = "LP-K \(Figures.format(a.lpK.value, digits: 6)), LP-R \(Figures.format(a.lpR.value, digits: 6)), scale \(Figures.format(a.scale, digits: 6))"
    results.append(CheckResult(id: "first-order/verdict", claim: "§5.1: no first-order descent direction (LP-K and LP-R verified and ≥ −ε)",
                               measured: "\(lpValues) → \(a.verdict.rawValue)", threshold: "≥ −\(Figures.format(a.relativeTolerance))·scale",
                               status: a.verdict == .inconclusive ? .inconclusive : (a.verdict == .stationary ? .pass : .fail)))
    let kkt = max(a.kkt.codeViolation, a.kkt.atomGradient, a.kkt.biasGradient)
    let kktThreshold = Self.kktBound(relativeTolerance: a.relativeTolerance)
    results.append(CheckResult(id: "first-order/kkt", claim: "§3.2: (K1)–(K3) hold", measured: "max residual \(Figures.format(kkt, digits: 3))",
                               threshold: kktThreshold.text(), holds: kktThreshold.admits(kkt)))
    if a.lpK.glpk.value != nil {
      let difference = abs(a.lpK.glpk.value! - a.lpK.closedForm)
      results.append(CheckResult(id: "first-order/lp-k-closed-form", claim: "§5.2: GLPK's verified LP-K equals the closed form",
                                 measured: "difference \(Figures.format(difference, digits: 3))", threshold: closedFormBound.text(scale: "max(1, scale)"),
                                 holds: a.lpK.glpk.verified && closedFormBound.admits(difference, scale: max(1, a.scale))))
    }
    if let residual = a.cert.dualityResidual, let holds = a.cert.dualityHolds {
      results.append(CheckResult(id: "first-order/cert-duality", claim: "§5.4: CERT = −LP-R/λ (strong duality of two separately solved LPs)",
                                 measured: "CERT \(Figures.format(a.cert.value, digits: 6)); |CERT + LP-R/λ| = \(Figures.format(residual, digits: 3))",
                                 threshold: Threshold.atMost(StationarityAssessment.CertReport.dualityTolerance).text(scale: "(1 + CERT)"), holds: holds))
    }
    if a.descent.found, let outcome = a.descent.outcome {
      results.append(CheckResult(id: "descent/self-verification", claim: "§5.7: the descent direction lowers L_λ for finite steps, ΔL/t → the LP value",
                                 measured: "LP \(Figures.format(a.descent.lpValue, digits: 5)); ΔL/t " + zip(SelfVerification.standardSteps, a.descent.measuredSlopes).map { "t=\(Figures.format($0.0)): \(Figures.format($0.1, digits: 5))" }.joined(separator: ", ") + " (\(outcome))",
                                 threshold: "confirmed (or too small to measure)", status: outcome == "failed" ? .fail : .pass))
    }
    if !a.starMoves.isEmpty {
      let unconfirmed = a.starMoves.filter { !$0.confirmed }
      results.append(CheckResult(id: "within-span/star-moves", claim: "Lemma 4.1 / Thm 4.4: every failing pair or star gives an exact move that lowers Σz with slope → −(LP value)",
                                 measured: unconfirmed.isEmpty ? "all \(a.starMoves.count) confirmed" : "\(unconfirmed.count) of \(a.starMoves.count) not confirmed",
                                 threshold: "all confirmed", holds: unconfirmed.isEmpty))
    }
    if !a.pairs.isEmpty {
      let failing = a.pairs.filter { !$0.pass }
      results.append(CheckResult(id: "within-span/pairs", claim: "Cor. 4.3: every ordered pair satisfies the pair condition",
                                 measured: failing.isEmpty ? "all \(a.pairs.count) pass" : "\(failing.count) of \(a.pairs.count) fail: " + failing.prefix(5).map { "\($0.i)→\($0.j)" }.joined(separator: ", "),
                                 threshold: "all pass", holds: failing.isEmpty))
    }
    if !a.stars.isEmpty {
      let failing = a.stars.filter { !$0.pass }
      results.append(CheckResult(id: "within-span/stars", claim: "Thm 4.4: every full star condition holds",
                                 measured: failing.isEmpty ? "all \(a.stars.count) pass" : "receivers failing: " + failing.map { String($0.receiver) }.joined(separator: ", "),
                                 threshold: "all pass", holds: failing.isEmpty))
    }
    let mopUp = a.residualRelations.mopUp.compactMap { $0 }.max() ?? 0
    let mopUpThreshold = Self.mopUpBound(relativeTolerance: a.relativeTolerance)
    results.append(CheckResult(id: "residuals/mop-up", claim: "Prop. 6.5 (R1): Σ_n z_nk r_n = λZ_k d_k for every used atom",
                               measured: "max relative gap \(Figures.format(mopUp, digits: 3))", threshold: mopUpThreshold.text(), holds: mopUpThreshold.admits(mopUp)))
    let wideBound = Threshold.atMost(wideBoundTolerance(relativeTolerance: a.relativeTolerance))
    results.append(CheckResult(id: "residuals/wide-bound", claim: "Thm 8.3: ‖x̂_n − b‖ ≤ (‖x_n − b‖ − λ)₊ at optimal codes",
                               measured: "max excess \(Figures.format(a.residualRelations.wideBoundExcess, digits: 3))",
                               threshold: wideBound.text(), holds: wideBound.admits(a.residualRelations.wideBoundExcess)))
    results.append(CheckResult(id: "global/new-atom", claim: "Prop. 6.7: no new atom lowers the loss (max_n ‖r_n‖ ≤ λ)",
                               measured: "max ‖r_n‖ = \(Figures.format(a.newAtom.maxResidualNorm, digits: 6))" + (a.newAtom.lossWithNewAtom.map { "; adding r_n/‖r_n‖: L_λ \(Figures.format(a.newAtom.loss, digits: 8)) → \(Figures.format($0, digits: 8))" } ?? ""),
                               threshold: "≤ λ = \(Figures.format(a.lambda))", holds: !a.newAtom.improves))
    return results
  }

  /// The first failing pair, else the pair closest to failing (with a bias), else the first.
  static func selectedPair(_ pairs: [PairCondition]) -> PairCondition? {
    if let failing = pairs.first(where: { !$0.pass }) { return failing }
    return pairs.min { margin($0) < margin($1) }
  }

  private static func margin(_ pair: PairCondition) -> Double {
    guard let low = pair.hullLow, let high = pair.hullHigh else { return -.infinity }
    return min(pair.cosine - low, high - pair.cosine)
  }

  private static func lpText(_ report: StationarityAssessment.LPReport) -> String {
    if let reason = report.skipped { return "not run: \(reason)" }
    return "\(Figures.format(report.value, digits: 8)) (\(report.status), verified: \(report.verified ? "yes" : "no"), duality gap \(Figures.format(report.dualityGap, digits: 2)); \(report.columns) columns, \(report.rows) rows)" + (report.failure.map { " — \($0)" } ?? "")
  }
}
