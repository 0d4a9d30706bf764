import Foundation
import LabGenerators
import LabTraining

/// Renders the suppression experiment's record as Markdown and its two figures as SVG: shrinkage
/// against input norm, and per-feature shrinkage against true magnitude.
enum SuppressionReport {
  /// Every candidate, in table and legend order.
  static let methods = SuppressionExperiment.saeMethods + SuppressionExperiment.exactMethods
  static let colors: [SuppressionMethod: String] = [.reluL1: "#1f77b4", .reluL1Unit: "#17becf", .topK: "#2ca02c", .nsae: "#d62728",
                                                      .dictionaryLearning: "#9467bd", .reluL1Exact: "#8c564b"]
  /// Legend names short enough for the plot's legend column.
  static let legend: [SuppressionMethod: String] = [.dictionaryLearning: "dict. learning"]

  static func markdown(_ record: SuppressionExperiment.Record, figures: [String]) -> ReportParts {
    let toy = record.toy, w = toy.world, lambda = SuppressionExperiment.lambda(toy)
    let preamble = "The source's claims, in its words where possible:\n\n> \(toy.sourceClaim)\n>\n> — seeds/004_60b790290721bf05.txt (Normalized sparse autoencoders, LessWrong).\n\n", source = "THEORY.md §8.3 (Theorem 8.3)."
    var out = ""
    var setup = MarkdownTable("parameter", "value")
    setup.add("root seed", String(toy.seed))
    setup.add("seeds", "\(toy.replicates) independent seeds (every draw re-drawn from the seed's own root); the tables and figures below show seed 0")
    setup.add("world", "independent: \(w.featureCount) features on \(w.embedding.directions.kind) directions of ℝ^\(w.embedding.inputDimension), firing \(describe(w.firing)), magnitudes \(w.magnitude.rule.rawValue) with mean \(describe(w.magnitude.mean)) and standard deviation \(describe(w.magnitude.standardDeviation)); bias \(Figures.format(w.embedding.bias)), noise \(Figures.format(w.embedding.noise))")
    setup.add("samples", "\(toy.trainingSamples) for training, \(toy.evaluationSamples) fresh ones for every measurement; at each input scale s both are the same draws multiplied by s (true codes too)")
    setup.add("input scales", toy.inputScales.map { Figures.format($0) }.joined(separator: ", ") + " (figures at s = \(Figures.format(toy.inputScales[0])))")
    setup.add("SAEs", "F = \(toy.training.width), batch \(toy.training.batchSize), \(toy.training.steps) Adam steps at lr \(Figures.format(toy.training.learningRate)), each seeded by its method: relu-l1 (SAELens `standard`, decoder-norm-weighted L1, C = \(Figures.format(toy.l1Coefficient))), relu-l1-unit (unit-norm decoder, L1 C), topk (k = \(toy.topK)), nsae (α = \(Figures.format(toy.nsaeAlpha)), σ = \(Figures.format(toy.nsaeNoise)), β = α·mean(‖x‖)² of the training samples)")
    setup.add("exact codes", "dictionary-learning: block minimisation from the ground truth on the first \(toy.dictionarySamples) training samples at λ = C/2 = \(Figures.format(lambda)), no bias, at most \(toy.dictionaryLearning.maxIterations) iterations, then exact lasso codes of the evaluation samples; relu-l1-exact: exact lasso codes at λ on the relu-l1 SAE's normalised decoder with its b_dec as bias (the dictionary view of THEORY §9)")
    out += """
    ## Definitions

    s(x) = ‖x̂ − b‖/‖x − b‖ with b the candidate's decoder bias (b_dec; 0 for dictionary learning), the suppression ratio of THEORY §8.3; \
    the bound is (1 − λ/‖x − b‖)₊ at λ = C/2 = \(Figures.format(lambda)), which Theorem 8.3 guarantees only for optimal codes of a unit-norm \
    dictionary (here: dictionary-learning and relu-l1-exact); the SAEs' encoders are not bound by it, TopK and NSAE not even in principle \
    (no such λ). Shrinkage: SAELens's mean over inputs with ‖x‖ > 10⁻⁶ of ‖x̂‖/‖x‖; γ: the relative reconstruction bias \
    mean‖x̂‖²/mean x·x̂; Σ‖x̂‖/Σ‖x‖: the NSAE post's ratio of sums; mean ‖x − b‖ − ‖x̂ − b‖: the absolute shrinkage over the binned points (Theorem 8.3: at least min(λ, ‖x − b‖) per point for optimal codes). Input-norm bins hold about equally many evaluation samples (inputs \
    with no active feature, ‖x‖ = 0, are left out). Per-feature ratio: for true feature i and its Hungarian-matched latent j, on samples \
    with c_i > 0, z_j‖d_j‖/c_i, averaged over every feature in a magnitude bin; for exact codes of the (orthonormal) truth it would be \
    (1 − λ/c)₊ on one-feature points. L0: mean number of nonzero codes; weighted L1: mean Σ_j z_j‖d_j‖; FVU: 1 − explained variance \
    (SAELens 6.54).


    """
    out += "## Shrinkage against input norm\n\n" + zip(["suppression ratio against input norm", "absolute shrinkage against input norm", "per-feature ratio against true magnitude"], figures)
      .map { "![\($0)](\($1))\n\n" }.joined()
    for scale in record.scales {
      out += "### s = \(Figures.format(scale.scale)): mean ‖x‖ = \(Figures.format(scale.meanInputNorm, digits: 4))\n\n"
      var summary = MarkdownTable("method", "L0", "weighted L1", "MSE", "FVU", "shrinkage", "γ", "Σ‖x̂‖/Σ‖x‖", "mean ‖x − b‖ − ‖x̂ − b‖", "MCC",
                                  "points above the bound", "largest excess")
      for c in scale.candidates {
        let m = c.metrics
        summary.add(c.method.rawValue, Figures.format(m.l0, digits: 3), Figures.format(c.meanWeightedL1, digits: 4), Figures.format(m.meanSquaredError, digits: 4),
                    Figures.format(1 - m.explainedVariance, digits: 3), Figures.format(m.shrinkage, digits: 4),
                    Figures.format(m.relativeReconstructionBias, digits: 4), Figures.format(m.normRatioOfSums, digits: 4), Figures.format(c.byNorm.meanDeficit, digits: 4), Figures.format(m.mcc, digits: 3),
                    "\(c.byNorm.boundViolations) of \(toy.evaluationSamples)", Figures.format(c.byNorm.largestExcess, digits: 3))
      }
      out += summary.text + "\n"
      out += "Dictionary learning: \(scale.dictionaryIterations) iterations, \(scale.dictionaryTermination), max KKT residual \(Figures.format(scale.dictionaryKKT.maximum, digits: 2)).\n\n"
      var bins = MarkdownTable("‖x‖ bin", "samples", "mean ‖x‖", "bound", "relu-l1", "relu-l1-unit", "topk", "nsae", "dictionary-learning", "relu-l1-exact")
      let reference = scale.candidates.first { $0.method == .dictionaryLearning } ?? scale.candidates[0]
      for (index, bin) in reference.byNorm.bins.enumerated() {
        let values = methods.map { method -> String in
          guard let c = scale.candidates.first(where: { $0.method == method }), index < c.byNorm.bins.count else { return "—" }
          return Figures.format(c.byNorm.bins[index].meanSuppression, digits: 4)
        }
        bins.rows.append([Figures.interval(bin.lower, bin.upper, digits: 3), String(bin.samples), Figures.format(bin.meanInputNorm, digits: 4),
                          Figures.format(bin.meanBound, digits: 4)] + values)
      }
      out += "Mean s(x) by input-norm bin (bound: mean (1 − λ/‖x‖)₊):\n\n" + bins.text + "\n"
      var features = MarkdownTable("magnitude bin", "samples", "(1 − λ/c)₊", "relu-l1", "relu-l1-unit", "topk", "nsae", "dictionary-learning", "relu-l1-exact")
      let aggregated = methods.map { method in scale.candidates.first { $0.method == method }.map { featureRatios($0) } ?? [] }
      for (index, bin) in (aggregated.first { !$0.isEmpty } ?? []).enumerated() {
        let values = aggregated.map { index < $0.count ? Figures.format($0[index].ratio, digits: 4) : "—" }
        features.rows.append([Figures.interval(bin.lower, bin.upper, digits: 3), String(bin.samples),
                              Figures.format(max(0, 1 - lambda / bin.magnitude), digits: 4)] + values)
      }
      out += "Mean per-feature ratio z_j‖d_j‖/c_i by true magnitude c_i (over all features):\n\n" + features.text + "\n"
    }
    out += "## Caveats\n\nFindings are decided over \(toy.replicates) seeds, but each on one small synthetic world with orthogonal features (not a language model's activations), short training runs and one L1 coefficient, α and k: the comparisons are of these runs. TopK and NSAE are compared at their own L0, not at a matched one. The post measured its ratio on GPT-2 activations and its suppression claims across layers of different norms; here the norm changes by the input scale only.\n\n"
    return ReportParts(source: source, preamble: preamble, setup: setup, results: out)
  }

  /// A profile in words.
  static func describe(_ profile: FeatureProfile) -> String {
    switch profile {
    case .constant(let v): return Figures.format(v)
    default: return "\(profile)"
    }
  }

  /// The per-feature ratio of one candidate aggregated over features, per magnitude bin (bins by their lower edge, increasing).
  static func featureRatios(_ candidate: SuppressionExperiment.Candidate) -> [(lower: Double, upper: Double, samples: Int, magnitude: Double, ratio: Double)] {
    var sums: [Double: (upper: Double, samples: Int, magnitude: Double, ratio: Double)] = [:]
    for feature in candidate.metrics.featureShrinkage {
      for bin in feature.bins {
        let n = Double(bin.samples), old = sums[bin.lower] ?? (bin.upper, 0, 0, 0)
        sums[bin.lower] = (bin.upper, old.samples + bin.samples, old.magnitude + n * bin.meanMagnitude, old.ratio + n * bin.meanFeatureRatio)
      }
    }
    return sums.keys.sorted().map { lower in
      let s = sums[lower]!, n = Double(s.samples)
      return (lower, s.upper, s.samples, s.magnitude / n, s.ratio / n)
    }
  }

  /// One series per candidate through its bins, and the bound.
  static func plot(title: String, xLabel: String, yLabel: String, y: ClosedRange<Double> = 0...1.6,
                   series: [(method: SuppressionMethod, points: [(Double, Double)])], bound: (name: String, points: [(Double, Double)])) -> String {
    let xs = (series.flatMap(\.points) + bound.points).map(\.0)
    var plot = SVGPlot(x: 0...(xs.max() ?? 1), y: y, title: title, xLabel: xLabel, yLabel: yLabel)
    for s in series where !s.points.isEmpty {
      plot.polyline(s.points, color: colors[s.method] ?? "#000", legend: legend[s.method] ?? s.method.rawValue)
      for p in s.points { plot.dot(p.0, p.1, color: colors[s.method] ?? "#000", radius: 2.5) }
    }
    plot.polyline(bound.points, color: "#000", legend: bound.name)
    return plot.document
  }

  /// s(x) against ‖x‖ at the first scale, with the bound (1 − λ/‖x‖)₊.
  static func normFigure(_ record: SuppressionExperiment.Record) -> String {
    guard let scale = record.scales.first else { return "" }
    let series = methods.map { method in
      (method, scale.candidates.first { $0.method == method }?.byNorm.bins.map { ($0.meanInputNorm, $0.meanSuppression) } ?? [])
    }
    let lambda = SuppressionExperiment.lambda(record.toy), top = (scale.normEdges.last ?? 1)
    let bound = (0...40).map { i -> (Double, Double) in
      let norm = top * Double(i) / 40
      return (norm, norm > 0 ? max(0, 1 - lambda / norm) : 0)
    }
    return plot(title: "Suppression ‖x̂ − b‖/‖x − b‖ against input norm (s = \(Figures.format(scale.scale)))", xLabel: "‖x‖ (bin mean)",
                yLabel: "mean s(x)", series: series, bound: ("bound (1 − λ/‖x‖)₊", bound))
  }

  /// The absolute shrinkage ‖x − b‖ − ‖x̂ − b‖ against ‖x‖ at the first scale, with min(λ, ‖x‖), its least value for optimal codes.
  static func deficitFigure(_ record: SuppressionExperiment.Record) -> String {
    guard let scale = record.scales.first else { return "" }
    let series = methods.map { method in
      (method, scale.candidates.first { $0.method == method }?.byNorm.bins.map { ($0.meanInputNorm, $0.meanDeficit) } ?? [])
    }
    let lambda = SuppressionExperiment.lambda(record.toy), top = (scale.normEdges.last ?? 1)
    let bound = (0...40).map { i -> (Double, Double) in (top * Double(i) / 40, min(lambda, top * Double(i) / 40)) }
    let values = series.flatMap { $0.1 }.map(\.1) + [lambda]
    let span = (values.max()! - min(0, values.min()!))
    return plot(title: "Absolute shrinkage ‖x − b‖ − ‖x̂ − b‖ against input norm (s = \(Figures.format(scale.scale)))", xLabel: "‖x‖ (bin mean)",
                yLabel: "mean ‖x − b‖ − ‖x̂ − b‖", y: min(0, values.min()!)...(values.max()! + 0.6 * span), series: series,
                bound: ("min(λ, ‖x‖)", bound))
  }

  /// The per-feature ratio against true magnitude at the first scale, with (1 − λ/c)₊.
  static func featureFigure(_ record: SuppressionExperiment.Record) -> String {
    guard let scale = record.scales.first else { return "" }
    let series = methods.map { method in
      (method, scale.candidates.first { $0.method == method }.map { featureRatios($0).map { ($0.magnitude, $0.ratio) } } ?? [])
    }
    let lambda = SuppressionExperiment.lambda(record.toy), top = record.toy.magnitudeBins.last! * scale.scale
    let curve = (0...40).map { i -> (Double, Double) in
      let c = top * Double(i) / 40
      return (c, c > 0 ? max(0, 1 - lambda / c) : 0)
    }
    return plot(title: "Per-feature ratio z‖d‖/c against true magnitude (s = \(Figures.format(scale.scale)))", xLabel: "true magnitude c (bin mean)",
                yLabel: "mean z_j‖d_j‖/c_i", series: series, bound: ("(1 − λ/c)₊", curve))
  }
}

extension SuppressionExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: SuppressionExperiment.Record) throws -> ReportParts {
    let toy = record.toy, norm = "\(toy.id)-norm.svg", deficit = "\(toy.id)-deficit.svg", features = "\(toy.id)-features.svg"
    var parts = SuppressionReport.markdown(record, figures: [norm, deficit, features])
    parts.figures = [(norm, Data(SuppressionReport.normFigure(record).utf8)), (deficit, Data(SuppressionReport.deficitFigure(record).utf8)),
                     (features, Data(SuppressionReport.featureFigure(record).utf8))]
    return parts
  }
}
