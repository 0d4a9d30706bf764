import Foundation

/// Renders the one-dimensional experiment's record as Markdown.
enum OneDReport {
  static func markdown(_ record: OneDExperiment.Record) -> ReportParts {
    let toy = record.toy
    let source = "THEORY.md §7 (Theorem 7.1, Claim 7.1′, Proposition 7.2, Theorem 7.3), §6.3 (Proposition 6.7); §10 predictions 22–26 (checks D1–D5)."
    var out = ""
    var setup = MarkdownTable("parameter", "value")
    setup.add("root seed", String(toy.seed))
    let l = toy.line
    setup.add("line (22–23)", "x_n = (\(l.offset.map { Figures.format($0) }.joined(separator: ", "))) + t_n·u, u ∝ (\(l.direction.map { Figures.format($0) }.joined(separator: ", "))), t = exp(\(Figures.format(l.logSigma))ξ), N = \(l.sampleCount), λ = \(Figures.format(l.lambda)); best of \(l.restarts) (bias, K = 2), \(l.restartsWithoutBias) (no bias, x = t·u), \(l.singleAtomRestarts) (bias, K = 1) runs from D⁽⁰⁾ with N(0, 1) entries (for K = 1: directions and their negatives) and b⁽⁰⁾ = data mean")
    let t = toy.transition
    setup.add("transition (24–25)", "the same line, t = 0 on n₀ = round(p·G/(1 − p)) points and the quantile grid t_i = \(Figures.format(t.gridRange[0])) + (i − ½)·\(Figures.format(t.gridRange[1] - t.gridRange[0]))/G, G = \(t.gridCount); λ = \(Figures.format(t.lambda)); p = p* ∓ \(Figures.format(t.offset)); runs from (u, −u) + \(Figures.format(t.initialNoise))ξ and \(t.randomRestarts) random restarts, b⁽⁰⁾ = data mean; dead atom: from (u, u × e₁) at p* − \(Figures.format(t.offset))")
    let a = toy.arc
    setup.add("arc (26)", "N = \(a.sampleCount) points evenly spread on an arc of \(Figures.format(a.angleDegrees))°, exact problem, no bias; K = \(a.sizes.map(String.init).joined(separator: ", ")); interior atoms optimised for K = \(a.optimisedSizes.map(String.init).joined(separator: ", "))")
    setup.add("training", "exact block minimisation (THEORY §5.8), at most \(toy.training.maxIterations) iterations, KKT tolerance \(Figures.format(toy.training.kktTolerance))")

    out += "## Departures from THEORY's protocol\n\n"
    out += "Two multi-start protocols of THEORY §10 are changed here, because with THEORY's starts the runs missed the optimum that predictions 23 and 24 are about (the theory was never contradicted: a run that misses the optimum says nothing about it). The counts below were measured when the protocols were changed (commit 3701c54), not by this run:\n\n"
    out += "- Prediction 23 (K = 1): THEORY takes the best of \(l.singleAtomRestarts) random starts. A single atom started with a negative cosine to u ends at the worse one-sided optimum on −u, and \(l.singleAtomRestarts) independent Gaussian starts all did so in 5 of 100 seeds. Here the \(l.singleAtomRestarts) starts are \(l.singleAtomRestarts / 2) random directions and their negatives, so one start always lies on u's side (0 of 100 seeds missed).\n"
    out += "- Prediction 24: THEORY starts from (u, −u) + 0.3ξ. There the perturbed −u fired on no point and died in 9 of 150 draws at p* − \(Figures.format(t.offset)), where it must fire. Here the start is (u, −u) + \(Figures.format(t.initialNoise))ξ (0 of 150 died).\n\n"

    let line = record.line
    var lineTable = MarkdownTable("quantity", "measured", "predicted")
    lineTable.add("L_λ, bias, K = 2", Figures.format(line.loss, digits: 12), Figures.format(line.predictedLoss, digits: 12))
    lineTable.add("cos(d₊, u), cos(d₋, u)", "\(Figures.format(line.cosines[ifPresent: 0], digits: 10)), \(Figures.format(line.cosines[ifPresent: 1], digits: 10))", "1, −1")
    lineTable.add("firing counts of u, −u", "\(pair(line.firing))", "\(pair(line.predictedFiring))")
    lineTable.add("L_λ, no bias, K = 2", Figures.format(line.noBiasLoss, digits: 12), Figures.format(line.noBiasPredicted, digits: 12))
    lineTable.add("L_λ, bias, K = 1", Figures.format(line.singleAtomLoss, digits: 12), Figures.format(line.singleAtomPredicted, digits: 12))
    out += "## Data on a line (predictions 22–23)\n\nHuber location β* = \(Figures.format(line.location, digits: 10)).\n\n" + lineTable.text + "\n"

    var transition = MarkdownTable("p", "zeros", "β*", "−u fires on", "predicted #{t < β* − λ}", "L_λ")
    for row in record.transition {
      transition.add(Figures.format(row.p, digits: 6), String(row.zeros), Figures.format(row.location, digits: 8), String(row.negativeFiring), String(row.predictedNegativeFiring), Figures.format(row.loss, digits: 10))
    }
    out += "## Dense versus sparse (prediction 24)\n\np*(\(Figures.format(toy.transition.lambda))) = \(Figures.format(record.pStar, digits: 8)); p*(\(Figures.format(toy.transition.smallLambda))) = \(Figures.format(record.pStarSmall, digits: 15)). Both evaluate the formula of Prop 7.2 on the grid, so the median rule p* → ½ is not a check of this run (the prediction tests hold the formula to it); the checks are the trained firing counts at p* ∓ \(Figures.format(toy.transition.offset)).\n\n" + transition.text + "\n"
    let dead = record.deadAtom
    out += "## A dead atom (prediction 25)\n\nFrom (u, u × e₁) training stops at a KKT point (residual \(Figures.format(dead.kkt, digits: 2))) with L_λ = \(Figures.format(dead.loss, digits: 10)), above the optimum \(Figures.format(dead.optimum, digits: 10)); max_n ‖r_n‖ = \(Figures.format(dead.newAtom.maxResidualNorm, digits: 6)) > λ, and adding r_n/‖r_n‖ gives L_λ = \(Figures.format(dead.newAtom.lossWithNewAtom, digits: 10)).\n\n"
    var arc = MarkdownTable("K", "C(K)/N, equal spacing", "tan(Δ/2)/(Δ/2)")
    for row in record.arc.costs { arc.add(Figures.integer(row[ifPresent: 0]), Figures.format(row[ifPresent: 1], digits: 10), Figures.format(row[ifPresent: 2], digits: 10)) }
    out += "## Data on an arc (prediction 26)\n\nPer-point formula vs LP: max difference \(Figures.format(record.arc.formulaError, digits: 2)). Optimised interior atoms: " + record.arc.spacingErrors.map { "K = \(Figures.integer($0[ifPresent: 0])): max |α − α_equal| = \(Figures.format($0[ifPresent: 1], digits: 3)) rad" }.joined(separator: "; ") + " (grid step \(Figures.format(record.arc.gridStep, digits: 3)) rad).\n\n" + arc.text + "\n"
    return ReportParts(source: source, setup: setup, results: out)
  }

  /// Two counts (for u and −u) as "a, b"; a record with fewer prints "—" for the missing ones.
  static func pair(_ counts: [Int]) -> String {
    [0, 1].map { counts[ifPresent: $0].map(String.init) ?? "—" }.joined(separator: ", ")
  }
}

extension OneDExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: OneDExperiment.Record) throws -> ReportParts {
    OneDReport.markdown(record)
  }
}
