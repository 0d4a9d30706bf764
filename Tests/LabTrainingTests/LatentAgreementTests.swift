import LabNumerics
import LabTraining
import PropertyBased
import Testing

@Suite struct LatentAgreementTests {
  static func single(_ x: Matrix<Double>) -> Matrix<Float> { Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map(Float.init)) }

  @Test("Mean max correlation equals the direct Pearson definition, and a latent set against itself scores 1")
  func correlationDefinition() async {
    await propertyCheck(count: 30, input: Gen.int(in: 3...40), Gen.int(in: 1...6), Gen.int(in: 1...6), Gen.uint64()) { n, f1, f2, seed in
      // ReLU of Gaussians: sparse codes with some latents that may be constant (all zero).
      let a = Self.single(TestSupport.randomMatrix(rows: n, columns: f1, seed: seed)).relu()
      let b = Self.single(TestSupport.randomMatrix(rows: n, columns: f2, seed: seed &+ 1)).relu()
      func column(_ m: Matrix<Float>, _ j: Int) -> [Double] { (0..<m.rows).map { Double(m[$0, j]) } }
      func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        return sxy / (sxx * syy).squareRoot()
      }
      func varies(_ x: [Double]) -> Bool { x.contains { $0 != x[0] } }
      let liveA = (0..<f1).map { column(a, $0) }.filter(varies), liveB = (0..<f2).map { column(b, $0) }.filter(varies)
      let result = LatentAgreement.meanMaxCorrelation(from: a, to: b)
      guard !liveA.isEmpty && !liveB.isEmpty else {
        #expect(result == nil)
        return
      }
      let expected = liveA.map { x in liveB.map { pearson(x, $0) }.max()! }.reduce(0, +) / Double(liveA.count)
      #expect(result?.liveFrom == liveA.count && result?.liveTo == liveB.count)
      #expect(abs((result?.mean ?? .nan) - expected) <= 1e-9)
      let itself = LatentAgreement.meanMaxCorrelation(from: a, to: a)
      #expect(abs((itself?.mean ?? .nan) - 1) <= 1e-9)
    }
  }

  @Test("Decoder MCS is 1 against any permutation and rescaling of the same rows, and is not symmetric")
  func cosine() async {
    await propertyCheck(count: 30, input: Gen.int(in: 2...8), Gen.int(in: 1...10), Gen.uint64()) { m, f, seed in
      let d = Self.single(TestSupport.randomMatrix(rows: f, columns: m, seed: seed))
      let shuffled = Matrix(rows: f, columns: m, storage: (0..<f).reversed().flatMap { k in d.row(k).map { 3 * $0 } })
      #expect(abs(LatentAgreement.meanMaxCosine(from: d, to: shuffled) - 1) <= 1e-6)
      let subset = Matrix(rows: 1, columns: m, storage: d.row(0))
      #expect(abs(LatentAgreement.meanMaxCosine(from: subset, to: d) - 1) <= 1e-6)
      #expect(LatentAgreement.meanMaxCosine(from: d, to: subset) <= 1 + 1e-6)
    }
  }
}

private extension Matrix where Scalar == Float {
  func relu() -> Matrix<Float> { Matrix(rows: rows, columns: columns, storage: storage.map { max(0, $0) }) }
}
