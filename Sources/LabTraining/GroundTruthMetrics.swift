import LabNumerics

/// Every metric of a candidate against the ground truth that generated its data (ANCHORS §3), as a
/// function of the inputs, the codes, the decoder and the truth only, so it applies to any
/// architecture and to exact dictionary learning alike. Each definition lives in the type named
/// beside its field.
public struct GroundTruthMetrics: Sendable, Equatable, Codable {
  /// Mean number of nonzero codes per sample, and the same count on the true codes.
  public var l0: Double, trueL0: Double
  /// ``ReconstructionStatistics``: MSE, explained variance (SAELens 6.54), shrinkage (SAELens's mean
  /// ratio), relative reconstruction bias γ, and the NSAE ratio of sums.
  public var meanSquaredError: Double, explainedVariance: Double, shrinkage: Double, relativeReconstructionBias: Double,
             normRatioOfSums: Double
  /// ``FeatureMatching``: MCC (Hungarian), uniqueness and the latents per true feature (splitting counts).
  public var mcc: Double, uniqueness: Double, latentsPerFeature: [Int]
  /// MMCS (``SAEMetrics/meanMaxCosineSimilarity(truth:decoder:)``).
  public var mmcs: Double
  /// ``LatentClassification``: means over all latents.
  public var precision: Double, recall: Double, f1: Double, accuracy: Double
  /// ``FeatureFrequency``.
  public var frequency: FeatureFrequency
  /// ``AbsorptionScore`` per parent, and the overall means.
  public var absorption: [AbsorptionScore], meanAbsorptionFraction: Double, fullAbsorptionRate: Double
  /// ``FeatureShrinkage`` per true feature.
  public var featureShrinkage: [FeatureShrinkage]

  /// The metrics of codes Z (N×F) with decoder D (F×m, any norms) and bias b (x̂ = b + ZD unless
  /// `reconstructions` are given) on inputs X (N×m), against the true features (K×m) and codes C (N×K);
  /// `parents` are the features with children, λ the L1 weight of the per-feature bound and
  /// `binEdges` its magnitude bins.
  public static func evaluate(inputs: Matrix<Double>, codes: Matrix<Double>, decoder: Matrix<Double>, bias: [Double],
                              reconstructions: Matrix<Double>? = nil, truth: Matrix<Double>, trueCodes: Matrix<Double>,
                              parents: [Int], lambda: Double, binEdges: [Double]) -> GroundTruthMetrics {
    let n = Double(inputs.rows)
    var xhat = reconstructions ?? codes.multiplied(by: decoder)
    if reconstructions == nil {
      for t in 0..<xhat.rows { for d in 0..<xhat.columns { xhat[t, d] += bias[d] } }
    }
    var statistics = ReconstructionStatistics(dimension: inputs.columns)
    statistics.add(inputs: inputs, reconstructions: xhat)
    let matching = FeatureMatching(decoder: decoder, truth: truth)
    let classification = LatentClassification(codes: codes, trueCodes: trueCodes, bestFeatures: matching.bestFeatures)
    let absorption = AbsorptionScore.measure(inputs: inputs, codes: codes, decoder: decoder, truth: truth, trueCodes: trueCodes,
                                             matching: matching, parents: parents)
    let overall = AbsorptionScore.overall(absorption)
    return GroundTruthMetrics(
      l0: Double(codes.storage.filter { $0 != 0 }.count) / n, trueL0: Double(trueCodes.storage.filter { $0 != 0 }.count) / n,
      meanSquaredError: statistics.meanSquaredError, explainedVariance: statistics.explainedVariance,
      shrinkage: statistics.shrinkage, relativeReconstructionBias: statistics.relativeReconstructionBias,
      normRatioOfSums: statistics.normRatioOfSums, mcc: matching.meanCorrelationCoefficient, uniqueness: matching.uniqueness,
      latentsPerFeature: matching.latentsPerFeature, mmcs: SAEMetrics.meanMaxCosineSimilarity(truth: truth, decoder: decoder),
      precision: classification.meanPrecision, recall: classification.meanRecall, f1: classification.meanF1,
      accuracy: classification.meanAccuracy, frequency: FeatureFrequency(codes: codes), absorption: absorption,
      meanAbsorptionFraction: overall.meanAbsorptionFraction, fullAbsorptionRate: overall.fullAbsorptionRate,
      featureShrinkage: FeatureShrinkage.measure(inputs: inputs, codes: codes, decoder: decoder, bias: bias, trueCodes: trueCodes,
                                                 matching: matching, lambda: lambda, binEdges: binEdges))
  }
}
