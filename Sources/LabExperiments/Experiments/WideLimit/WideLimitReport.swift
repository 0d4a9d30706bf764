import Foundation

/// Renders the wide-limit experiment's record as Markdown.
enum WideLimitReport {
  static func markdown(_ record: WideLimitExperiment.Record) -> ReportParts {
    let toy = record.toy
    let source = "THEORY.md §8 (Theorems 8.1, 8.2, 8.5, Proposition 8.4); §10 predictions 27–29 (checks W1–W4, W6)."
    var out = ""
    var setup = MarkdownTable("parameter", "value")
    setup.add("root seed", String(toy.seed))
    let r = toy.rays
    setup.add("ray dictionary (27)", "N = \(r.sampleCount), x_n = (\(r.offset.map { Figures.format($0) }.joined(separator: ", "))) + \(Figures.format(r.spread))·ξ, λ = \(Figures.format(r.lambda)), free bias; \(r.starts) random starts of the bias problem")
    let n = toy.nets
    setup.add("δ-nets (28)", "N = \(n.sampleCount) points \(Figures.format(n.spread))·ξ in ℝ², λ = \(Figures.format(n.lambda)), no bias; K = \(n.sizes.map(String.init).joined(separator: ", ")) equally spaced atoms (δ = π/K)")
    let s = toy.splitting
    setup.add("splitting (29)", "\(s.rays) rays at equal angles in [0, π/2], \(s.pointsPerRay) points each with magnitude uniform on \(Figures.interval(s.magnitude[0], s.magnitude[1])), λ = \(Figures.format(s.lambda)), no bias; K = 1…\(s.maxAtoms); best of \(s.trueRayRuns) runs at distinct true rays and \(s.randomRuns) at normalised |ξ| (exact block minimisation, at most \(s.training.maxIterations) iterations); \(s.randomDictionaries) random dictionaries (normalised ξ) per K < \(s.rays)")

    let rays = record.rays
    var rayTable = MarkdownTable("quantity", "value")
    rayTable.add("b* (first start)", "(" + (rays.minimisers.first ?? []).map { Figures.format($0, digits: 10) }.joined(separator: ", ") + ")")
    rayTable.add("spread of the \(rays.minimisers.count) minimisers", Figures.format(rays.minimiserSpread, digits: 3))
    rayTable.add("W_λ(b*) / L_λ of the ray dictionary (\(rays.atoms) atoms)", "\(Figures.format(rays.bound, digits: 12)) / \(Figures.format(rays.loss, digits: 12))")
    rayTable.add("max shrinkage-formula error; ‖Σ r_n‖", "\(Figures.format(rays.shrinkageError, digits: 3)); \(Figures.format(rays.residualSum, digits: 3))")
    rayTable.add("mean suppression ratio: measured / (1 − λ/‖x − b‖)₊", "\(Figures.format(rays.meanSuppression, digits: 10)) / \(Figures.format(rays.meanPredictedSuppression, digits: 10))")
    rayTable.add("geometric median", "(" + rays.median.map { Figures.format($0, digits: 10) }.joined(separator: ", ") + "), residual \(Figures.format(rays.medianGradientNorm, digits: 3))")
    rayTable.add("Σ‖x_n − median‖ / Σγ⁺ with atoms on its rays", "\(Figures.format(rays.medianValue, digits: 12)) / \(Figures.format(rays.medianExactCost, digits: 12))")
    out += "## The ray dictionary and the convex bias problem (prediction 27)\n\n" + rayTable.text + "\n"

    var netTable = MarkdownTable("K", "δ = π/K", "points outside the sandwich", "mean ℓ_λ − h_λ")
    for net in record.nets { netTable.add(String(net.atoms), Figures.format(net.delta), String(net.outside), Figures.format(net.meanGap, digits: 4)) }
    out += "## δ-nets (prediction 28)\n\n" + netTable.text + "\n"

    var sizeTable = MarkdownTable("K", "best trained L_λ", "L − W", "KKT of the best run", "random dictionaries: min (L − W)/W")
    for size in record.sizes {
      sizeTable.add(String(size.atoms), Figures.format(size.bestLoss, digits: 10), Figures.format(size.excess, digits: 4), Figures.format(size.kkt, digits: 2), Figures.format(size.smallestRandomExcess, digits: 3))
    }
    out += "## Splitting until every ray has an atom (prediction 29)\n\nW_λ(0) = \(Figures.format(record.bound, digits: 12)).\n\n" + sizeTable.text + "\n"
    return ReportParts(source: source, setup: setup, results: out)
  }
}

extension WideLimitExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: WideLimitExperiment.Record) throws -> ReportParts {
    WideLimitReport.markdown(record)
  }
}
