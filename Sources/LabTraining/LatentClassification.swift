import LabNumerics

/// Each latent as a detector of its best-matching true feature (ANCHORS §3.4, SAELens 6.54
/// `ClassificationMetricsCalculator`): a latent fires where its code is ≠ 0, its feature where the
/// true activation is > 0; precision, recall, F1 and accuracy per latent, any undefined value 0,
/// and their means over all latents, dead ones included.
public struct LatentClassification: Sendable, Equatable {
  /// Per latent: true positives, false positives, false negatives, true negatives.
  public var truePositives: [Int], falsePositives: [Int], falseNegatives: [Int], trueNegatives: [Int]

  /// Counts for `codes` (N×F) against `trueCodes` (N×K), latent j judged against feature `bestFeatures[j]`
  /// (``FeatureMatching/bestFeatures``).
  public init<Scalar: LinearAlgebraScalar>(codes: Matrix<Scalar>, trueCodes: Matrix<Double>, bestFeatures: [Int]) {
    precondition(codes.rows == trueCodes.rows && bestFeatures.count == codes.columns,
                 "Codes \(codes.rows)×\(codes.columns), true codes \(trueCodes.rows)×\(trueCodes.columns), \(bestFeatures.count) matches.")
    let f = codes.columns
    truePositives = Array(repeating: 0, count: f); falsePositives = truePositives
    falseNegatives = truePositives; trueNegatives = truePositives
    for n in 0..<codes.rows {
      for j in 0..<f {
        switch (codes[n, j] != 0, trueCodes[n, bestFeatures[j]] > 0) {
        case (true, true): truePositives[j] += 1
        case (true, false): falsePositives[j] += 1
        case (false, true): falseNegatives[j] += 1
        case (false, false): trueNegatives[j] += 1
        }
      }
    }
  }

  /// `a / b`, or 0 when `b` is 0.
  private static func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }

  /// Precision TP / (TP + FP) per latent.
  public var precisions: [Double] { (0..<truePositives.count).map { Self.ratio(Double(truePositives[$0]), Double(truePositives[$0] + falsePositives[$0])) } }
  /// Recall TP / (TP + FN) per latent.
  public var recalls: [Double] { (0..<truePositives.count).map { Self.ratio(Double(truePositives[$0]), Double(truePositives[$0] + falseNegatives[$0])) } }
  /// F1 = 2PR / (P + R) per latent.
  public var f1Scores: [Double] { zip(precisions, recalls).map { Self.ratio(2 * $0 * $1, $0 + $1) } }
  /// Accuracy (TP + TN) / N per latent.
  public var accuracies: [Double] {
    (0..<truePositives.count).map {
      Self.ratio(Double(truePositives[$0] + trueNegatives[$0]),
                 Double(truePositives[$0] + falsePositives[$0] + falseNegatives[$0] + trueNegatives[$0]))
    }
  }

  /// The mean of `values`.
  private static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(1, values.count)) }
  /// Mean precision over all latents.
  public var meanPrecision: Double { Self.mean(precisions) }
  /// Mean recall over all latents.
  public var meanRecall: Double { Self.mean(recalls) }
  /// Mean F1 over all latents.
  public var meanF1: Double { Self.mean(f1Scores) }
  /// Mean accuracy over all latents.
  public var meanAccuracy: Double { Self.mean(accuracies) }
}
