import Foundation

/// Renders the frontier experiment's record as Markdown and its L0–FVU plot as SVG.
enum FrontierReport {
  static let colors = ["shallow": "#1f77b4", "deep encoder": "#d62728", "deep encoder + decoder": "#2ca02c"]

  static func markdown(_ record: FrontierExperiment.Record, figure: String) -> String {
    let reproduce = (record.invocation ?? .legacy(id: record.toy.id, seed: record.toy.seed)).reproduce
    let toy = record.toy, t = toy.training
    var out = ReportSections.header(title: toy.title, id: toy.id)
    out += ReportSections.verdict(record.checks)
    out += ReportSections.findings(record.findings)
    out += ReportSections.claim(toy.claim, source: "seeds/000_619d6c40b58f0525.txt (Deep sparse autoencoders for neural network interpretability, results section).")
    var setup = MarkdownTable("parameter", "value")
    setup.add("root seed", String(toy.seed))
    setup.add("world", "independent: \(toy.world.featureCount) features in ℝ^\(toy.world.embedding.inputDimension), \(toy.sampleCount) samples")
    setup.add("architectures", "shallow: TopK(k) sparse layer, unit-norm decoder; deep encoder: + 1 hidden layer of width \(toy.world.embedding.inputDimension) (tanh, LayerNorm, residual); deep encoder + decoder: + 1 hidden ReLU decoder layer of width \(toy.decoderHiddenWidth)")
    setup.add("training", "\(t.width) latents, batch \(t.batchSize), \(t.steps) steps, \(t.sparseAdam ? "sparse " : "")Adam lr \(Figures.format(t.learningRate)), weight decay \(Figures.format(t.weightDecay)) on hidden layers, input scale \(Figures.format(t.inputScale)); same seed and batch order for all")
    setup.add("metrics", "L0 = mean number of nonzero codes; MSE = mean Σ_d (x̂ − x)²; FVU = 1 − explained variance (SAELens 6.54), all on the training samples")
    out += ReportSections.setup(setup, seeds: record.seeds, provenance: record.provenance)
    var table = MarkdownTable("k", "architecture", "L0", "MSE", "FVU", "dead latents")
    for p in record.points {
      table.add(String(p.k), p.architecture, Figures.format(p.l0, digits: 4), Figures.format(p.meanSquaredError, digits: 4),
                Figures.format(p.fractionOfVarianceUnexplained, digits: 4), String(p.deadLatents))
    }
    out += "## The frontier\n\n![L0 against FVU](\(figure))\n\n" + table.text + "\n"
    out += "## Caveats\n\nOne seed per point, a small synthetic world (not a language model's activations), and a short training run: the comparison is of these runs, not of the architectures' best possible frontiers. The shallow SAE here is the deep trainer with no hidden layer (no pre-encoder b_dec subtraction), so that the three differ only in their hidden layers.\n\n"
    out += ReportSections.reproduce(reproduce)
    return out
  }

  /// L0 (x) against FVU (y), one colour per architecture.
  static func figure(_ points: [FrontierExperiment.Point], toy: FrontierToy) -> String {
    let maxL0 = points.map(\.l0).max() ?? 1, maxFVU = points.map(\.fractionOfVarianceUnexplained).max() ?? 1
    var plot = SVGPlot(x: 0...max(1, maxL0), y: 0...max(1e-6, maxFVU), title: "L0–FVU frontier", xLabel: "L0", yLabel: "FVU (1 − explained variance)")
    for p in points { plot.dot(p.l0, p.fractionOfVarianceUnexplained, color: colors[p.architecture] ?? "#000") }
    for (i, name) in FrontierExperiment.architectures.enumerated() {
      plot.label(0.6 * max(1, maxL0), maxFVU * (1 - 0.08 * Double(i)), name, color: colors[name] ?? "#000")
    }
    return plot.document
  }
}

extension FrontierExperiment.Record: ExperimentRecord {
  public func reportFiles() throws -> [(name: String, contents: Data)] {
    let figure = "\(toy.id).svg"
    return [("\(toy.id).md", Data(FrontierReport.markdown(self, figure: figure).utf8)),
            (figure, Data(FrontierReport.figure(points, toy: toy).utf8))]
  }
}
