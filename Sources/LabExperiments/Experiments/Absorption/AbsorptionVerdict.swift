import LabChecks

/// The checks of the absorption experiment (the theory's predictions) and the findings (the source
/// document's claims, reproduced or not).
enum AbsorptionVerdict {
  /// Theorem 6.1(b): the truth is not stationary when LP-K < −ε·scale, ε = 10⁻⁷ (THEORY §5.1).
  static let descent = Threshold.below(-StateAssessment.verdictTolerance)
  /// Proposition 6.2, fixed ratio: the absorption fraction is the child's share, to this.
  ///
  /// Protocol change (issue 17, December 2026): this check also held the child atom's cosine with
  /// the parent to 1/√2 ± 0.01. Proposition 6.2 states that end state for the exact problem (λ = 0,
  /// tested by the hierarchy experiment's absorption path); here dictionaries are learned at
  /// λ = C/2 > 0, where nothing in THEORY fixes the cosine. Run on 5 seeds, it moved from 1/√2 by
  /// up to 0.006, 0.008 and 0.011 at C = 0.05, 0.2 and 0.5 — growing with λ, on converged learners
  /// (KKT ≈ 10⁻¹³) — and failed at C = 0.5 on seeds 1, 3 and 4. The cosines are still shown; the
  /// tolerance only ever held on the one seed it was set on, so it is no longer a condition.
  static let endStateTolerance = Threshold.atMost(0.01)

  static func checks(toy: AbsorptionToy, rates: [AbsorptionExperiment.Rate]) -> [CheckResult] {
    var checks: [Check] = []
    for rate in rates where rate.cooccurrence == 1 {
      for cell in rate.cells {
        let c = Figures.format(cell.l1)
        checks.append(Check(
          "hierarchy/C=\(c)/truth-descent",
          claim: "Theorem 6.1(b): the hierarchical ground truth (exact codes, λ = C/2) is not stationary: LP-K < 0",
          measured: "LP-K = \(Figures.format(cell.truthLPK, digits: 4)) (scale λΣz = \(Figures.format(cell.truthScale, digits: 4)))",
          [.that("LP-K", cell.truthLPK, descent, scale: cell.truthScale, scaleName: "scale")]))
        let inclusions = cell.dictionary.supportInclusions.filter { $0 }.count
        checks.append(Check(
          "hierarchy/C=\(c)/dictionary-breaks-inclusion",
          claim: "Theorem 6.1(b), Proposition 6.2: exact dictionary learning from the truth lowers the loss and ends with no child ⊆ parent support inclusion",
          measured: "loss \(Figures.format(cell.truthLoss, digits: 6)) → \(Figures.format(cell.dictionaryLoss, digits: 6)); \(inclusions) of \(cell.dictionary.supportInclusions.count) inclusions left",
          [.stated("lower loss", cell.dictionaryLoss < cell.truthLoss), .stated("0 inclusions", inclusions == 0)]))
        if toy.world.magnitude[0] == toy.world.magnitude[1] {
          let cosines = cell.dictionary.childParentCosines
          let fraction = cell.dictionary.metrics.meanAbsorptionFraction
          checks.append(Check(
            "hierarchy/C=\(c)/dictionary-end-state",
            claim: "Proposition 6.2, fixed ratio: the parent is silent on every child point (absorption fraction = share of parent samples with the child); "
              + "the child atom's cosine with the parent (1/√2 at λ = 0) is shown, not held to a tolerance at λ > 0",
            measured: "cos = \(cosines.map { Figures.format($0, digits: 4) }.joined(separator: ", ")); fraction \(Figures.format(fraction, digits: 4)) vs share \(Figures.format(rate.childShareOfEvaluated, digits: 4))",
            [.that("|fraction − share|", abs(fraction - rate.childShareOfEvaluated), endStateTolerance)]))
        }
      }
    }
    return checks.map(\.result)
  }

  /// The share of absorbed child samples the hierarchy finding needs at every C (half of them).
  static let hierarchyAbsorbs = 0.5
  /// The absorption fraction at the largest C above which an imperfect co-occurrence counts as absorbing.
  static let imperfectAbsorbs = 0.05

  /// The source's findings on one seed. At r = 1 the quantity is the smallest, over C, absorption
  /// fraction divided by the share of parent samples that carry the child (1 = every child sample
  /// absorbed); at r < 1 it is the absorption fraction at the largest C.
  static func findings(toy: AbsorptionToy, rates: [AbsorptionExperiment.Rate]) -> [FindingMeasurement] {
    var findings: [FindingMeasurement] = []
    func list(_ v: [Double]) -> String { v.map { Figures.format($0, digits: 3) }.joined(separator: ", ") }
    if let hierarchy = rates.first(where: { $0.cooccurrence == 1 }) {
      let fractions = hierarchy.cells.map(\.sae.metrics.meanAbsorptionFraction)
      let cosines = hierarchy.cells.flatMap(\.sae.childParentCosines)
      let share = hierarchy.childShareOfEvaluated
      findings.append(FindingMeasurement(
        claim: "r = 1: the ReLU-L1 SAE absorbs at every C",
        margin: FindingMargin("smallest over C of the absorption fraction / the share of parent samples with the child", .above, hierarchyAbsorbs),
        value: fractions.isEmpty || !(share > 0) ? .nan : fractions.min()! / share,
        detail: "fractions \(list(fractions)) vs share \(Figures.format(share, digits: 3)); child–parent decoder cos \(list(cosines))"))
    }
    for rate in rates where rate.cooccurrence < 1 {
      let fractions = rate.cells.map(\.sae.metrics.meanAbsorptionFraction)
      let strongest = rate.cells.max { $0.l1 < $1.l1 }
      findings.append(FindingMeasurement(
        claim: "r = \(Figures.format(rate.cooccurrence)): imperfect co-occurrence still yields absorption at high L1",
        margin: FindingMargin("absorption fraction at the largest C", .above, imperfectAbsorbs),
        value: strongest?.sae.metrics.meanAbsorptionFraction ?? .nan,
        detail: "fractions by C = \(rate.cells.map { Figures.format($0.l1) }.joined(separator: ", ")): \(list(fractions))"))
    }
    return findings + matchedL0Findings(rates: rates)
  }

  /// BatchTopK's mean absorption gap above which it counts as absorbing at r = 1 (half of full absorption).
  static let batchTopKAbsorbs = 0.5
  /// How far Matryoshka's mean absorption gap must lie below BatchTopK's, at the same rate and target
  /// L0, to count as a reduction (a tenth of full absorption, so that a rounding-level gain does not count).
  static let matryoshkaReduces = 0.1

  /// The claim of the finding that Matryoshka absorbs less than BatchTopK at rate `rate` and target L0 `targetL0`.
  static func reductionClaim(rate: Double, targetL0: Int) -> String {
    "r = \(Figures.format(rate)), L0 = \(targetL0): Matryoshka BatchTopK absorbs less than BatchTopK at the same L0 (Bussmann et al. 2025)"
  }

  /// The matched-L0 findings on one seed: at r = 1 and each target L0, BatchTopK's mean gap (does
  /// the baseline absorb?); at every rate and target L0, BatchTopK's mean gap minus Matryoshka's.
  static func matchedL0Findings(rates: [AbsorptionExperiment.Rate]) -> [FindingMeasurement] {
    var findings: [FindingMeasurement] = []
    func gaps(_ candidate: AbsorptionExperiment.Candidate) -> String {
      let edges = candidate.absorptionGaps.map { $0.gap.map { Figures.format($0, digits: 3) } ?? "undefined" }.joined(separator: ", ")
      return "\(candidate.method.rawValue) \(Figures.format(AbsorptionGap.mean(candidate.absorptionGaps), digits: 3)) (edges \(edges), L0 \(Figures.format(candidate.metrics.l0, digits: 3)))"
    }
    for rate in rates {
      for matched in rate.matchedL0 {
        let detail = "mean gaps " + matched.candidates.map(gaps).joined(separator: "; ")
        let batchTopK = AbsorptionGap.mean(matched.batchTopK.absorptionGaps), matryoshka = AbsorptionGap.mean(matched.matryoshka.absorptionGaps)
        if rate.cooccurrence == 1 {
          findings.append(FindingMeasurement(
            claim: "r = 1, L0 = \(matched.targetL0): a BatchTopK SAE absorbs the parent into the child (Bussmann et al. 2025, the baseline Matryoshka modifies)",
            margin: FindingMargin("BatchTopK's absorption gap, mean over the edges", .above, batchTopKAbsorbs),
            value: batchTopK, detail: detail))
        }
        findings.append(FindingMeasurement(
          claim: reductionClaim(rate: rate.cooccurrence, targetL0: matched.targetL0),
          margin: FindingMargin("BatchTopK's mean absorption gap minus Matryoshka's", .above, matryoshkaReduces),
          value: batchTopK - matryoshka, detail: detail))
      }
    }
    return findings
  }
}
