import LabNumerics
import LabTraining
import PropertyBased
import Testing

@Suite struct MetricsTests {
  @Test("metrics equal their definitions computed directly") func definitions() async {
    await propertyCheck(count: 20, input: Gen.int(in: 1...4), Gen.int(in: 1...6), Gen.int(in: 2...9), Gen.uint64()) { m, f, n, seed in
      let sae = SparseAutoencoder(architecture: ReLUL1Architecture(l1Coefficient: 1), parameters: TestSupport.randomParameters(m: m, f: f, seed: seed))
      let x = TestSupport.randomMatrix(rows: n, columns: m, seed: seed &+ 3)
      let metrics = SAEMetrics.evaluate(sae, on: x, chunkRows: 2)
      let z = sae.encode(x), xhat = sae.decode(z)
      let mse = (0..<n).reduce(0.0) { s, r in s + (0..<m).reduce(0.0) { $0 + (xhat[r, $1] - x[r, $1]) * (xhat[r, $1] - x[r, $1]) } } / Double(n)
      let mean = (0..<m).map { j in (0..<n).reduce(0.0) { $0 + x[$1, j] } / Double(n) }
      let variance = (0..<n).reduce(0.0) { s, r in s + (0..<m).reduce(0.0) { $0 + (x[r, $1] - mean[$1]) * (x[r, $1] - mean[$1]) } } / Double(n)
      #expect(abs(metrics.meanSquaredError - mse) <= 1e-10 * (1 + mse))
      #expect(abs(metrics.explainedVariance - (1 - mse / variance)) <= 1e-9 * (1 + mse / variance))
      #expect(metrics.l0 == Double(z.storage.filter { $0 != 0 }.count) / Double(n))
      #expect(metrics.deadLatents == (0..<f).filter { i in (0..<n).allSatisfy { z[$0, i] == 0 } }.count)
    }
  }

  @Test("MMCS is 1 when every true feature is a (scaled) decoder row, and below 1 otherwise") func mmcs() {
    let truth = Matrix<Double>([[1, 0, 0], [0, 1, 0]])
    #expect(abs(SAEMetrics.meanMaxCosineSimilarity(truth: truth, decoder: Matrix<Double>([[0, 3, 0], [0, 0, 1], [2, 0, 0]])) - 1) <= 1e-15)
    let half = SAEMetrics.meanMaxCosineSimilarity(truth: truth, decoder: Matrix<Double>([[1, 1, 0]]))
    #expect(abs(half - 1 / 2.0.squareRoot()) <= 1e-15)
    #expect(SAEMetrics.meanMaxCosineSimilarity(truth: truth, decoder: Matrix<Double>([[-1, -1, 0]])) < 0)
  }

  @Test("explained variance of constant data: 1 for an exact reconstruction, 0 otherwise") func constantData() {
    var p = SAEParameters<Double>(inputDimension: 2, width: 1)
    p.values[p.decoderBiasOffset] = 1
    p.values[p.decoderBiasOffset + 1] = 2
    let sae = SparseAutoencoder(architecture: ReLUL1Architecture(l1Coefficient: 0), parameters: p)
    #expect(SAEMetrics.evaluate(sae, on: Matrix([[1, 2], [1, 2]])).explainedVariance == 1)
    #expect(SAEMetrics.evaluate(sae, on: Matrix([[1, 3], [1, 3]])).explainedVariance == 0)
  }
}
