import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// Matryoshka BatchTopK: the nested losses against their definition and the gradient against finite differences.
@Suite struct MatryoshkaTests {
  /// Strictly increasing inner widths below `f` (at least one), drawn from `seed`.
  static func prefixes(f: Int, seed: UInt64) -> [Int] {
    var g = SeedTree(root: seed).generator(for: "prefixes")
    let chosen = (1..<f).filter { _ in g.next() % 2 == 0 }
    return chosen.isEmpty ? [1] : chosen
  }

  @Test("the gradient matches central finite differences of full plus nested losses") func gradient() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...5), Gen.int(in: 2...7), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      let architecture = MatryoshkaBatchTopKArchitecture(k: 1 + Int(seed % UInt64(f)), prefixes: Self.prefixes(f: f, seed: seed))
      GradientTests.checkFiniteDifferences(architecture, m: m, f: f, b: b, seed: seed)
    }
  }

  @Test("the loss is mean ‖x̂ − x‖² plus, per inner width w, mean ‖b_dec + z[:, :w] W_dec[:w] − x‖², from the batch-top-k codes")
  func lossDefinition() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...5), Gen.int(in: 2...7), Gen.int(in: 1...6), Gen.uint64()) { m, f, b, seed in
      let prefixes = Self.prefixes(f: f, seed: seed)
      let architecture = MatryoshkaBatchTopKArchitecture(k: 1 + Int(seed % UInt64(f)), prefixes: prefixes)
      let p = TestSupport.randomParameters(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let (loss, _, _, codes) = TestSupport.lossAndGradient(architecture, p, x)
      let plain = TestSupport.lossAndGradient(BatchTopKArchitecture(k: architecture.batchTopK.k), p, x)
      #expect(codes == plain.codes, "the same batch-top-k codes")
      func mse(width: Int) -> Double {
        (0..<b).reduce(0) { sum, t in
          sum + (0..<m).reduce(0) { s, j in
            let e = p.decoderBias[j] + (0..<width).reduce(0) { $0 + codes[t * f + $1] * p.decoderWeights[$1, j] } - x[t, j]
            return s + e * e
          }
        } / Double(b)
      }
      #expect(abs(loss.meanSquaredError - mse(width: f)) <= 1e-9 * (1 + loss.meanSquaredError))
      let inner = prefixes.reduce(0) { $0 + mse(width: $1) }
      #expect(abs(loss.innerReconstruction - inner) <= 1e-9 * (1 + inner))
      #expect(abs(loss.meanSquaredError - plain.loss.meanSquaredError) <= 1e-12 * (1 + loss.meanSquaredError))
    }
  }
}
