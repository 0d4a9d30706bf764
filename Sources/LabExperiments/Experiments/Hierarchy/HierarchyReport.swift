import Foundation
import LabChecks
import LabGenerators
import LabSolvers

/// Renders a ``HierarchyRecord`` as Markdown. A pure function of the record, ignoring the
/// timing and command line in its provenance: the same run always gives the same bytes.
public enum HierarchyReport {
  static let names = HierarchyWorld.featureNames

  /// The feature name of atom `index` ("atom 7" for an index the world does not have).
  static func name(_ index: Int?) -> String {
    index.flatMap { names[ifPresent: $0] } ?? "atom \(index.map(String.init) ?? "?")"
  }

  /// The file name of the objective-history figure of `record`.
  static func objectiveFigure(_ record: HierarchyRecord) -> String { "\(record.toy.id)-objective.svg" }

  /// The report text.
  static func markdown(_ record: HierarchyRecord) -> ReportParts {
    var out = ""
    if !record.variants.isEmpty {
      out += "## Objective histories\n\n![L_λ above its last value against the iteration](\(objectiveFigure(record)))\n\n"
      out += "Block minimisation from the ground truth, per λ > 0 variant: L_λ minus its value at the last recorded iteration (log scale; the last point, 0, is left out). The values are tabulated under each variant's training below.\n\n"
    }
    for variant in record.variants { out += variantSection(variant, lambda: record.toy.lambda) }
    if !record.exactCases.isEmpty { out += exactSection(record.exactCases) }
    out += absorptionSection(record.absorption, toy: record.toy)
    if !record.randomDatasets.isEmpty { out += randomSection(record.randomDatasets, toy: record.toy) }
    out += mopUpSection(record.mopUp, toy: record.toy)
    out += definitions + "\n"
    return ReportParts(source: "THEORY.md §6.1 (Theorem 6.1, Proposition 6.2, Corollary 6.9); §10 predictions 16–19.", setup: setup(record), results: out)
  }

  static func setup(_ record: HierarchyRecord) -> MarkdownTable {
    let toy = record.toy, world = toy.world
    var table = MarkdownTable("parameter", "value")
    table.add("root seed", String(toy.seed))
    table.add("λ", Figures.format(toy.lambda))
    table.add("samples N", String(world.sampleCount))
    table.add("groups", "nothing \(Figures.format(world.nothingFraction)), dog only \(Figures.format(world.parentOnlyFraction)), dog + labrador \(Figures.format(world.parentAndChildFraction)), cat the rest (counts ⌊fraction·N⌋)")
    table.add("magnitudes", "uniform on \(Figures.interval(world.magnitude.first, world.magnitude.last))")
    table.add("directions", "g_dog = e₁, g_labrador = (cos α, sin α, 0), g_cat = e₃; α = \(Figures.format(world.childAngleDegrees))° (m = 3, K = 3)")
    table.add("λ > 0 variants", toy.variants.map { "\($0.name) (bias: \($0.bias ? "free" : "none"), labrador magnitude: \($0.childMagnitude.rawValue))" }.joined(separator: "; "))
    table.add("exact cases", toy.exactCases.map { "α = \(Figures.format($0.childAngleDegrees))°, \($0.bias ? "bias" : "no bias")" }.joined(separator: "; "))
    let t = toy.training
    table.add("training", "exact block minimisation (THEORY §5.8) from the ground truth, b⁽⁰⁾ = 0: \(t.initialSweeps) initial CD sweeps, \(t.sweepsPerIteration) per iteration; stop at KKT < \(Figures.format(t.kktTolerance)) (checked every \(t.kktCheckInterval) iterations), atoms and bias moving by ≤ \(Figures.format(t.stepTolerance)) in an iteration after \(t.minimumIterations), or \(t.maxIterations) iterations; final codes by the exact active-set lasso")
    table.add("activity threshold τ_z", "0 (exact codes)")
    return table
  }

  static func variantSection(_ v: VariantRecord, lambda: Double) -> String {
    var out = "## Variant `\(v.variant.name)` (λ = \(Figures.format(lambda)), bias: \(v.variant.bias ? "free" : "none"), labrador magnitude: \(v.variant.childMagnitude.rawValue))\n\n"
    out += "### Ground truth\n\n" + state(v.groundTruth)
    out += "### Training\n\n\(v.iterations) iterations, stopped by \(v.termination.rawValue).\n\n"
    var history = MarkdownTable("iteration", "L_λ")
    for entry in v.lossHistory { history.add(Figures.integer(entry[ifPresent: 0]), Figures.format(entry[ifPresent: 1], digits: 10)) }
    out += history.text + "\n"
    out += "### Trained end state\n\n" + state(v.trained)
    var table = MarkdownTable("quantity", "value")
    table.add("cos(d_labrador, g_dog): ground truth → trained", "\(Figures.format(v.childParentCosineBefore, digits: 6)) → \(Figures.format(v.childParentCosineAfter, digits: 6))")
    table.add("cos(d_labrador, g_labrador) after training", Figures.format(v.childTruthCosineAfter, digits: 6))
    table.add("cos(d_labrador, (g_dog + g_labrador)/‖·‖) after training", Figures.format(v.childRayCosineAfter, digits: 10))
    table.add("cos(d_dog, g_dog) after training", Figures.format(v.parentTruthCosineAfter, digits: 10))
    table.add("points where labrador fires", String(v.childActivePoints))
    table.add("… of which dog's code is 0 (absorbed)", String(v.childActiveWithoutParent))
    table.add("support inclusions A_i ⊆ A_j", v.supportInclusions.isEmpty ? "none" : v.supportInclusions.map { "\(name($0[ifPresent: 0])) ⊆ \(name($0[ifPresent: 1]))" }.joined(separator: ", "))
    table.add("wide lower bound Σ h_λ(‖x_n − b‖)", Figures.format(v.wideBound, digits: 10))
    out += table.text + "\n"
    return out
  }

  static func state(_ s: StateRecord) -> String {
    var out = ""
    var dictionary = MarkdownTable("atom", "direction")
    for (k, row) in s.dictionary.enumerated() { dictionary.add(name(k), "(" + row.map { Figures.format($0, digits: 6) }.joined(separator: ", ") + ")") }
    if let bias = s.bias { dictionary.add("bias b", "(" + bias.map { Figures.format($0, digits: 6) }.joined(separator: ", ") + ")") }
    out += dictionary.text + "\n"
    var figures = MarkdownTable("quantity", "value")
    figures.add("L_λ", Figures.format(s.loss, digits: 10))
    figures.add("KKT (K1) codes / (K2) atoms / (K3) bias", "\(Figures.format(s.kkt.codes, digits: 3)) / \(Figures.format(s.kkt.atoms, digits: 3)) / \(Figures.format(s.kkt.bias, digits: 3))")
    figures.add("LP-K (GLPK, verified: \(s.lpK.verified ? "yes" : "no"); \(s.lpK.columns) columns, \(s.lpK.rows) rows)", "\(Figures.format(s.lpK.value, digits: 8)) (duality gap \(Figures.format(s.lpK.dualityGap, digits: 2)))")
    figures.add("LP-K closed form (§5.2)", Figures.format(s.lpKClosedForm, digits: 8))
    figures.add("LP-R (GLPK, verified: \(s.lpR.verified ? "yes" : "no"); \(s.lpR.columns) columns, \(s.lpR.rows) rows)", "\(Figures.format(s.lpR.value, digits: 8)) (duality gap \(Figures.format(s.lpR.dualityGap, digits: 2)))")
    figures.add("scale λΣz; verdict (§5.1)", "\(Figures.format(s.scale, digits: 6)); **\(s.verdict.rawValue)**")
    out += figures.text + "\n"
    out += pairs(s.pairs)
    for (name, steps) in [("LP-K", s.lpKSteps), ("LP-R", s.lpRSteps)] {
      guard let steps else { continue }
      out += "Self-verification of the \(name) direction (§5.7; first-order codes (Z + tW)₊, re-optimised codes beside): **\(steps.outcome.rawValue)**.\n\n"
      out += stepTable(steps)
    }
    return out
  }

  static func pairs(_ pairs: [PairCondition]) -> String {
    var table = MarkdownTable("donor i", "silent j", "c_ij", "H_{i|j}", "pass")
    for p in pairs { table.add(name(p.i), name(p.j), Figures.format(p.cosine, digits: 6), Figures.interval(p.hullLow, p.hullHigh, digits: 6), p.pass ? "✓" : "✗") }
    return table.text + "\n"
  }

  static func stepTable(_ steps: SelfVerification) -> String {
    var table = MarkdownTable("t", "ΔL(t)", "ΔL/t", "ΔL/t re-optimised", "LP value")
    for step in steps.steps {
      table.add(Figures.format(step.t, digits: 1), Figures.format(step.lossChange, digits: 6), Figures.format(step.slope, digits: 6),
                Figures.format(step.reoptimizedSlope, digits: 6), Figures.format(steps.predictedSlope, digits: 6))
    }
    return table.text + "\n"
  }

  static func exactSection(_ cases: [ExactCaseRecord]) -> String {
    var out = "## Exact problem P⁺₀ at the ground truth (prediction 16)\n\nCodes are the true codes; X = Z·G exactly.\n\n"
    for e in cases {
      out += "### α = \(Figures.format(e.exactCase.childAngleDegrees))°, \(e.exactCase.bias ? "free bias" : "no bias")\n\n"
      var table = MarkdownTable("quantity", "value")
      table.add("cost Σz", Figures.format(e.cost, digits: 8))
      table.add("pair LP (donor labrador, receiver dog; verified: \(e.pairLPVerified ? "yes" : "no"))", "value \(Figures.format(e.pairLPValue, digits: 6)), a = \(Figures.format(e.pairLPRotation)), β = \(Figures.format(e.pairLPBiasShift))")
      table.add("LIN (ω = 1; verified: \(e.lin.verified ? "yes" : "no"); \(e.lin.columns) columns, \(e.lin.rows) rows)", Figures.format(e.lin.value, digits: 8))
      out += table.text + "\n" + pairs(e.pairs)
      if let steps = e.linSteps {
        out += "LIN direction applied with codes re-solved per point by LP: **\(steps.outcome.rawValue)**.\n\n"
        var stepsTable = MarkdownTable("t", "ΔF(t)", "ΔF/t", "LIN value")
        for step in steps.steps {
          stepsTable.add(Figures.format(step.t, digits: 1), Figures.format(step.lossChange, digits: 6), Figures.format(step.slope, digits: 6), Figures.format(steps.predictedSlope, digits: 6))
        }
        out += stepsTable.text + "\n"
      }
    }
    return out
  }

  static let definitions = """
    ## Definitions

    - **L_λ** = ½ Σ_n ‖x_n − b − Σ_k z_nk d_k‖² + λ Σ z (summed over points; THEORY §2.1). Atoms have unit norm.
    - **KKT** (§3.2): (K1) max over codes of |λ − d_kᵀr_n| (active) or (d_kᵀr_n − λ)₊ (inactive); (K2) max |(I − d_k d_kᵀ) Σ_n z_nk r_n|; (K3) max |Σ_n r_n| (bias only).
    - **Pair condition** (Cor. 4.3): ẑ_in = 1 − z_in / z̄_i, H_{i|j} = [min, max] of ẑ_in over points where j is silent; with a bias pass iff c_ij ∈ H_{i|j} (±\(Threshold.number(PairCondition.hullTolerance))), without a bias iff i fires somewhere j is silent.
    - **LP-K** (§5.2), **LP-R / LIN** (§5.3): first-order LPs in a box; value < 0 is a descent direction. Every GLPK answer is checked by an independent verifier (primal and dual feasibility, duality gap) before it is used.
    - **Verdict** (§5.1): descent-found iff min(LP-K, LP-R) \(HierarchyVerdict.descent.text(scale: "λΣz")), else stationary; inconclusive if an LP answer fails verification.
    - **Self-verification** (§5.7): atoms along geodesics, b + t·δb, codes (Z + tW)₊; confirmed iff some t lowers L_λ measurably with ΔL/t within \(Figures.format(100 * SelfVerification.slopeTolerance)) % of the LP value.

    """
}

extension HierarchyResults {
  /// The report's parts and the objective-history figure, from the record alone.
  public static func report(_ record: HierarchyRecord) throws -> ReportParts {
    var parts = HierarchyReport.markdown(record)
    if !record.variants.isEmpty {
      parts.figures = [(HierarchyReport.objectiveFigure(record), Data(HierarchyObjectiveFigure.document(record.variants.map { ($0.variant.name, $0.lossHistory) }).utf8))]
    }
    return parts
  }
}
