import Foundation
import LabFormats
import LabNumerics
import LabTraining
import Testing

/// SynthSAEBench's metrics against sae-lens 6.54.12's `eval_sae_on_synthetic_data` on the same SAE
/// (a JumpReLU SAE written by sae-lens), world and samples (`Fixtures/make_synthbench_fixture.py`).
@Suite struct SynthBenchGoldenTests {
  struct Expected: Decodable {
    var saeLensVersion: String
    var samples: Int, deadLatents: Int
    var mcc: Double, uniqueness: Double, precision: Double, recall: Double, f1: Double
    var explainedVariance: Double, l0: Double, trueL0: Double, shrinkage: Double
  }

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/synthbench")

  static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  static func evaluation(chunkRows: Int) throws -> SynthBenchEvaluation {
    let sae = try SAELensFormat.read(from: path("sae"))
    let weights = try SafeTensors(contentsOf: path("model/synthetic_model.safetensors"))
    let vectors = try #require(weights.tensors["feature_vectors"])
    let truth = Matrix(rows: vectors.shape[0], columns: vectors.shape[1], storage: vectors.values)
    let x: Matrix<Float> = try NumPyArray(contentsOf: path("x.npy")).matrix(path: "x.npy", role: "x")
    let codes: Matrix<Double> = try NumPyArray(contentsOf: path("codes.npy")).matrix(path: "codes.npy", role: "codes")
    var start = 0
    return SynthBenchEvaluation.evaluate(sae, truth: truth, parents: Array(repeating: nil, count: truth.rows)) {
      guard start < x.rows else { return nil }
      let rows = min(chunkRows, x.rows - start)
      defer { start += rows }
      return (Matrix(rows: rows, columns: x.columns, storage: Array(x.storage[(start * x.columns)..<((start + rows) * x.columns)])),
              Matrix(rows: rows, columns: codes.columns, storage: Array(codes.storage[(start * codes.columns)..<((start + rows) * codes.columns)])))
    }
  }

  /// sae-lens computes in float32 (the SAE, the cosines, the sums), so 1e−6 is its rounding, not slack.
  @Test("every metric agrees with sae-lens's to 1e-6, in one batch or in uneven chunks", arguments: [2000, 333])
  func agreement(chunkRows: Int) throws {
    let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.directory.appendingPathComponent("expected.json")))
    #expect(expected.saeLensVersion == "6.54.12")
    let m = try Self.evaluation(chunkRows: chunkRows).metrics
    #expect(m.samples == expected.samples)
    #expect(m.deadLatents == expected.deadLatents)
    let pairs: [(String, Double, Double)] = [
      ("mcc", m.mcc, expected.mcc), ("uniqueness", m.uniqueness, expected.uniqueness), ("precision", m.precision, expected.precision),
      ("recall", m.recall, expected.recall), ("f1", m.f1, expected.f1), ("explainedVariance", m.explainedVariance, expected.explainedVariance),
      ("l0", m.l0, expected.l0), ("trueL0", m.trueL0, expected.trueL0), ("shrinkage", m.shrinkage, expected.shrinkage),
    ]
    for (name, ours, theirs) in pairs {
      #expect(abs(ours - theirs) <= 1e-6, "\(name): ours \(ours), sae-lens \(theirs), difference \(abs(ours - theirs))")
    }
  }
}
