import Foundation

/// Renders the frontier experiment's record as Markdown and its L0–FVU plot as SVG.
enum FrontierReport {
  static let colors: [FrontierArchitecture: String] = [.shallow: "#1f77b4", .deepEncoder: "#d62728", .deepEncoderDecoder: "#2ca02c"]

  static func markdown(_ record: FrontierExperiment.Record, figure: String, lossFigure: String?) -> ReportParts {
    let toy = record.toy, t = toy.training
    let source = "seeds/000_619d6c40b58f0525.txt (Deep sparse autoencoders for neural network interpretability, results section)."
    var out = ""
    var setup = MarkdownTable("parameter", "value")
    setup.add("root seed", String(toy.seed))
    setup.add("world", "curved: \(toy.world.featureCount) independent features in ℝ^\(toy.world.embedding.inputDimension); feature i with magnitude a adds a·u_i + \(Figures.format(toy.curvature))·a²·v_i (u_i, v_i random unit directions), a curved one-dimensional manifold per feature; \(toy.sampleCount) training rows, \(toy.heldOutCount) validation rows (plateau) and \(toy.heldOutCount) held-out rows (metrics)")
    setup.add("seeds", "\(toy.replicates) independent seeds (world, curvature directions and training all re-drawn); the tables and figures below show seed 0")
    setup.add("architectures", "shallow: TopK(k) sparse layer, unit-norm decoder; deep encoder: + 1 hidden layer of width \(toy.world.embedding.inputDimension) (tanh, LayerNorm, residual); deep encoder + decoder: + 1 hidden ReLU decoder layer of width \(toy.decoderHiddenWidth)")
    setup.add("training", "\(t.width) latents, batch \(t.batchSize), until the validation MSE improves by less than \(Figures.format(t.plateauTolerance)) (relative) over \(t.plateauWindow) steps (at most \(t.steps) steps), \(t.sparseAdam ? "sparse " : "")Adam lr \(Figures.format(t.learningRate)), weight decay \(Figures.format(t.weightDecay)) on hidden layers, input scale \(Figures.format(t.inputScale)); same seed and batch order for all")
    setup.add("metrics", "L0 = mean number of nonzero codes; MSE = mean Σ_d (x̂ − x)²; FVU = 1 − explained variance (SAELens 6.54), all on the held-out rows")
    var table = MarkdownTable("k", "architecture", "L0", "MSE", "FVU", "dead latents", "steps")
    for p in record.points {
      table.add(String(p.k), p.architecture.rawValue, Figures.format(p.l0, digits: 4), Figures.format(p.meanSquaredError, digits: 4),
                Figures.format(p.fractionOfVarianceUnexplained, digits: 4), String(p.deadLatents), String(p.steps) + (p.plateaued ? "" : " (cap)"))
    }
    out += "## The frontier\n\n![L0 against FVU](\(figure))\n\n" + table.text + "\n"
    out += matchedSection(record)
    if let lossFigure {
      out += "## Training loss\n\n![Training loss against step](\(lossFigure))\n\nThe loss of the training batch (MSE in the scaled input space plus the weight decay of the hidden layers) every \(record.points.first?.trainingLoss.flatMap { $0.first?.first }.map { Figures.format($0) } ?? "few") steps, per SAE (colour: architecture; dash: k; log scale).\n\n"
    }
    out += "## Why this world\n\nOn a linear sparse world the shallow SAE is the correct model (a linear decoder of the true codes), so depth cannot help there and the comparison would be decided by the setup. Here every feature traces a curve: a shallow SAE must tile each curve with several latents or reconstruct it with an error, while a hidden decoder layer can bend a latent's contribution, so depth can matter, and whether it does at matched L0 is the question. Every SAE trains to a plateau it detects on validation rows, and every number is measured on held-out rows.\n\n"
    out += "## Caveats\n\nA small synthetic world (not a language model's activations): the comparison is of these trained SAEs, not of the architectures' best possible frontiers. The shallow SAE here is the deep trainer with no hidden layer (no pre-encoder b_dec subtraction), so that the three differ only in their hidden layers.\n\n"
    return ReportParts(source: source, setup: setup, results: out)
  }

  /// The MSE of every architecture at the common L0 grid, interpolated; the claim is judged here.
  static func matchedSection(_ record: FrontierExperiment.Record) -> String {
    let grid = FrontierExperiment.matchedGrid(record.points, ks: record.toy.ks)
    let out = "## At matched L0\n\nTopK keeps at most k latents, and the measured L0 falls short of k by different amounts for different architectures, so the claim is judged here: each architecture's MSE is interpolated to a common L0 grid, linearly in log L0 between its two measured points around it, and only inside the L0 range it measured (no extrapolation). The grid is the ends of the range every architecture measured and the k values inside it.\n\n"
    guard !grid.isEmpty else { return out + "No L0 was measured by every architecture.\n\n" }
    var table = MarkdownTable(header: ["L0"] + FrontierExperiment.architectures.map { "MSE \($0)" })
    for l0 in grid {
      table.add(row: [Figures.format(l0, digits: 4)] + FrontierExperiment.architectures.map { name in
        Figures.format(MatchedL0.meanSquaredError(FrontierExperiment.measurements(record.points, architecture: name), at: l0), digits: 4)
      })
    }
    return out + table.text + "\n"
  }

  static let dashes: [String?] = [nil, "7 4", "2 3", "9 3 2 3"]

  /// The training loss against the step of every SAE, log scale; nil when the record has no loss histories.
  static func lossFigure(_ points: [FrontierExperiment.Point], toy: FrontierToy) -> String? {
    let curves = points.compactMap { p in p.trainingLoss.map { (p, $0.compactMap { e -> (Double, Double)? in
      guard let step = e[ifPresent: 0], let loss = e[ifPresent: 1], step.isFinite, loss > 0, loss.isFinite else { return nil }
      return (step, loss)
    }) } }
    guard !curves.isEmpty, curves.contains(where: { !$0.1.isEmpty }) else { return nil }
    let values = curves.flatMap { $0.1.map(\.1) }
    var plot = SVGPlot(x: 0...Double(toy.training.steps), y: values.min()!...values.max()!, title: "Training loss of every SAE",
                       xLabel: "step", yLabel: "batch loss", logY: true)
    func dash(_ k: Int) -> String? { dashes[(toy.ks.firstIndex(of: k) ?? 0) % dashes.count] }
    for (point, curve) in curves { plot.polyline(curve, color: colors[point.architecture] ?? "#000", dash: dash(point.k), legend: nil) }
    for name in FrontierExperiment.architectures { plot.legend(name.rawValue, color: colors[name] ?? "#000") }
    for k in toy.ks { plot.legend("k = \(k)", color: "#555", dash: dash(k)) }
    return plot.document
  }

  /// L0 (x) against FVU (y), one colour per architecture.
  static func figure(_ points: [FrontierExperiment.Point], toy: FrontierToy) -> String {
    let maxL0 = points.map(\.l0).max() ?? 1, maxFVU = points.map(\.fractionOfVarianceUnexplained).max() ?? 1
    var plot = SVGPlot(x: 0...max(1, maxL0), y: 0...max(1e-6, maxFVU), title: "L0–FVU frontier", xLabel: "L0", yLabel: "FVU (1 − explained variance)")
    for p in points { plot.dot(p.l0, p.fractionOfVarianceUnexplained, color: colors[p.architecture] ?? "#000") }
    for name in FrontierExperiment.architectures { plot.legend(name.rawValue, color: colors[name] ?? "#000") }
    return plot.document
  }
}

extension FrontierExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: FrontierExperiment.Record) throws -> ReportParts {
    let toy = record.toy, figure = "\(toy.id).svg", lossFigure = "\(toy.id)-loss.svg"
    let loss = FrontierReport.lossFigure(record.points, toy: toy)
    var parts = FrontierReport.markdown(record, figure: figure, lossFigure: loss.map { _ in lossFigure })
    parts.figures = [(figure, Data(FrontierReport.figure(record.points, toy: toy).utf8))]
    if let loss { parts.figures.append((lossFigure, Data(loss.utf8))) }
    return parts
  }
}
