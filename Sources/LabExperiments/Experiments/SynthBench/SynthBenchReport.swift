import Foundation
import LabGenerators
import LabTraining

/// Renders the synth-bench record as Markdown and a figure of precision and recall against L0 (the
/// mean over seeds per architecture); functions of the record alone.
enum SynthBenchReport {
  typealias Record = SynthBenchExperiment.Record
  typealias Architecture = SynthBenchToy.Architecture

  static let colors: [Architecture: String] = [.standardL1: "#1f77b4", .batchTopK: "#ff7f0e", .matryoshka: "#2ca02c", .jumpReLU: "#d62728",
                                               .matchingPursuit: "#9467bd"]

  static func figureName(_ toy: SynthBenchToy) -> String { "\(toy.id)-precision-recall.svg" }

  /// The mean ± standard error over seeds of `path` for one architecture and target L0.
  static func estimate(_ record: Record, _ a: Architecture, _ k: Int, _ path: KeyPath<SynthBenchMetrics, Double>,
                       encoder: KeyPath<SynthBenchExperiment.SAEResult, SynthBenchMetrics?> = \.optionalMetrics) -> SeedEstimate {
    SeedEstimate(record.saes.filter { $0.architecture == a && $0.targetL0 == k }.compactMap { $0[keyPath: encoder]?[keyPath: path] })
  }

  /// "0.732 ± 0.004".
  static func text(_ e: SeedEstimate) -> String {
    e.seeds == 0 ? "—" : "\(Figures.format(e.mean, digits: 3)) ± \(Figures.format(e.standardError, digits: 2))"
  }

  static func markdown(_ record: Record) -> ReportParts {
    let toy = record.toy, c = toy.active, w = c.world, k = SynthBenchVerdict.comparisonL0(toy)
    let h = w.hierarchy
    var setup = MarkdownTable("parameter", "value")
    setup.add("configuration", "**\(toy.configuration)** (of published, reduced, quick; every value below is of this configuration)")
    setup.add("world", "SAELens's synthetic-model family (ANCHORS §3.6): \(w.featureCount) features in \(w.embedding.inputDimension) dimensions (random unit directions, bias of norm \(Figures.format(w.embedding.bias))), Zipf firing (exponent 0.5, max 0.4, min \(zipfMinimum(w))), a forest of \(h.roots ?? 0) root\(h.roots == 1 ? "" : "s") with branching 4 and depth 3, every parent's children mutually exclusive (at most one), probabilities compensated, children scaled by their parent; low-rank copula correlation (rank 25, scale 0.1); magnitudes ReLU(μ + σε) with μ linear 5 → 4 and σ folded-normal(0.5, 0.5)")
    setup.add("SAEs", "width \(c.width); \(toy.architectures.map(\.rawValue).joined(separator: ", ")) at target L0 \(toy.targetL0s.map(String.init).joined(separator: ", ")) (`lab train --arch A --k L0`); matryoshka inner widths \(c.prefixes.map(String.init).joined(separator: ", ")); batchtopk and matryoshka with SAELens's auxiliary loss on dead latents (k_aux = d/2 = \(min(c.width, max(1, w.embedding.inputDimension / 2)))); relu-l1 and jumprelu steered to the target by the lab's target-L0 controller")
    setup.add("jumprelu", "sae-lens 6.54's `JumpReLUTrainingSAE` (\"step\" L0 loss, bandwidth \(Figures.format(JumpReLUTrainingArchitecture.defaultBandwidth)), thresholds initialised at \(Figures.format(JumpReLUTrainingArchitecture.initialThreshold))); the controller starts c at \(Figures.format(JumpReLUTrainingArchitecture.initialCoefficient)) (sae-lens's `l0_coefficient` default); the thresholds learn at \(Figures.format(c.thresholdLearningRateFactor)) × the weights' learning rate" + (c.thresholdLearningRateFactor == 1 ? " (as sae-lens)" : " — a departure from sae-lens (1 ×): Adam moves a threshold by about its learning rate per step, so at 1 × these \(c.steps) steps at lr \(Figures.format(c.learningRate)) move a threshold at most about \(Figures.format(Double(c.steps) * c.learningRate)), short of where the target L0s need them (sae-lens's recipe has 195k steps)"))
    setup.add("training", "Adam lr \(Figures.format(c.learningRate)), batch \(c.batchSize), \(c.steps) steps = \(c.trainingSamples) samples streamed from the world (chunks of at most \(SynthBenchExperiment.chunkRows) rows, each sample used once, none stored), no gradient clipping, no learning-rate or L1 warm-up")
    setup.add("metrics", "sae-lens 6.54 `eval_sae_on_synthetic_data` definitions (`SynthBenchMetrics`) on \(c.evaluationSamples) fresh samples of the world's evaluation stream, never training rows; the SAE as saved and read back, as sae-lens loads it")
    setup.add("seeds", "\(c.replicates) independent seeds (world, both sample streams and every initialisation re-drawn)")
    setup.add("root seed", String(toy.seed))

    var out = "## Which configuration produced these numbers\n\n"
      + "This report is of the **\(toy.configuration)** configuration. "
      + (toy.configuration == .published
         ? "Its sizes and recipe are SynthSAEBench-16k's, though its world is drawn by the lab's generator, not the published model file, and its L1 and JumpReLU controllers are the lab's.\n\n"
         : "It is not SynthSAEBench-16k: the world has \(w.featureCount) features in \(w.embedding.inputDimension) dimensions instead of 16,384 in 768, the SAEs \(c.width) latents instead of 4096 and \(c.trainingSamples) training samples instead of 200M. "
         + (toy.configuration == .quick
            ? "Its world is the reduced configuration's, its SAEs are narrower and train for \(c.steps) steps of \(c.batchSize) samples, far from converged: this report shows that the protocol runs end to end and is deterministic, and its `l0/target` check whether the controllers reach their targets in this budget; not how the architectures compare. "
            : "The Zipf minimum is raised so that the world's mean L0 stays near SynthSAEBench-16k's (≈ 34; measured below), keeping the target L0s meaningful. ")
         + "Its numbers sit beside the published ones for orientation; the findings compare architectures within this run, where they share a world, samples and budget. The published configuration is in `toys/synth-bench.json` (set `\"configuration\" : \"published\"`) for a cluster (`--sweep --shard i/n`).\n\n")
    let trueL0 = SeedEstimate(record.saes.map(\.metrics.trueL0))
    out += "The world's mean number of active features per evaluation sample is \(text(trueL0)) (over every SAE's evaluation, which all share each seed's evaluation samples).\n\n"

    var beside = MarkdownTable("architecture", "F1", "published", "MCC", "published", "uniqueness", "published", "explained variance", "published", "L0")
    for a in toy.architectures {
      let p = SynthBenchVerdict.published[a]
      func pub(_ v: Double?) -> String { v.map { Figures.format($0, digits: 3) } ?? "—" }
      beside.add(a.publishedName, text(estimate(record, a, k, \.f1)), pub(p?.f1), text(estimate(record, a, k, \.mcc)), pub(p?.mcc),
                 text(estimate(record, a, k, \.uniqueness)), pub(p?.uniqueness), text(estimate(record, a, k, \.explainedVariance)),
                 pub(p?.explainedVariance), text(estimate(record, a, k, \.l0)))
    }
    out += "## At L0 = \(k), beside the published table\n\n"
      + "Ours: mean ± standard error over \(c.replicates) seeds, the SAE as saved (batchtopk and matryoshka at inference use the JumpReLU threshold they learned, as sae-lens loads them). Published: SynthSAEBench-16k, sae-lens `docs/synth_sae_bench.md`, mean over 5 seeds.\n\n"
      + beside.text + "\n"

    var sweep = MarkdownTable("architecture", "target L0", "L0", "F1", "precision", "recall", "MCC", "uniqueness", "explained variance", "dead", "shrinkage")
    for a in toy.architectures {
      for l0 in toy.targetL0s {
        sweep.add(a.rawValue, String(l0), text(estimate(record, a, l0, \.l0)), text(estimate(record, a, l0, \.f1)), text(estimate(record, a, l0, \.precision)),
                  text(estimate(record, a, l0, \.recall)), text(estimate(record, a, l0, \.mcc)), text(estimate(record, a, l0, \.uniqueness)),
                  text(estimate(record, a, l0, \.explainedVariance)), text(estimate(record, a, l0, \.deadLatentCount)), text(estimate(record, a, l0, \.shrinkage)))
      }
    }
    out += "## Every architecture at every target L0\n\nMean ± standard error over seeds of the SAE as saved.\n\n"
      + "![Precision (solid) and recall (dashed) against the target L0, mean over seeds](\(figureName(toy)))\n\n" + sweep.text + "\n"

    var encoders = MarkdownTable("architecture", "target L0", "encoder", "L0", "F1", "precision", "recall", "explained variance")
    for a in toy.architectures where a.selectsBatchTopK {
      for l0 in toy.targetL0s {
        for (label, path) in [("as saved (JumpReLU threshold)", \SynthBenchExperiment.SAEResult.optionalMetrics), ("training-time (batch top k·B)", \.trainingEncoder)] {
          encoders.add(a.rawValue, String(l0), label, text(estimate(record, a, l0, \.l0, encoder: path)), text(estimate(record, a, l0, \.f1, encoder: path)),
                       text(estimate(record, a, l0, \.precision, encoder: path)), text(estimate(record, a, l0, \.recall, encoder: path)),
                       text(estimate(record, a, l0, \.explainedVariance, encoder: path)))
        }
      }
    }
    out += "## Saved against training-time encoder (batchtopk, matryoshka)\n\n"
      + "sae-lens saves a BatchTopK SAE as `jumprelu` with the threshold it learned, so the metrics above are of that encoder. The training-time encoder keeps the k·B largest codes of each batch of B = \(c.batchSize) evaluation rows; its figures are below beside the saved encoder's.\n\n"
      + encoders.text + "\n"

    var controllers = MarkdownTable("SAE", "sparsity coefficient", "threshold θ")
    for s in record.saes where s.replicate == 0 && (s.sparsityCoefficient != nil || s.threshold != nil) {
      controllers.add(s.name, Figures.format(s.sparsityCoefficient, digits: 4), Figures.format(s.threshold, digits: 4))
    }
    out += "## Learned sparsity controls (seed 0)\n\n" + controllers.text + "\n"
    return ReportParts(source: "SynthSAEBench (Chanin & Garriga-Alonso 2026, arXiv 2602.14687; sae-lens 6.54 `docs/synth_sae_bench.md`); issue 18 item 4",
                       setup: setup, results: out)
  }

  /// The Zipf profile's minimum, as the toy states it.
  static func zipfMinimum(_ world: TreeWorld) -> String {
    if case .zipf(_, _, let minimum) = world.firing { return Figures.format(minimum) }
    return "—"
  }

  /// Precision (solid) and recall (dashed) against target L0, the mean over seeds, one colour per architecture.
  static func figure(_ record: Record) -> String {
    let toy = record.toy
    let low = Double(toy.targetL0s.first!), high = Double(toy.targetL0s.last!)
    var plot = SVGPlot(x: (low - 1)...(high + 1), y: 0...1, title: "Precision (solid) and recall (dashed) against L0, mean over seeds",
                       xLabel: "target L0", yLabel: "precision / recall")
    for a in toy.architectures {
      let color = colors[a] ?? "#000"
      let precision = toy.targetL0s.map { (Double($0), estimate(record, a, $0, \.precision).mean) }.filter { $0.1.isFinite }
      let recall = toy.targetL0s.map { (Double($0), estimate(record, a, $0, \.recall).mean) }.filter { $0.1.isFinite }
      plot.polyline(precision, color: color, legend: "\(a.publishedName) precision")
      plot.polyline(recall, color: color, dash: "5,4", legend: nil)
    }
    return plot.document
  }
}

extension SynthBenchExperiment.SAEResult {
  /// The saved encoder's metrics, as an optional (to share key paths with ``trainingEncoder``).
  var optionalMetrics: SynthBenchMetrics? { metrics }
}

extension SynthBenchMetrics {
  /// Dead latents as a number, for means over seeds.
  var deadLatentCount: Double { Double(deadLatents) }
}

extension SynthBenchExperiment.Results {
  /// The report's parts and figure, from the record alone.
  public static func report(_ record: SynthBenchExperiment.Record) throws -> ReportParts {
    var parts = SynthBenchReport.markdown(record)
    parts.figures = [(SynthBenchReport.figureName(record.toy), Data(SynthBenchReport.figure(record).utf8))]
    return parts
  }
}
