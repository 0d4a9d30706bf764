import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// ``CodeOptimality`` measures N points in row blocks; the figures must be those of the points
/// measured one at a time (the definition, point by point).
@Suite("Code optimality in row blocks")
struct CodeOptimalityBlockTests {
  @Test("Property: over several blocks (N up to 2,600), objective, worst (K1), worst duality gap and mean L0 equal the point-by-point measurement")
  func blocksEqualPoints() async {
    await propertyCheck(count: 12, input: Gen.int(in: 1...2600), Gen.int(in: 1...5), Gen.int(in: 1...9), Gen.bool, Gen.int(in: 0...1_000_000)) {
      points, dimension, atoms, signed, seed in
      let instance = CodingInstance(atoms: atoms, dimension: dimension, points: points, withBias: seed % 2 == 0, seed: seed)
      var rng = Xoshiro256StarStar(seed: UInt64(seed) &+ 7)
      // Arbitrary codes (not optimal), with exact zeros, of both signs when signed.
      let codes = Matrix(rows: points, columns: atoms, storage: (0..<(points * atoms)).map { _ in
        let u = rng.nextUniform()
        return u < 0.5 ? 0 : (signed ? rng.nextNormal() : abs(rng.nextNormal()))
      })
      let constraint: CodeConstraint = signed ? .signed : .nonnegative
      let all = instance.optimality(codes, lambda: 0.3, constraint)
      var objective = 0.0, worstKKT = 0.0, worstGap = 0.0, l0 = 0.0
      for n in 0..<points {
        let one = CodeOptimality(samples: Matrix(rows: 1, columns: dimension, storage: instance.samples.row(n)), dictionary: instance.dictionary,
                                 bias: instance.bias, codes: Matrix(rows: 1, columns: atoms, storage: codes.row(n)), lambda: 0.3, constraint: constraint)
        objective += one.objective
        worstKKT = max(worstKKT, one.maxKKTViolation)
        worstGap = max(worstGap, one.maxDualityGap)
        l0 += one.meanL0
      }
      #expect(all.pointCount == points && abs(all.meanL0 - l0 / Double(points)) <= 1e-12)
      #expect(abs(all.objective - objective) <= 1e-12 * max(1, objective))
      #expect(abs(all.maxKKTViolation - worstKKT) <= 1e-12 * max(1, worstKKT))
      #expect(abs(all.maxDualityGap - worstGap) <= 1e-12 * max(1, worstGap))
    }
  }
}
