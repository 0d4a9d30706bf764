import Foundation
import LabChecks

/// Renders the star experiment's record: its results sections and the star-polygon figure.
extension StarExperiment {
  static func report(_ record: Record, figure: String) -> ReportParts {
    let toy = record.toy
    let source = "THEORY.md §4.3 (Theorem 4.4), §4.7; §10 prediction 14 (check S9)."
    var out = ""
    var setup = MarkdownTable("parameter", "value")
    setup.add("problem", "exact P⁺₀ (λ → 0): X = Z·D, cost Σz; with a free bias b = 0, and without")
    setup.add("atoms", toy.atoms.map { "(" + $0.map { Figures.format($0) }.joined(separator: ", ") + ")" }.joined(separator: ", "))
    setup.add("activity types", toy.activityTypes.map { "(" + $0.codes.map { Figures.format($0) }.joined(separator: ", ") + ") × \($0.count)" }.joined(separator: ", "))
    setup.add("star", "receiver \(toy.receiver), donors \(toy.donors.map(String.init).joined(separator: ", "))")
    setup.add("steps τ", toy.steps.map { Figures.format($0) }.joined(separator: ", "))
    setup.add("seed", "\(toy.seed) (the data are exact; nothing is drawn)")
    for c in record.cases {
      out += "## \(c.bias ? "With a free bias" : "Without a bias")\n\n"
      var values = MarkdownTable("quantity", "value")
      values.add("cost Σz", Figures.format(c.cost, digits: 8))
      values.add("STAR LP (§5.5)", "\(Figures.format(c.starValue, digits: 8)); a = (\(c.rotations.map { Figures.format($0) }.joined(separator: ", "))), β = \(Figures.format(c.biasShift))")
      values.add(c.bias ? "hull distance (§5.6)" : "cone distance (§5.6)", Figures.format(c.hullDistance, digits: 8))
      values.add("LIN (ω = 1; \(c.lin.columns) columns, \(c.lin.rows) rows)", "\(Figures.format(c.lin.value, digits: 8)) (verified: \(c.lin.verified ? "yes" : "no"))")
      values.add("every LP answer verified", c.verified ? "yes" : "no")
      out += values.text + "\n"
      var pairs = MarkdownTable("donor i", "silent j", "c_ij", "H_{i|j}", "pair LP value", "pass")
      for (pair, value) in zip(c.pairs, c.pairLPValues) {
        pairs.add(String(pair.i), String(pair.j), Figures.format(pair.cosine), Figures.interval(pair.hullLow, pair.hullHigh), Figures.format(value[ifPresent: 2], digits: 3), pair.pass ? "✓" : "✗")
      }
      out += pairs.text + "\n"
      if let move = c.move {
        var steps = MarkdownTable("τ", "ΔΣz", "ΔΣz/τ", "−(STAR LP value)", "reconstruction change", "feasible")
        for step in move.steps {
          steps.add(Figures.format(step.tau), Figures.format(step.costChange, digits: 6), Figures.format(step.slope, digits: 6), Figures.format(-move.lpValue, digits: 6), Figures.format(step.reconstructionError, digits: 2), step.feasible ? "yes" : "no")
        }
        out += "Exact star move (Lemma 4.1): **\(move.confirmed ? "confirmed" : "not confirmed")**.\n\n" + steps.text + "\n"
      }
      if let lin = c.linSteps {
        var steps = MarkdownTable("t", "ΔF(t)", "ΔF/t", "LIN value")
        for step in lin.steps { steps.add(Figures.format(step.t), Figures.format(step.lossChange, digits: 6), Figures.format(step.slope, digits: 6), Figures.format(lin.predictedSlope, digits: 6)) }
        out += "LIN direction applied with codes re-solved per point by LP: **\(lin.outcome.rawValue)**.\n\n" + steps.text + "\n"
      }
    }
    out += "## Figure\n\nModified responses (ẑ_\(toy.donors[0]), ẑ_\(toy.donors[1])) on the points where \(toy.receiver) is silent, their convex hull, and the target (c_\(toy.donors[0])\(toy.receiver), c_\(toy.donors[1])\(toy.receiver)): the two-donor star condition with a bias holds iff the target is inside.\n\n![Star polygon](\(figure))\n\n"
    return ReportParts(source: source, setup: setup, results: out)
  }
}

extension StarExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: StarExperiment.Record) throws -> ReportParts {
    let toy = record.toy, figureName = "\(toy.id)-polygon.svg"
    guard let withBias = record.cases.first(where: \.bias) else { throw RunRecordError(path: "\(toy.id).json", "field 'cases' has no case with a bias") }
    let figure = HullFigures.star(StarExperiment.candidate(toy, bias: true), receiver: toy.receiver, donors: (toy.donors[0], toy.donors[1]),
                                  passes: withBias.starValue <= StarProgram.failureTolerance, activityThreshold: 0)
    var parts = StarExperiment.report(record, figure: figureName)
    parts.figures = [(figureName, Data(figure.utf8))]
    return parts
  }
}

