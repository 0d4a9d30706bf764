import Foundation
import LabFormats
import LabNumerics
import LabTraining
import Testing

/// Our ground-truth metrics against the values sae-lens 6.54.12 computed on the same small fixed
/// inputs (`Fixtures/make_saelens_metrics_fixture.py`, float64 tensors).
@Suite struct GroundTruthGoldenTests {
  struct Expected: Decodable {
    var saeLensVersion: String
    var mcc: Double, uniqueness: Double, precision: Double, recall: Double, f1: Double, accuracy: Double
    var hungarianRows: [Int], hungarianColumns: [Int]
    var shrinkage: Double, explainedVariance: Double, relativeReconstructionBias: Double
  }

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/saelens-metrics")

  static func matrix(_ name: String) throws -> Matrix<Double> {
    let path = directory.appendingPathComponent("\(name).npy").path
    return try NumPyArray(contentsOf: path).matrix(path: path, role: name)
  }

  static func expected() throws -> Expected {
    try JSONDecoder().decode(Expected.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json")))
  }

  @Test("MCC, its Hungarian pairs and uniqueness equal SAELens's") func matching() throws {
    let expected = try Self.expected()
    #expect(expected.saeLensVersion == "6.54.12")
    let matching = FeatureMatching(decoder: try Self.matrix("decoder"), truth: try Self.matrix("truth"))
    #expect(matching.pairs.map(\.latent) == expected.hungarianRows)
    #expect(matching.pairs.map(\.feature) == expected.hungarianColumns)
    #expect(abs(matching.meanCorrelationCoefficient - expected.mcc) <= 1e-12)
    #expect(matching.uniqueness == expected.uniqueness)
  }

  @Test("explained variance, shrinkage and relative reconstruction bias equal SAELens's") func reconstruction() throws {
    let expected = try Self.expected()
    var statistics = ReconstructionStatistics(dimension: 6)
    statistics.add(inputs: try Self.matrix("x"), reconstructions: try Self.matrix("reconstruction"))
    #expect(abs(statistics.explainedVariance - expected.explainedVariance) <= 1e-12)
    #expect(abs(statistics.shrinkage - expected.shrinkage) <= 1e-12)
    #expect(abs(statistics.relativeReconstructionBias - expected.relativeReconstructionBias) <= 1e-12)
  }

  /// SAELens accumulates the counts and ratios in float32, so its means carry ~1e−7 relative error.
  @Test("per-latent precision, recall, F1 and accuracy means equal SAELens's") func classification() throws {
    let expected = try Self.expected()
    let matching = FeatureMatching(decoder: try Self.matrix("decoder"), truth: try Self.matrix("truth"))
    let c = LatentClassification(codes: try Self.matrix("codes"), trueCodes: try Self.matrix("true_codes"), bestFeatures: matching.bestFeatures)
    for (ours, theirs) in [(c.meanPrecision, expected.precision), (c.meanRecall, expected.recall), (c.meanF1, expected.f1),
                           (c.meanAccuracy, expected.accuracy)] {
      #expect(abs(ours - theirs) <= 1e-6)
    }
  }
}
