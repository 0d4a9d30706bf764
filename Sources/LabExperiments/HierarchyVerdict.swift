import LabChecks
import LabGenerators
import LabSolvers

/// The verdict table of the hierarchy experiment: each claim of THEORY §6.1 and predictions
/// 16–18 against what was measured.
enum HierarchyVerdict {
  static let names = HierarchyWorld.featureNames
  /// THEORY §10: trained points must satisfy KKT < 10⁻⁶ (issue contract and predictions).
  static let kktThreshold = 1e-6
  /// Prediction 18: LP-K and LP-R above −10⁻⁵·scale after training.
  static let trainedLPThreshold = -1e-5
  /// Prediction 18 (H4): absorbed-dictionary cosine and wide-bound tolerances.
  static let absorbedCosineTolerance = 1e-6
  static let wideBoundTolerance = 1e-6

  static func checks(toy: HierarchyToy, variants: [VariantRecord], exactCases: [ExactCaseRecord]) -> [CheckResult] {
    variants.flatMap(variantChecks) + exactCases.flatMap(exactChecks)
  }

  static func variantChecks(_ v: VariantRecord) -> [CheckResult] {
    let id = v.variant.name
    let gt = v.groundTruth, tr = v.trained
    var checks: [CheckResult] = []
    checks.append(verdictCheck(id: "\(id)/ground-truth/not-stationary", state: gt, expected: "descent-found",
      claim: "Thm 6.1(b): the hierarchical ground truth is not stationary for P⁺_λ (§5.1 verdict: min(LP-K, LP-R) < −10⁻⁷·λΣz)"))
    let closedFormGap = abs((gt.lpK.value ?? .nan) - gt.lpKClosedForm)
    checks.append(CheckResult(id: "\(id)/ground-truth/lp-k-closed-form",
      claim: "§5.2: GLPK's verified LP-K value equals the closed form (weighted medians)",
      measured: "GLPK \(Figures.format(gt.lpK.value, digits: 8)) vs closed form \(Figures.format(gt.lpKClosedForm, digits: 8))",
      threshold: "|difference| ≤ 10⁻⁹·max(1, scale)", holds: closedFormGap <= 1e-9 * max(1, gt.scale)))
    checks.append(stepCheck(id: "\(id)/ground-truth/lp-k-step", name: "LP-K", steps: gt.lpKSteps))
    checks.append(stepCheck(id: "\(id)/ground-truth/lp-r-step", name: "LP-R", steps: gt.lpRSteps))
    checks.append(hierarchyPairsCheck(id: "\(id)/ground-truth/pairs", pairs: gt.pairs, exactHull: false,
      claim: "Thm 4.2 / Cor 4.3: at the ground truth the pair (labrador→dog) fails and the other five ordered pairs pass"))
    checks.append(CheckResult(id: "\(id)/trained/kkt",
      claim: "§5.8: exact block minimisation from the ground truth reaches a KKT point ((K1)–(K3) at exact codes)",
      measured: "KKT \(Figures.format(tr.kkt.maximum, digits: 3)) after \(v.iterations) iterations (\(v.termination.rawValue))",
      threshold: "< \(Figures.format(kktThreshold))", holds: tr.kkt.maximum < kktThreshold))
    let trainedLP = min(tr.lpK.relativeValue ?? -.infinity, tr.lpR.relativeValue ?? -.infinity)
    checks.append(CheckResult(id: "\(id)/trained/lp-values",
      claim: "Prediction 18: the trained end state is stationary: LP-K and LP-R > −10⁻⁵·scale",
      measured: "LP-K/scale \(Figures.format(tr.lpK.relativeValue, digits: 3)), LP-R/scale \(Figures.format(tr.lpR.relativeValue, digits: 3))",
      threshold: "> \(Figures.format(trainedLPThreshold))",
      status: tr.lpK.verified && tr.lpR.verified ? (trainedLP > trainedLPThreshold ? .pass : .fail) : .inconclusive))
    checks.append(verdictCheck(id: "\(id)/trained/verdict", state: tr, expected: "stationary",
      claim: "§5.1: the trained end state gets the verdict stationary (min(LP-K, LP-R) ≥ −10⁻⁷·λΣz)"))
    checks.append(CheckResult(id: "\(id)/trained/no-support-inclusion",
      claim: "Thm 6.1(b): no stationary point keeps a child–parent pair (∅ ≠ A_i ⊆ A_j)",
      measured: v.supportInclusions.isEmpty ? "none" : v.supportInclusions.map { "\(names[$0[0]])⊆\(names[$0[1]])" }.joined(separator: ", "),
      threshold: "none", holds: v.supportInclusions.isEmpty))
    checks.append(CheckResult(id: "\(id)/trained/child-rotates-toward-parent",
      claim: "Prop 6.2: the child atom rotates toward the parent (absorption)",
      measured: "cos(d_labrador, g_dog) \(Figures.format(v.childParentCosineBefore)) → \(Figures.format(v.childParentCosineAfter))",
      threshold: "increases", holds: v.childParentCosineAfter > v.childParentCosineBefore))
    let fullAbsorption = v.variant.childMagnitude == .equalToParent
    checks.append(CheckResult(id: "\(id)/trained/parent-silent-on-child",
      claim: fullAbsorption
        ? "Prop 6.2 (fixed ratio): at the end of the absorption path the parent is silent on every child point"
        : "Prop 6.2: the parent's code is zero on some points where the child fires (support inclusion broken)",
      measured: "\(v.childActiveWithoutParent) of \(v.childActivePoints) child-active points",
      threshold: fullAbsorption ? "all" : "> 0",
      holds: fullAbsorption ? (v.childActivePoints > 0 && v.childActiveWithoutParent == v.childActivePoints) : v.childActiveWithoutParent > 0))
    let failing = tr.pairs.filter { !$0.pass }
    checks.append(CheckResult(id: "\(id)/trained/pairs",
      claim: "Thm 4.6: every pair condition holds at a stationary point",
      measured: failing.isEmpty ? "all \(tr.pairs.count) pass" : "\(failing.count) of \(tr.pairs.count) fail",
      threshold: "all pass", holds: failing.isEmpty))
    checks.append(CheckResult(id: "\(id)/trained/loss-lower",
      claim: "Cor 6.9: the absorbed end state has a lower loss than the ground truth",
      measured: "L_λ \(Figures.format(gt.loss, digits: 7)) → \(Figures.format(tr.loss, digits: 7))",
      threshold: "decreases", holds: tr.loss < gt.loss))
    if fullAbsorption && !v.variant.bias {
      checks.append(CheckResult(id: "\(id)/trained/absorbed-dictionary",
        claim: "Cor 6.9 (H4): with a fixed ratio and no bias training reaches the absorbed dictionary {g_dog, (g_dog+g_lab)/√2, g_cat}",
        measured: "cos(d_labrador, ray) = 1 − \(Figures.format(1 - v.childRayCosineAfter, digits: 3)), cos(d_dog, g_dog) = 1 − \(Figures.format(1 - v.parentTruthCosineAfter, digits: 3))",
        threshold: "both > 1 − 10⁻⁶",
        holds: v.childRayCosineAfter > 1 - absorbedCosineTolerance && v.parentTruthCosineAfter > 1 - absorbedCosineTolerance))
      let relative = abs(tr.loss - v.wideBound) / v.wideBound
      checks.append(CheckResult(id: "\(id)/trained/wide-bound",
        claim: "Cor 6.9 / Thm 8.1 (H4): the absorbed dictionary attains the wide lower bound Σ h_λ(‖x_n‖)",
        measured: "L_λ \(Figures.format(tr.loss, digits: 8)) vs bound \(Figures.format(v.wideBound, digits: 8)) (relative \(Figures.format(relative, digits: 2)))",
        threshold: "relative ≤ 10⁻⁶", holds: relative <= wideBoundTolerance))
    }
    return checks
  }

  static func exactChecks(_ e: ExactCaseRecord) -> [CheckResult] {
    let id = "exact-\(HierarchyExperiment.formatted(e.exactCase.childAngleDegrees))deg-\(e.exactCase.bias ? "bias" : "no-bias")"
    var checks: [CheckResult] = []
    checks.append(hierarchyPairsCheck(id: "\(id)/pairs", pairs: e.pairs, exactHull: true,
      claim: "Prediction 16: pair (labrador→dog) fails with H_{lab|dog} = {1}; the other five pass"))
    let pairHolds = e.pairLPVerified && e.pairLPValue > StarProgram.failureTolerance && e.pairLPRotation > 0 && abs(e.pairLPBiasShift) <= 1e-12
    checks.append(CheckResult(id: "\(id)/pair-lp",
      claim: "Prediction 16: the pair LP (§5.5) finds descent with a > 0 (labrador rotates toward dog) and β = 0",
      measured: "value \(Figures.format(e.pairLPValue)), a = \(Figures.format(e.pairLPRotation)), β = \(Figures.format(e.pairLPBiasShift))",
      threshold: "value > 10⁻⁹, a > 0, β = 0",
      status: e.pairLPVerified ? (pairHolds ? .pass : .fail) : .inconclusive))
    let linValue = e.lin.value ?? .nan
    checks.append(CheckResult(id: "\(id)/lin",
      claim: "Prediction 16: LIN (§5.3, ω = 1) finds a first-order descent direction",
      measured: "LIN \(Figures.format(linValue, digits: 6)) (verified: \(e.lin.verified ? "yes" : "no"))",
      threshold: "< −10⁻⁷·Σz",
      status: e.lin.verified ? (linValue < -StateAssessment.verdictTolerance * e.cost ? .pass : .fail) : .inconclusive))
    let atMilli = e.linSteps?.steps.first { $0.t == 1e-3 }
    let stepHolds = (e.linSteps?.steps.allSatisfy { $0.lossChange < 0 } ?? false)
      && atMilli.map { abs($0.slope - linValue) <= 0.01 * abs(linValue) } == true
    checks.append(CheckResult(id: "\(id)/lin-step",
      claim: "Prediction 16: the finite LIN step lowers the LP-re-solved cost, ΔF/t → LIN value (within 1 % at t = 10⁻³)",
      measured: slopes(e.linSteps),
      threshold: "ΔF < 0; |ΔF/t − LIN| ≤ 1 % at t = 10⁻³", holds: stepHolds))
    return checks
  }

  /// A check that the pair table is "labrador→dog fails, every other ordered pair passes".
  static func hierarchyPairsCheck(id: String, pairs: [PairCondition], exactHull: Bool, claim: String) -> CheckResult {
    let child = pairs.first { $0.i == 1 && $0.j == 0 }
    let others = pairs.filter { !($0.i == 1 && $0.j == 0) }
    let hullIsOne = child.map { $0.hullLow == 1 && $0.hullHigh == 1 } ?? false
    let holds = child.map { !$0.pass } == true && others.count == 5 && others.allSatisfy(\.pass) && (!exactHull || hullIsOne)
    let measured = "labrador→dog: c = \(Figures.format(child?.cosine)), H = \(Figures.interval(child?.hullLow, child?.hullHigh)), \(child?.pass == true ? "pass" : "fail"); others: \(others.filter(\.pass).count) of \(others.count) pass"
    return CheckResult(id: id, claim: claim, measured: measured,
                       threshold: exactHull ? "lab→dog fails with H = [1, 1]; 5 of 5 pass" : "lab→dog fails; 5 of 5 pass", holds: holds)
  }

  static func verdictCheck(id: String, state: StateRecord, expected: String, claim: String) -> CheckResult {
    CheckResult(id: id, claim: claim,
      measured: "LP-K \(Figures.format(state.lpK.value, digits: 5)), LP-R \(Figures.format(state.lpR.value, digits: 5)), scale \(Figures.format(state.scale, digits: 5)) → \(state.verdict)",
      threshold: expected,
      status: state.verdict == "inconclusive" ? .inconclusive : (state.verdict == expected ? .pass : .fail))
  }

  static func stepCheck(id: String, name: String, steps: SelfVerification?) -> CheckResult {
    CheckResult(id: id,
      claim: "§5.7: the \(name) descent direction, applied for finite steps, lowers L_λ with ΔL/t → the LP value",
      measured: slopes(steps), threshold: "confirmed (ΔL/t within 10 % of the LP value at some t)",
      holds: steps?.outcome == .confirmed)
  }

  static func slopes(_ steps: SelfVerification?) -> String {
    guard let steps else { return "no descent direction to apply" }
    let shown = steps.steps.prefix(3).map { "t=\(Figures.format($0.t, digits: 1)): \(Figures.format($0.slope, digits: 5))" }
    return "LP \(Figures.format(steps.predictedSlope, digits: 5)); ΔL/t " + shown.joined(separator: ", ") + " (\(steps.outcome.rawValue))"
  }
}
