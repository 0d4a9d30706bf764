import LabChecks

/// The verdict rows of the extended hierarchy sections: predictions 17, 18 (random datasets) and 19.
extension HierarchyVerdict {
  /// Prediction 17: closed form, explicit codes and LP re-solve agree to 10⁻⁹.
  static let pathTolerance = Threshold.atMost(1e-9)
  /// Prediction 17: the fixed-ratio endpoint's atom is the child ray, in cosine.
  static let rayCosineThreshold = Threshold.atLeast(oneMinus: 1e-12)
  /// Prediction 17: LIN is zero at the fixed-ratio endpoint: not below −10⁻⁷·Σz (THEORY §5.1).
  static let noDescent = Threshold.atLeast(-StateAssessment.verdictTolerance)
  /// Prediction 19: the trained angle equals the root of the tilt equation to 10⁻⁶.
  static let tiltTolerance = Threshold.atMost(1e-6)

  static func absorptionChecks(_ a: AbsorptionRecord) -> [CheckResult] {
    var checks: [CheckResult] = []
    let gap = a.path.reduce(0.0) { max($0, abs($1.explicitCodes - $1.closedForm), abs($1.lpResolve - $1.closedForm)) }
    // An LP re-solve with an unverified point is recorded as NaN, which max(_:_:) would silently skip:
    // the check is then inconclusive, not passed.
    let resolved = a.path.allSatisfy { !$0.lpResolve.isNaN }
    checks.append(Check("absorption/three-ways",
      claim: "Prediction 17 (Prop 6.2): along the absorption path ΔC(θ) by the closed form = by the explicit codes = by LP re-solve, at \(a.path.count) angles up to θmax",
      measured: "largest difference \(Figures.format(gap, digits: 2)) (θmax = \(Figures.format(a.thetaMax, digits: 6)) rad, φ = \(Figures.format(a.phi, digits: 6)) rad)",
      [.that(nil, gap, pathTolerance)], conclusive: resolved).result)
    let costs = a.path.map(\.closedForm)
    let decreasing = (costs.first ?? 0) < 0 && zip(costs, costs.dropFirst()).allSatisfy { $1 < $0 }
    checks.append(Check("absorption/decreasing",
      claim: "Prediction 17: the cost strictly decreases along the path up to θmax",
      measured: costs.map { Figures.format($0, digits: 5) }.joined(separator: ", "),
      [.stated("ΔC < 0, strictly decreasing", decreasing)]).result)
    checks.append(Check("absorption/endpoint",
      claim: "Prediction 17: at θmax a labrador point is coded by the labrador atom alone (its dog code is 0)",
      measured: "\(a.childAlonePoints) labrador point\(a.childAlonePoints == 1 ? "" : "s") with dog code \(HierarchyExperiment.zeroCode.text())",
      [.stated("≥ 1", a.childAlonePoints >= 1)]).result)
    let costGap = abs(a.fixedRatioCost - a.sumOfNorms) / a.sumOfNorms
    let linValue = a.fixedRatioLIN.value ?? -.infinity
    checks.append(Check("absorption/fixed-ratio-endpoint",
      claim: "Prediction 17: with a fixed ratio the endpoint (θmax = φ/2) is the child ray, the cost equals Σ‖x_n‖, and LIN is 0 there",
      measured: "cos(d_labrador, ray) = 1 − \(Figures.format(1 - a.fixedRatioRayCosine, digits: 2)); cost \(Figures.format(a.fixedRatioCost, digits: 10)) vs Σ‖x_n‖ \(Figures.format(a.sumOfNorms, digits: 10)) (relative \(Figures.format(costGap, digits: 2))); LIN \(Figures.format(a.fixedRatioLIN.value, digits: 3))",
      [.that("cos", a.fixedRatioRayCosine, rayCosineThreshold), .that("relative", costGap, pathTolerance),
       .that("LIN", linValue, noDescent, scale: a.fixedRatioCost, scaleName: "Σz")],
      conclusive: a.fixedRatioLIN.verified).result)
    return checks
  }

  static func mopUpChecks(_ m: MopUpRecord) -> [CheckResult] {
    [Check("mop-up/pull",
       claim: "Prediction 19 (Prop 6.5): −grad of a dog atom d = e₁ on dog/labrador points points along +g_labrador",
       measured: "−grad = (\(m.pull.map { Figures.format($0, digits: 6) }.joined(separator: ", ")))",
       [.stated("second component > 0", m.pull[1] > 0)]).result,
     Check("mop-up/tilt",
       claim: "Prediction 19 (Prop 6.6): the single trained atom's angle is the root of Σ_n (x_nᵀd − λ)₊ x_nᵀd⊥ = 0",
       measured: "trained \(Figures.format(m.trainedAngle, digits: 10)) rad vs root \(Figures.format(m.predictedAngle, digits: 10)) rad (KKT \(Figures.format(m.kkt, digits: 2)), \(m.iterations) iterations)",
       [.that("|difference|", abs(m.trainedAngle - m.predictedAngle), tiltTolerance)]).result]
  }

  static func randomDatasetChecks(_ r: RandomDatasetRecord, index: Int) -> [CheckResult] {
    let id = "random-\(index)"
    // LP-K by its exact closed form (§5.2): at KKT ≈ 10⁻⁹ the LP's costs fall below GLPK's dual
    // tolerance and its answer may fail verification although the value is known exactly.
    let lpK = r.trained.lpKClosedForm / r.trained.scale
    let lp = min(lpK, r.trained.lpR.relativeValue ?? -.infinity)
    let setting = "α = \(Figures.format(r.childAngleDegrees, digits: 5))°, \(r.bias ? "bias" : "no bias")"
    return [
      Check("\(id)/stationary",
        claim: "Prediction 18: training from the ground truth reaches a stationary point (\(setting))",
        measured: "LP-K/scale \(Figures.format(lpK, digits: 3)) (closed form), LP-R/scale \(Figures.format(r.trained.lpR.relativeValue, digits: 3)); KKT \(Figures.format(r.trained.kkt.maximum, digits: 2))",
        [.that(nil, lp, trainedLPThreshold)], conclusive: r.trained.lpR.verified).result,
      Check("\(id)/no-support-inclusion",
        claim: "Prediction 18 (Thm 6.1(b)): the trained end state has no support inclusion ∅ ≠ A_i ⊆ A_j (\(setting))",
        measured: r.supportInclusions.isEmpty ? "none" : r.supportInclusions.map { "\(names[$0[0]])⊆\(names[$0[1]])" }.joined(separator: ", "),
        [.stated("none", r.supportInclusions.isEmpty)]).result,
    ]
  }
}
