import LabGenerators

/// The report sections of predictions 17, 18 (random datasets) and 19.
extension HierarchyReport {
  static func absorptionSection(_ a: AbsorptionRecord, toy: HierarchyToy) -> String {
    var out = "## Absorption path (prediction 17)\n\n"
    out += "> Prop 6.2: rotating the labrador atom toward dog by θ (the exact move of Lemma 4.1) changes the exact cost by ΔC(θ) = −Z_lab·2 sin(θ/2)[cos(θ/2) − cos(φ − θ/2)]/sin(φ − θ) < 0, strictly decreasing up to θmax = atan(r sin φ/(1 + r cos φ)), r = min z_dog/z_lab over labrador points, where the dog code first vanishes on a labrador point. With a fixed ratio the endpoint is the child ray, the cost is Σ‖x_n‖ and LIN is 0 there.\n\n"
    out += "Exact problem without a bias, N = \(toy.absorption.sampleCount), α = \(Figures.format(toy.world.childAngleDegrees))°, independent labrador magnitudes; θmax = \(Figures.format(a.thetaMax, digits: 8)) rad.\n\n"
    var table = MarkdownTable("θ (rad)", "closed form", "explicit codes", "LP re-solve")
    for p in a.path {
      table.add(Figures.format(p.theta, digits: 6), Figures.format(p.closedForm, digits: 12), Figures.format(p.explicitCodes, digits: 12), Figures.format(p.lpResolve, digits: 12))
    }
    out += table.text + "\n"
    out += "At θmax, \(a.childAlonePoints) labrador point\(a.childAlonePoints == 1 ? " is" : "s are") coded by the labrador atom alone.\n\n"
    var fixed = MarkdownTable("fixed ratio z_lab = z_dog (new draw, same N)", "value")
    fixed.add("θmax = φ/2 (rad)", Figures.format(a.fixedRatioThetaMax, digits: 10))
    fixed.add("cos(labrador atom, (g_dog + g_lab)/‖·‖) at θmax", Figures.format(a.fixedRatioRayCosine, digits: 15))
    fixed.add("cost Σz at θmax", Figures.format(a.fixedRatioCost, digits: 12))
    fixed.add("Σ‖x_n‖", Figures.format(a.sumOfNorms, digits: 12))
    fixed.add("LIN (ω = 1; verified: \(a.fixedRatioLIN.verified ? "yes" : "no"))", Figures.format(a.fixedRatioLIN.value, digits: 3))
    return out + fixed.text + "\n"
  }

  static func mopUpSection(_ m: MopUpRecord, toy: HierarchyToy) -> String {
    let s = toy.mopUp
    var out = "## Mop-up and single-atom tilt (prediction 19)\n\n"
    out += "> Props 6.5–6.6: on points (a, 0) and (a, c) a dog atom d = e₁ is pulled by −grad = (I − ddᵀ)Σ_n z_n r_n toward the labrador direction; a single trained atom settles at the root θ of Σ_n (x_nᵀd − λ)₊ x_nᵀd⊥ = 0, d = (cos θ, sin θ).\n\n"
    out += "λ = \(Figures.format(s.lambda)), no bias, m = 2: \(s.parentOnlyCount) points (a, 0) and \(s.withChildCount) points (a, c), a ~ U\(Figures.interval(s.parentMagnitude[0], s.parentMagnitude[1])), c ~ U\(Figures.interval(s.childMagnitude[0], s.childMagnitude[1])); training from d = e₁.\n\n"
    var table = MarkdownTable("quantity", "value")
    table.add("−grad at d = e₁", "(" + m.pull.map { Figures.format($0, digits: 8) }.joined(separator: ", ") + ")")
    table.add("trained angle (rad)", Figures.format(m.trainedAngle, digits: 12))
    table.add("root of the tilt equation (rad)", Figures.format(m.predictedAngle, digits: 12))
    table.add("KKT after training; iterations", "\(Figures.format(m.kkt, digits: 3)); \(m.iterations)")
    return out + table.text + "\n"
  }

  static func randomSection(_ records: [RandomDatasetRecord], toy: HierarchyToy) -> String {
    let s = toy.randomDatasets
    var out = "## Random hierarchical datasets (prediction 18)\n\n"
    out += "> Prediction 18: training from the ground truth reaches a stationary point (LP-K, LP-R \(HierarchyVerdict.trainedLPThreshold.text(scale: "scale"))) without support inclusion, also on random hierarchical datasets.\n\n"
    out += "The toy world (N = \(toy.world.sampleCount)) with α ~ U\(Figures.interval(s.angleDegrees[0], s.angleDegrees[1]))°, independent labrador magnitudes, noise \(Figures.format(s.noise))ξ, a bias on datasets 0, 2, 4, …; λ = \(Figures.format(toy.lambda)); trained from the ground truth with b⁽⁰⁾ = 0.\n\n"
    out += "LP-K is given by its exact closed form (§5.2) and by GLPK; near KKT ≈ 10⁻⁹ its costs fall below GLPK's dual tolerance, so GLPK's answer may fail the independent verification (the §5.1 verdict is then inconclusive) while the closed form stays exact.\n\n"
    var table = MarkdownTable("dataset", "α", "bias", "iterations", "KKT", "LP-K/scale (closed form)", "LP-K/scale (GLPK, verified)", "LP-R/scale", "verdict", "support inclusions")
    for (index, r) in records.enumerated() {
      table.add(String(index), Figures.format(r.childAngleDegrees, digits: 6) + "°", r.bias ? "free" : "none", String(r.iterations),
                Figures.format(r.trained.kkt.maximum, digits: 2), Figures.format(r.trained.lpKClosedForm / r.trained.scale, digits: 3),
                "\(Figures.format(r.trained.lpK.relativeValue, digits: 3)) (\(r.trained.lpK.verified ? "yes" : "no"))",
                Figures.format(r.trained.lpR.relativeValue, digits: 3), r.trained.verdict.rawValue,
                r.supportInclusions.isEmpty ? "none" : r.supportInclusions.map { "\(name($0[ifPresent: 0])) ⊆ \(name($0[ifPresent: 1]))" }.joined(separator: ", "))
    }
    return out + table.text + "\n"
  }
}
