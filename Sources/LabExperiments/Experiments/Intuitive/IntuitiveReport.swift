import Foundation

/// Renders the intuitive-SAE experiment's record as Markdown; a function of the record alone.
extension IntuitiveExperiment.Results {
  /// The report's parts, from the record alone.
  public static func report(_ record: IntuitiveExperiment.Record) throws -> ReportParts {
    let toy = record.toy, w = toy.world, t = toy.training
    func f(_ v: Double) -> String { Figures.format(v, digits: 3) }
    var setup = MarkdownTable("parameter", "value")
    setup.add("world", "\(w.featureCount) independent features in m = \(w.embedding.inputDimension) (random unit directions), magnitude max(0, 1 + 0.25ε)")
    setup.add("samples", "\(toy.trainingSamples) training rows; \(toy.evaluationSamples) held-out rows for every metric")
    setup.add("SAEs", "ReLU-L1 (SAELens `standard`), \(t.width) latents (≥ the \(w.featureCount) features), Adam lr \(Figures.format(t.learningRate)), batch \(t.batchSize), \(t.steps) steps; L1 coefficients \(toy.l1Coefficients.map { Figures.format($0) }.joined(separator: ", ")) (the middle one is the reference SAE)")
    setup.add("seeds", "\(toy.replicates) independent seeds (world, samples and training re-drawn); the table below shows seed 0")
    setup.add("root seed", String(toy.seed))
    var table = MarkdownTable("L1 coefficient", "L0", "FVU", "dead", "MMCS to the truth", "median encoder–decoder cosine", "live latents")
    for p in record.points {
      table.add(Figures.format(p.l1), f(p.l0), f(p.fractionOfVarianceUnexplained), String(p.deadLatents), f(p.truthMMCS),
                f(median(p.encoderDecoderCosines)), String(p.encoderDecoderCosines.count))
    }
    let results = "## Why this world\n\nThe source's claims are about SAEs trained on a language model, where the features are unknown. On a world of known features with as many latents as needed, \"a decoder vector is a feature's representation\" becomes a measurement (the cosine of each true feature with its best decoder row), and the encoder–decoder cosine and the L0–reconstruction trade-off are measured as the source measures them. The claims of the source that need a language model (loss recovered, interpretability of maximally activating inputs, steering) are not tested here.\n\n"
      + "## The SAEs (seed 0)\n\n" + table.text + "\n"
    return ReportParts(source: "seeds/001_161c40af4b20d3e3.txt (An Intuitive Explanation of Sparse Autoencoders)", setup: setup, results: results)
  }
}
