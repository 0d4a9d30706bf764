import Foundation
import LabGenerators

/// Renders the universality experiment's record as Markdown and its feature-frequency figure; both
/// are functions of the record alone.
enum UniversalityReport {
  static func figureName(_ toy: UniversalityToy) -> String { "\(toy.id)-frequencies.svg" }

  static func markdown(_ record: UniversalityExperiment.Record) -> ReportParts {
    let toy = record.toy
    func f(_ v: Double?) -> String { Figures.format(v, digits: 3) }
    let source = "seeds/002_648532fc9a35e5aa.txt (Sparse Autoencoder Universality)"
    var out = ""

    var setup = MarkdownTable("parameter", "value")
    let w = toy.world
    setup.add("world", "\(w.featureCount) independent features in m = \(toy.dimension) (random unit directions), each firing with probability \(firing(w)), magnitude max(0, 1 + 0.25ε)")
    setup.add("samples", "\(toy.trainingSamples) training rows per SAE input; \(toy.evaluationSamples) held-out rows of the world for every metric")
    setup.add("SAEs", "ReLU-L1 (SAELens `standard`), L1 coefficient \(Figures.format(toy.training.l1)), Adam lr \(Figures.format(toy.training.learningRate)), batch \(toy.training.batchSize), \(toy.training.steps) steps; ratios \(toy.ratios.map { "\($0)×" }.joined(separator: ", ")), \(toy.seedsPerRatio) seeds each")
    setup.add("variants at \(toy.referenceRatio)×", "another sample stream of the same world; a world keeping \(Figures.format(toy.sharedFraction)) of the features (the rest re-drawn); a world with foreign directions")
    setup.add("metrics", "MCS: mean over one decoder's rows of the largest cosine with the other's rows; correlation: mean over one SAE's live latents of the largest Pearson correlation of held-out activations with the other's live latents")
    setup.add("root seed", String(toy.seed))
    setup.add("seeds", "\(toy.replicates) independent seeds (world, samples, training and random decoders all re-drawn); the tables and figure below show seed 0")

    out += "## Why this world\n\nThe source trained SAEs of 1× to 32× on language-model activations, whose features far outnumber any SAE's latents. "
      + "Here too the world has more features (\(w.featureCount)) than the widest SAE has latents (\((toy.ratios.last ?? 1) * toy.dimension)), so every SAE, small or large, must choose which features to keep, as in the source; "
      + "a world that the larger SAEs could hold entirely and the smaller could not would decide the size findings (consistency lowest at 1×, small→large above large→small) by capacity alone. "
      + "The random-weight baseline depends only on the dimension and the width (about 0.5 in m = \(toy.dimension)), so the source's \"about 0.15, below 0.2\" is tested at its own dimension, d = \(record.randomBaselineAtSeedDimension.dimension), with random decoders that need no training; "
      + "the findings that compare trained SAEs with a baseline use the baseline of this world's dimension.\n\n"
    var models = MarkdownTable("SAE", "width", "explained variance", "L0", "dead", "MMCS to the truth", "live latents → truth")
    for model in record.models {
      models.add(model.name, String(model.width), f(model.explainedVariance), Figures.format(model.l0, digits: 3), String(model.deadLatents), f(model.truthMMCS),
                 f(model.liveLatentTruthMCS))
    }
    out += "## The SAEs\n\n" + models.text + "\n"
    out += "## Across seeds\n\n" + comparisonTable(record.seedPairs).text + "\n"
    out += "## Across sizes (seed 0; from the smaller to the larger and back)\n\n" + comparisonTable(record.sizePairs).text + "\n"
    out += "## Across sample streams and worlds (at \(toy.referenceRatio)×)\n\n" + comparisonTable(record.variants).text + "\n"
    out += "## Random-decoder baselines\n\nEach seed-0 SAE against random Gaussian rows of its width (no activations).\n\n"
      + comparisonTable(record.randomBaselines).text + "\n"
      + "At the source's dimension: two random decoders of \(record.randomBaselineAtSeedDimension.width) Gaussian rows in d = \(record.randomBaselineAtSeedDimension.dimension) have MCS \(f(record.randomBaselineAtSeedDimension.mmcs)).\n\n"
    out += "## Feature frequencies\n\n![Histogram of the latents' firing frequencies on the held-out samples, one line per ratio](\(figureName(toy)))\n\n"
    return ReportParts(source: source, setup: setup, results: out)
  }

  private static func comparisonTable(_ comparisons: [UniversalityExperiment.Comparison]) -> MarkdownTable {
    var table = MarkdownTable("from", "to", "MCS →", "MCS ←", "correlation →", "correlation ←")
    for c in comparisons {
      table.add(c.from, c.to, Figures.format(c.cosineForward, digits: 3), Figures.format(c.cosineBackward, digits: 3),
                Figures.format(c.correlationForward, digits: 3), Figures.format(c.correlationBackward, digits: 3))
    }
    return table
  }

  private static func firing(_ world: IndependentWorld) -> String {
    if case .constant(let p) = world.firing { return Figures.format(p) }
    return "as the toy's `firing` profile"
  }

  /// Fraction of live latents per bin of log₁₀(frequency), one line per ratio (seed 0).
  static func frequencyFigure(_ record: UniversalityExperiment.Record) -> String {
    let bins = 24, low = -4.0, high = 0.0
    let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    var lines: [(ratio: Int, points: [(Double, Double)])] = []
    for ratio in record.toy.ratios {
      guard let model = record.models.first(where: { $0.name == "\(ratio)x-seed-0" }) else { continue }
      let live = model.frequencies.filter { $0 > 0 }
      var counts = [Int](repeating: 0, count: bins)
      for value in live {
        let position = (log10(value) - low) / (high - low) * Double(bins)
        counts[Int(min(Double(bins - 1), max(0, position)))] += 1
      }
      let total = Double(max(1, live.count))
      lines.append((ratio, counts.enumerated().map { (low + (Double($0.offset) + 0.5) * (high - low) / Double(bins), Double($0.element) / total) }))
    }
    let top = lines.flatMap { $0.points.map(\.1) }.max() ?? 1
    var plot = SVGPlot(x: low...high, y: 0...max(top, 0.01), title: "Firing frequency of the latents on held-out samples",
                       xLabel: "log10(firing frequency)", yLabel: "fraction of live latents")
    for (row, line) in lines.enumerated() {
      plot.polyline(line.points, color: colors[row % colors.count], legend: "\(line.ratio)×")
    }
    return plot.document
  }
}

extension UniversalityExperiment.Results {
  /// The report's parts and figures, from the record alone.
  public static func report(_ record: UniversalityExperiment.Record) throws -> ReportParts {
    var parts = UniversalityReport.markdown(record)
    parts.figures = [(UniversalityReport.figureName(record.toy), Data(UniversalityReport.frequencyFigure(record).utf8))]
    return parts
  }
}
