import LabNumerics

/// SynthSAEBench's metrics of an SAE on samples of a synthetic world with known features, exactly
/// as sae-lens 6.54 `eval_sae_on_synthetic_data` defines them (`sae_lens/synthetic/evals.py`):
///
/// * `mcc`: the mean |cos| over the min(F, K) Hungarian pairs of decoder rows and true features on
///   the cost 1 − |cos| (``FeatureMatching/meanCorrelationCoefficient``; not the lab's MMCS);
/// * `uniqueness`: distinct best-|cos| features over the latents, divided by the width F (dead
///   latents included);
/// * `precision`, `recall`, `f1`: each latent a detector of its best-|cos| feature (a latent fires
///   where its code is ≠ 0, a feature where its code is > 0), per latent, 0 where undefined, then the
///   unweighted mean over all F latents (``LatentClassification``);
/// * `explainedVariance`: 1 − E‖x − x̂‖² / (E‖x‖² − ‖E x‖²) on the raw inputs, pooled over the
///   samples (``ReconstructionStatistics/explainedVariance``);
/// * `l0`: the mean number of codes ≠ 0 per sample, and `trueL0` the same of the true codes;
/// * `deadLatents`: latents whose code is 0 on every evaluation sample;
/// * `shrinkage`: the mean ‖x̂‖/‖x‖ over the samples with ‖x‖ > 1e−6.
public struct SynthBenchMetrics: Codable, Equatable, Sendable {
  /// The number of evaluation samples.
  public var samples: Int
  /// See the type's description.
  public var mcc: Double, uniqueness: Double, precision: Double, recall: Double, f1: Double
  /// See the type's description.
  public var explainedVariance: Double, l0: Double, trueL0: Double
  /// See the type's description.
  public var deadLatents: Int
  /// See the type's description.
  public var shrinkage: Double
}

/// Accumulates ``SynthBenchMetrics`` over batches of samples, so that any number of samples is
/// evaluated in bounded memory: sums in `Double`, counts in integers; the result depends only on the
/// samples added and their order.
public struct SynthBenchAccumulator: Sendable {
  /// How the decoder rows match the true features (depends on the weights only).
  public let matching: FeatureMatching
  /// For each latent, its best-|cos| true feature.
  public let bestFeatures: [Int]
  private var statistics: ReconstructionStatistics
  private var classification: LatentClassification?
  private var active = 0, trueActive = 0
  private var fired: [Bool]

  /// An empty accumulator for an SAE whose decoder rows are `decoder` (F×m, any norms) on a world
  /// whose true features are the rows of `truth` (K×m).
  public init<Scalar: LinearAlgebraScalar>(decoder: Matrix<Scalar>, truth: Matrix<Double>) {
    matching = FeatureMatching(decoder: decoder, truth: truth)
    bestFeatures = matching.bestFeatures
    statistics = ReconstructionStatistics(dimension: truth.columns)
    fired = Array(repeating: false, count: decoder.rows)
  }

  /// Adds a batch: inputs X (N×m), the SAE's codes Z (N×F) and reconstructions X̂ (N×m), and the
  /// true codes C (N×K) that made X.
  public mutating func add<Scalar: LinearAlgebraScalar>(inputs: Matrix<Scalar>, codes: Matrix<Scalar>, reconstructions: Matrix<Scalar>,
                                                        trueCodes: Matrix<Double>) {
    let f = fired.count
    precondition(codes.columns == f && codes.rows == inputs.rows && trueCodes.rows == inputs.rows
                 && trueCodes.columns == matching.cosines.columns, "A batch of inconsistent shapes.")
    statistics.add(inputs: inputs, reconstructions: reconstructions)
    let batch = LatentClassification(codes: codes, trueCodes: trueCodes, bestFeatures: bestFeatures)
    if var total = classification {
      for j in 0..<f {
        total.truePositives[j] += batch.truePositives[j]
        total.falsePositives[j] += batch.falsePositives[j]
        total.falseNegatives[j] += batch.falseNegatives[j]
        total.trueNegatives[j] += batch.trueNegatives[j]
      }
      classification = total
    } else {
      classification = batch
    }
    for index in 0..<codes.storage.count where codes.storage[index] != 0 {
      active += 1
      fired[index % f] = true
    }
    trueActive += trueCodes.storage.reduce(0) { $1 != 0 ? $0 + 1 : $0 }
  }

  /// The metrics of the samples added so far (at least one).
  public var metrics: SynthBenchMetrics {
    precondition(statistics.count >= 1, "The metrics need at least one sample.")
    let c = classification!
    let n = Double(statistics.count)
    return SynthBenchMetrics(
      samples: statistics.count, mcc: matching.meanCorrelationCoefficient, uniqueness: matching.uniqueness,
      precision: c.meanPrecision, recall: c.meanRecall, f1: c.meanF1, explainedVariance: statistics.explainedVariance,
      l0: Double(active) / n, trueL0: Double(trueActive) / n, deadLatents: fired.reduce(0) { $1 ? $0 : $0 + 1 },
      shrinkage: statistics.shrinkage)
  }
}
