import LabGenerators
import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite("Low-rank copula bounds, four features at a time")
struct LowRankEventBoundsTests {
  /// a_i = (τ_i − F_i·g)/√δ_i one feature at a time, with the copula's four partial sums over g.
  static func reference(_ i: Int, factor: Matrix<Double>, diagonal: [Double], thresholds: [Double], shared g: [Double]) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var k = 0
    while k + 4 <= factor.columns {
      s0 += factor[i, k] * g[k]
      s1 += factor[i, k + 1] * g[k + 1]
      s2 += factor[i, k + 2] * g[k + 2]
      s3 += factor[i, k + 3] * g[k + 3]
      k += 4
    }
    while k < factor.columns {
      s0 += factor[i, k] * g[k]
      k += 1
    }
    return (thresholds[i] - ((s0 + s1) + (s2 + s3))) / diagonal[i].squareRoot()
  }

  @Test("Property: every bound has the bits of the one-feature computation, for any rank, feature count and feature list")
  func matchesOneAtATime() async {
    await propertyCheck(count: 60, input: Gen.int(in: 1...12), Gen.int(in: 1...30), Gen.int(in: 0...Int(Int32.max))) { rank, count, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let factor = Matrix(rows: count, columns: rank, storage: (0..<(count * rank)).map { _ in rng.nextNormal() })
      let diagonal = (0..<count).map { _ in rng.nextUniform(in: 0.01...1) }
      let thresholds = (0..<count).map { _ in rng.nextNormal() }
      let g = (0..<rank).map { _ in rng.nextNormal() }
      let features = (0..<count).filter { _ in rng.nextUniform() < 0.7 }
      let bounds = LowRankEventBounds(features: features, factor: factor, diagonal: diagonal, thresholds: thresholds)
      var out = [Double](repeating: .nan, count: bounds.count + 1)
      out.withUnsafeMutableBufferPointer { bounds.compute(shared: g, into: $0.baseAddress!) }
      #expect(bounds.count % 4 == 0 && bounds.count >= features.count && bounds.count < features.count + 4)
      for (j, i) in features.enumerated() {
        let expected = Self.reference(i, factor: factor, diagonal: diagonal, thresholds: thresholds, shared: g)
        #expect(out[j].bitPattern == expected.bitPattern, "feature \(i): \(out[j]) against \(expected)")
      }
    }
  }
}
