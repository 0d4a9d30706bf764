import ArgumentParser
import Foundation
import LabChecks
import LabExperiments
import LabFormats
import LabGenerators
import LabNumerics
import LabRandom
import LabTraining

/// `lab eval`: SynthSAEBench's metrics and the ground-truth absorption of an SAE on a SAELens
/// synthetic world, written as `metrics.json`.
struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate an SAE against a SAELens synthetic model's ground truth (SynthSAEBench metrics, absorption); write metrics.json.",
    discussion: """
      The SAE (a SAELens directory, written by lab train or by sae-lens) is evaluated as saved —
      for batchtopk and matryoshka, the JumpReLU threshold, not the batch-wide top-k of training —
      on held-out samples: --samples N fresh samples (default 100,000) of the model's held-out
      stream of --seed S (the stream 'eval' of the seed, so never the rows lab generate
      --from-saelens draws with the same seed), or the given --eval-data X.npy with the true codes
      --eval-codes codes.npy that made it. The metrics are those of sae-lens 6.54
      sae_lens/synthetic/evals.py: mcc (mean |cos| over the Hungarian pairs), uniqueness,
      precision, recall, f1 (per latent against its best-|cos| feature, averaged over all
      latents), explainedVariance, l0, trueL0, deadLatents, shrinkage. absorption holds, per
      hierarchy edge child → parent, the gap P(parent latent fires | parent ∧ ¬child) − P(parent
      latent fires | parent ∧ child) (the parent latent is the parent's Hungarian match), the
      splitting counts of both features, and the theory's prediction: whether the pair test
      (PC_child→parent) at the ground-truth dictionary fails (Thm 6.1 in docs/theory-guide.md).
      With --control-sae DIR (a narrower SAE whose latents this SAE's first latents continue),
      hedging holds the hedging rate of Chanin et al. 2025: how far the shared latents' unit
      decoder rows moved into the span of the added latents, beyond what random added rows would
      explain (50 Gaussian draws from the seed's stream 'hedging'); 0 means no hedging.

      Examples:
        lab eval --sae sae --truth-model model --out metrics.json
        lab eval --sae sae --truth-model model --samples 20000 --seed 3 --out metrics.json
        lab eval --sae sae --truth-model model --eval-data X.npy --eval-codes Z.npy --out m.json
        lab eval --sae wide --control-sae narrow --truth-model model --out metrics.json
      """)

  @Option(name: .long, help: ArgumentHelp("The SAE, a SAELens directory (cfg.json, sae_weights.safetensors).", valueName: "dir"))
  var sae: String

  @Option(name: .long, help: ArgumentHelp("The SAELens synthetic-model directory whose ground truth is used.", valueName: "dir"))
  var truthModel: String

  @Option(name: .long, help: ArgumentHelp("Fresh evaluation samples (default 100000; not with --eval-data).", valueName: "N"))
  var samples: Int?

  @Option(name: .long, help: "Root seed of the fresh evaluation samples (default 0; not with --eval-data).")
  var seed: UInt64?

  @Option(name: .long, help: ArgumentHelp("Evaluation inputs, N×H .npy (with --eval-codes).", valueName: "X.npy"))
  var evalData: String?

  @Option(name: .long, help: ArgumentHelp("The true codes of --eval-data, N×F .npy.", valueName: "codes.npy"))
  var evalCodes: String?

  @Option(name: .long, help: ArgumentHelp("Output JSON file.", valueName: "metrics.json"))
  var out: String

  @Option(name: .customLong("control-sae"),
          help: ArgumentHelp("A narrower SAE whose latents --sae's first latents continue; adds the hedging rate.", valueName: "dir"))
  var controlSAE: String?

  @OptionGroup var threading: ThreadOptions

  func run() throws {
    let source: SynthBenchRun.Source
    switch (evalData, evalCodes) {
    case let (data?, codes?):
      guard samples == nil, seed == nil else { throw BadInput.fail("'--eval-data' takes no '--samples' or '--seed'") }
      source = .files(data: data, codes: codes)
    case (nil, nil):
      source = .fresh(samples: samples ?? SynthBenchRun.defaultSamples, seed: seed ?? 0)
    default:
      throw BadInput.fail("'--eval-data' and '--eval-codes' go together")
    }
    try OutputCheck.validate([.file("--out", out, createsFolder: true)],
                             inputs: [sae, truthModel, evalData, evalCodes, controlSAE].compactMap { $0 })
    BLAS.setThreadCount(threading.threads)
    let autoencoder = try SynthBenchRun.readSAE(sae)
    let control = try controlSAE.map(SynthBenchRun.readSAE)
    var record = try SynthBenchRun.evaluate(autoencoder, sae: sae, truthModel: truthModel, source: source)
    if let control, let controlSAE {
      record.hedging = try SynthBenchRun.hedging(autoencoder, control: control, controlPath: controlSAE, seed: seed ?? 0)
    }
    try AtomicWriter.write([(out, try SynthBenchRun.encoded(record))])
    print("{\"mcc\":\(record.mcc),\"f1\":\(record.f1),\"explainedVariance\":\(record.explainedVariance),\"l0\":\(record.l0),\"out\":\(Train.jsonString(out))}")
  }
}

/// The evaluation behind `lab eval` and `lab train --truth-model`.
enum SynthBenchRun {
  /// SynthSAEBench's default number of evaluation samples.
  static let defaultSamples = 100_000
  /// The rows encoded at once.
  static let chunkRows = 4096
  /// Where the samples came from.
  enum Source {
    /// `samples` fresh rows of the model's stream "eval" of `seed`.
    case fresh(samples: Int, seed: UInt64)
    /// Inputs and their true codes from files.
    case files(data: String, codes: String)
  }

  /// One hierarchy edge in `metrics.json`.
  struct Edge: Codable {
    var child: Int, parent: Int
    var parentLatent: Int?
    var gap: Double?, firingWithoutChild: Double?, firingWithChild: Double?
    var parentOnlySamples: Int, bothSamples: Int
    var parentSplitting: Int, childSplitting: Int
    /// THEORY §6.1's prediction: the pair test (PC_child→parent) at the true dictionary and codes fails.
    var pairTestFails: Bool
    var pairCosine: Double, pairHullLow: Double?, pairHullHigh: Double?
  }

  /// The absorption summary in `metrics.json`.
  struct Absorption: Codable {
    /// Hierarchy edges, and those with a defined gap.
    var edges: Int, measuredEdges: Int
    /// The mean gap over the measured edges (nil with none).
    var meanGap: Double?
    /// Measured edges the theory predicts to absorb (pair test fails), and their mean gap; the same for the others.
    var predictedEdges: Int, meanGapPredicted: Double?, otherEdges: Int, meanGapOther: Double?
    /// True features with more than one latent (split), and with none.
    var splitFeatures: Int, untrackedFeatures: Int
    var perEdge: [Edge]
  }

  /// `metrics.json`.
  struct Record: Codable {
    var definitions = "sae-lens 6.54.12 sae_lens/synthetic/evals.py"
    var sae: String, truthModel: String
    var samples: Int
    var seed: UInt64?, evalData: String?, evalCodes: String?
    var mcc: Double, uniqueness: Double, precision: Double, recall: Double, f1: Double
    var explainedVariance: Double, l0: Double, trueL0: Double, deadLatents: Int, shrinkage: Double
    var absorption: Absorption
    /// `lab train` of batchtopk or matryoshka: the same metrics with the training-time encoder (batch-wide top-k
    /// over batches of the training batch size), beside the saved JumpReLU encoder's above.
    var trainingEncoder: SynthBenchMetrics?
    /// With `--control-sae`: the hedging rate of the shared latents.
    var hedging: HedgingRate?
  }

  /// The hedging rate of `autoencoder` against the narrower `control` (read from `controlPath`),
  /// its Gaussian baselines drawn from the stream "hedging" of `seed`.
  static func hedging(_ autoencoder: SparseAutoencoder<Float>, control: SparseAutoencoder<Float>, controlPath: String,
                      seed: UInt64) throws -> HedgingRate {
    let wide = autoencoder.parameters, narrow = control.parameters
    guard narrow.inputDimension == wide.inputDimension, narrow.width < wide.width else {
      throw BadInput.fail("'--control-sae' \(controlPath) has d_in \(narrow.inputDimension) and d_sae \(narrow.width); "
        + "it needs d_in \(wide.inputDimension) and fewer latents than the SAE's \(wide.width)")
    }
    func rows(_ d: Matrix<Float>) -> Matrix<Double> { Matrix(rows: d.rows, columns: d.columns, storage: d.storage.map(Double.init)) }
    do {
      return try HedgingRate.measure(control: rows(narrow.decoderWeights), extended: rows(wide.decoderWeights),
                                     seed: SeedTree(root: seed).seed(for: "hedging"))
    } catch { throw BadInput.fail("'--control-sae' \(controlPath): \(error)") }
  }

  /// The file `lab train --truth-model` writes into its `--out` directory.
  static let metricsFile = "metrics.json"

  /// The SAE in `directory`, refused unless its `cfg.json` says float32 (the precision sae-lens
  /// evaluates a float32 SAE in, and the one computed here).
  static func readSAE(_ directory: String) throws -> SparseAutoencoder<Float> {
    let configPath = URL(fileURLWithPath: directory).appendingPathComponent(SAELensFormat.configFile).path
    if let data = FileManager.default.contents(atPath: configPath),
       let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
       let dtype = object["dtype"], dtype as? String != "float32" {
      throw BadInput.fail("\(configPath): 'dtype' must be \"float32\", got \(dtype)")
    }
    do { return try SAELensFormat.read(from: directory) } catch { throw BadInput.fail("\(error)") }
  }

  /// The synthetic model in `directory` (its reader checks every tensor finite and bounded).
  static func readModel(_ directory: String) throws -> SAELensSyntheticModel {
    // The reader refuses non-finite and overflowing tensors itself, naming the tensor and entry.
    do { return try SAELensSyntheticModel(directory: directory) } catch { throw BadInput.fail("\(error)") }
  }

  /// Evaluates `autoencoder` (read from `sae`) against the model in `truthModel` on `source`.
  static func evaluate(_ autoencoder: SparseAutoencoder<Float>, sae: String, truthModel: String, source: Source) throws -> Record {
    let model = try readModel(truthModel)
    let evaluation = try evaluation(autoencoder, sae: sae, model: model, truthModel: truthModel, source: source, chunkRows: chunkRows)
    let m = evaluation.metrics
    var seed: UInt64?, evalData: String?, evalCodes: String?
    switch source {
    case .fresh(_, let s): seed = s
    case .files(let data, let codes): (evalData, evalCodes) = (data, codes)
    }
    return Record(sae: sae, truthModel: truthModel, samples: m.samples, seed: seed, evalData: evalData,
                  evalCodes: evalCodes, mcc: m.mcc, uniqueness: m.uniqueness, precision: m.precision, recall: m.recall, f1: m.f1,
                  explainedVariance: m.explainedVariance, l0: m.l0, trueL0: m.trueL0, deadLatents: m.deadLatents, shrinkage: m.shrinkage,
                  absorption: absorption(evaluation, truth: model.featureVectors))
  }

  /// The evaluation of `autoencoder` on `source`, encoding `chunkRows` rows at a time.
  static func evaluation(_ autoencoder: SparseAutoencoder<Float>, sae: String, model: SAELensSyntheticModel, truthModel: String,
                         source: Source, chunkRows: Int) throws -> SynthBenchEvaluation {
    let configPath = URL(fileURLWithPath: sae).appendingPathComponent(SAELensFormat.configFile).path
    let h = model.featureVectors.columns, k = model.featureVectors.rows
    guard autoencoder.parameters.inputDimension == h else {
      throw BadInput.fail("\(configPath): 'd_in' \(autoencoder.parameters.inputDimension) does not match the synthetic model's 'hidden_dim' \(h)")
    }
    var next: () throws -> (inputs: Matrix<Float>, trueCodes: Matrix<Double>)?
    switch source {
    case .fresh(let count, let seed):
      guard (1...100_000_000).contains(count) else { throw BadInput.fail("'--samples' must be in 1...100000000, got \(count)") }
      var generator: WorldGenerator
      do { generator = try model.generator(seed: SeedTree(root: seed).seed(for: "eval")) } catch {
        throw BadInput.fail("\(truthModel): \(error)")
      }
      var drawn = 0
      next = {
        guard drawn < count else { return nil }
        let rows = min(chunkRows, count - drawn)
        drawn += rows
        let batch = generator.next(rows)
        return (Matrix(rows: rows, columns: h, storage: batch.samples.storage.map(Float.init)), batch.codes)
      }
    case .files(let dataPath, let codesPath):
      let x: Matrix<Float>, c: Matrix<Double>
      do {
        x = try NumPyArray(contentsOf: dataPath).matrix(path: dataPath, role: "the evaluation inputs (N × H)")
        c = try NumPyArray(contentsOf: codesPath).matrix(path: codesPath, role: "the true codes (N × F)")
      } catch { throw BadInput.fail("\(error)") }
      guard x.columns == h else { throw BadInput.fail("\(dataPath): the inputs have \(x.columns) columns, the synthetic model's 'hidden_dim' is \(h)") }
      guard c.columns == k else { throw BadInput.fail("\(codesPath): the codes have \(c.columns) columns, the synthetic model's 'num_features' is \(k)") }
      guard c.rows == x.rows, x.rows >= 1 else {
        throw BadInput.fail("\(codesPath): the codes have \(c.rows) rows, the inputs \(dataPath) \(x.rows) (at least 1)")
      }
      var start = 0
      next = {
        guard start < x.rows else { return nil }
        let rows = min(chunkRows, x.rows - start)
        defer { start += rows }
        return (Matrix(rows: rows, columns: h, storage: Array(x.storage[(start * h)..<((start + rows) * h)])),
                Matrix(rows: rows, columns: k, storage: Array(c.storage[(start * k)..<((start + rows) * k)])))
      }
    }
    return try SynthBenchEvaluation.evaluate(autoencoder, truth: model.featureVectors, parents: model.parents, next: next)
  }

  /// The absorption summary, each edge beside the pair test at the true dictionary (with a free bias).
  static func absorption(_ evaluation: SynthBenchEvaluation, truth: Matrix<Double>) -> Absorption {
    let n = Double(evaluation.absorption.samples)
    let norms = (0..<truth.rows).map { max(truth.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-8) }
    let splits = evaluation.latentsPerFeature
    let edges = evaluation.absorption.edges.map { e in
      let cosine = zip(truth.row(e.child), truth.row(e.parent)).reduce(0) { $0 + $1.0 * $1.1 } / (norms[e.child] * norms[e.parent])
      let silent = PairCondition.SilentStatistics(count: e.silentCount, minimum: e.silentMinimum, maximum: e.silentMaximum,
                                                  active: e.silentActive)
      let pair = PairCondition(i: e.child, j: e.parent, cosine: cosine, donorMean: e.childMass / n, silent: silent, hasBias: true)
      return Edge(child: e.child, parent: e.parent, parentLatent: e.parentLatent, gap: e.gap, firingWithoutChild: e.firingWithoutChild,
                  firingWithChild: e.firingWithChild, parentOnlySamples: e.parentOnly, bothSamples: e.both,
                  parentSplitting: splits[e.parent], childSplitting: splits[e.child], pairTestFails: !pair.pass,
                  pairCosine: cosine, pairHullLow: pair.hullLow, pairHullHigh: pair.hullHigh)
    }
    func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    let measured = edges.filter { $0.gap != nil }
    let predicted = measured.filter(\.pairTestFails), other = measured.filter { !$0.pairTestFails }
    return Absorption(edges: edges.count, measuredEdges: measured.count, meanGap: mean(measured.compactMap(\.gap)),
                      predictedEdges: predicted.count, meanGapPredicted: mean(predicted.compactMap(\.gap)),
                      otherEdges: other.count, meanGapOther: mean(other.compactMap(\.gap)),
                      splitFeatures: splits.filter { $0 > 1 }.count, untrackedFeatures: splits.filter { $0 == 0 }.count, perEdge: edges)
  }

  /// The record as pretty-printed JSON with sorted keys (absent values omitted), ending in a newline.
  static func encoded(_ record: Record) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return try encoder.encode(record) + Data("\n".utf8)
  }
}
