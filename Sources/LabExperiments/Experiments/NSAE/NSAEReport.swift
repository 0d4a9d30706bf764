import Foundation

/// Renders the normalised-SAE experiment's record as Markdown and its L0 figure; both are
/// functions of the record alone.
enum NSAEReport {
  static func figureName(_ toy: NSAEToy) -> String { "\(toy.id)-l0.svg" }

  static func markdown(_ record: NSAEExperiment.Record) -> ReportParts {
    let toy = record.toy
    func f(_ v: Double?) -> String { Figures.format(v, digits: 3) }
    let source = "seeds/004_60b790290721bf05.txt (Normalizing Sparse Autoencoders)"
    var out = ""

    var setup = MarkdownTable("parameter", "value")
    let t = toy.toyModel, s = toy.sae
    setup.add("world", "n = \(toy.world.featureCount) independent features x_i ∈ [0, 1] (uniform when firing), each firing with probability \(firing(toy)); \(toy.trainingSamples) training rows, \(toy.evaluationSamples) held-out rows for every metric")
    setup.add("toy model", "h = W x (m = \(t.hiddenDimension)), x̂ = ReLU(Wᵀh + b), loss Σ_i I_i (x_i − x̂_i)² with I_i = \(Figures.format(t.importanceDecay))^i; Adam lr \(Figures.format(t.learningRate)), batch \(t.batchSize), \(t.steps) steps")
    setup.add("layers", "s·h for s = \(toy.scales.map { Figures.format($0) }.joined(separator: ", ")); the model reading layer s divides by s")
    setup.add("SAEs", "\(s.width) latents; ReLU-L1 (SAELens `standard`) λ = \(Figures.format(s.baselineL1)); NSAE α = \(Figures.format(s.nsaeAlpha)), σ = \(Figures.format(s.noiseSigma)), β = α·mean‖x‖²; Adam lr \(Figures.format(s.learningRate)), batch \(s.batchSize), \(s.steps) steps, one training seed for all")
    setup.add("matching", "ReLU-L1 sweep λ = \(Figures.format(s.baselineL1))·s·f, f ∈ {\(s.sweepFactors.map { Figures.format($0) }.joined(separator: ", "))}; its score is interpolated linearly in L0 at the NSAE's L0")
    setup.add("metrics", "L1: Σ z_i‖d_i‖ (ReLU-L1, the codes of unit-norm atoms) or Σ c_i (NSAE); score (L_zero − L_recon)/(L_zero − L_clean); KL between the clean and patched Gaussian output distributions N(x̂_i, 1/(2I_i)), = Σ_i I_i (x̂_i − x̂'_i)², averaged over inputs")
    setup.add("root seed", String(toy.seed))
    setup.add("seeds", "\(toy.replicates) independent seeds (every draw re-drawn from the seed's own root); the tables and figures below show seed 0")

    let model = record.toyModel
    out += "## The toy model\n\nLoss on the training rows \(f(model.initialLoss)) → \(f(model.finalLoss)); held out, L_clean = \(Figures.format(model.cleanLoss, digits: 4)) and L_zero = \(Figures.format(model.zeroLoss, digits: 4)). "
      + "‖W_i‖ per feature (most important first): \(model.featureNorms.map { f($0) }.joined(separator: ", ")).\n\n"

    var table = MarkdownTable("layer", "mean ‖x‖", "SAE", "coefficient", "L0", "L1", "shrinkage", "Σ‖x̂‖/Σ‖x‖", "explained variance", "dead", "score", "KL")
    for layer in record.layers {
      for (name, result) in [("ReLU-L1", layer.baseline), ("NSAE", layer.nsae)] {
        table.add("×\(Figures.format(layer.scale))", f(layer.meanInputNorm), name, Figures.format(result.coefficient), f(result.l0), f(result.l1), f(result.shrinkage),
                  f(result.normRatio), f(result.explainedVariance), String(result.deadLatents), f(result.patch.reconstructionScore),
                  Figures.format(result.patch.meanKL, digits: 3))
      }
    }
    out += "## The SAEs on each layer\n\n" + table.text + "\n"
      + "Shrinkage (SAELens) averages the per-input ratios ‖x̂‖/‖x‖ and can exceed 1: an input of small norm (one feature firing with a magnitude near 0) is reconstructed as about the decoder bias. The ratio of sums Σ‖x̂‖/Σ‖x‖ is the measure of seeds/004 and the one the findings use.\n\n"
    out += "![L0 and L1 of both SAEs against the layer's scale](\(figureName(toy)))\n\n"

    var matched = MarkdownTable("layer", "NSAE L0", "NSAE score", "ReLU-L1 sweep (λ: L0, score)", "ReLU-L1 score at the NSAE's L0")
    for layer in record.layers {
      matched.add("×\(Figures.format(layer.scale))", f(layer.nsae.l0), f(layer.nsae.patch.reconstructionScore),
                  layer.sweep.map { "\(Figures.format($0.coefficient, digits: 3)): \(f($0.l0)), \(f($0.patch.reconstructionScore))" }.joined(separator: "; "),
                  layer.matchedBaselineScore.map { f($0) } ?? "not matched")
    }
    out += "## Reconstruction score at matched L0\n\n" + matched.text + "\n"
    return ReportParts(source: source, setup: setup, results: out)
  }

  private static func firing(_ toy: NSAEToy) -> String {
    if case .constant(let p) = toy.world.firing { return Figures.format(p) }
    return "as the toy's `firing` profile"
  }

  /// L0 (solid) and L1 of both SAEs against log₂ of the layer's scale.
  static func figure(_ record: NSAEExperiment.Record) -> String {
    let layers = record.layers
    let xs = layers.map { log2($0.scale) }
    let series: [(String, String, [Double])] = [
      ("ReLU-L1 L0", "#1f77b4", layers.map(\.baseline.l0)), ("ReLU-L1 L1", "#9ecae1", layers.map(\.baseline.l1)),
      ("NSAE L0", "#d62728", layers.map(\.nsae.l0)), ("NSAE L1", "#fc9272", layers.map(\.nsae.l1)),
    ]
    // A record read back may be hostile: only finite coordinates reach the plot's ranges.
    let values = series.flatMap(\.2).filter(\.isFinite), finiteX = xs.filter(\.isFinite)
    var plot = SVGPlot(x: (finiteX.min() ?? 0)...(finiteX.max() ?? 1), y: 0...max(values.max() ?? 1, 0.01),
                       title: "L0 and L1 of the codes on layers of growing input norm", xLabel: "log2(layer scale s)", yLabel: "mean per input")
    for line in series {
      plot.polyline(Array(zip(xs, line.2)).filter { $0.0.isFinite && $0.1.isFinite }, color: line.1, legend: line.0)
    }
    return plot.document
  }
}

extension NSAEExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: NSAEExperiment.Record) throws -> ReportParts {
    var parts = NSAEReport.markdown(record)
    parts.figures = [(NSAEReport.figureName(record.toy), Data(NSAEReport.figure(record).utf8))]
    return parts
  }
}
