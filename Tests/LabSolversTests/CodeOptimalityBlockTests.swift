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

  @Test("Property: objective, worst (K1)/(K1±), worst duality gap and mean L0 equal their definitions computed densely, point by point (THEORY §3.2)")
  func matchesDefinition() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...40), Gen.int(in: 1...6), Gen.int(in: 1...9), Gen.bool, Gen.int(in: 0...1_000_000)) {
      points, dimension, atoms, signed, seed in
      let instance = CodingInstance(atoms: atoms, dimension: dimension, points: points, withBias: seed % 2 == 0, seed: seed)
      var rng = Xoshiro256StarStar(seed: UInt64(seed) &+ 11)
      let codes = Matrix(rows: points, columns: atoms, storage: (0..<(points * atoms)).map { _ in
        rng.nextUniform() < 0.5 ? 0 : (signed ? rng.nextNormal() : abs(rng.nextNormal()))
      })
      let lambda = 0.3, measured = instance.optimality(codes, lambda: lambda, signed ? .signed : .nonnegative)
      var objective = 0.0, worstKKT = 0.0, worstGap = 0.0, nonzeros = 0
      for n in 0..<points {
        let x = instance.samples.row(n), z = codes.row(n)
        let v = (0..<dimension).map { x[$0] - (instance.bias?[$0] ?? 0) }
        let r = (0..<dimension).map { i in v[i] - (0..<atoms).reduce(0) { $0 + z[$1] * instance.dictionary[$1, i] } }
        let q = (0..<atoms).map { k in (0..<dimension).reduce(0) { $0 + instance.dictionary[k, $1] * r[$1] } }
        let squared = r.reduce(0) { $0 + $1 * $1 }, l1 = z.reduce(0) { $0 + abs($1) }
        for k in 0..<atoms {
          let violation = z[k] == 0 ? max((signed ? abs(q[k]) : q[k]) - lambda, 0) : abs(lambda * (z[k] > 0 ? 1 : -1) - q[k])
          worstKKT = max(worstKKT, violation)
          if z[k] != 0 { nonzeros += 1 }
        }
        let largest = q.map { signed ? abs($0) : $0 }.max()!
        let s = largest > lambda ? lambda / largest : 1
        let primal = 0.5 * squared + lambda * l1
        objective += primal
        worstGap = max(worstGap, primal - (s * zip(v, r).reduce(0) { $0 + $1.0 * $1.1 } - 0.5 * s * s * squared))
      }
      #expect(measured.pointCount == points && measured.meanL0 == Double(nonzeros) / Double(points))
      #expect(abs(measured.objective - objective) <= 1e-12 * max(1, objective))
      #expect(abs(measured.maxKKTViolation - worstKKT) <= 1e-12 * max(1, worstKKT))
      #expect(abs(measured.maxDualityGap - worstGap) <= 1e-12 * max(1, objective))
    }
  }

  @Test("A correlation that is not a number (X with a NaN) fails (K1): the worst violation is infinite, not skipped")
  func notANumberFails() {
    for signed in [false, true] {
      let dictionary = Matrix(rows: 6, columns: 2, storage: [1, 0, 0, 1, 1, 1, 1, -1, 2, 0, 0, 2])
      let samples = Matrix(rows: 2, columns: 2, storage: [1, 2, .nan, 1])
      let codes = Matrix(rows: 2, columns: 6, storage: [Double](repeating: 0, count: 12))
      let measured = CodeOptimality(samples: samples, dictionary: dictionary, bias: nil, codes: codes, lambda: 0.1,
                                    constraint: signed ? .signed : .nonnegative)
      #expect(measured.maxKKTViolation == .infinity)
    }
  }

  @Test("Property: measured by 2 or 3 workers (blocks of rows at once), every figure has the bytes of one worker's measure, continuing included")
  func workersGiveTheSameBytes() async {
    await propertyCheck(count: 12, input: Gen.int(in: 1...4000), Gen.int(in: 1...7), Gen.int(in: 1...11), Gen.bool, Gen.int(in: 0...1_000_000)) {
      points, dimension, atoms, signed, seed in
      let instance = CodingInstance(atoms: atoms, dimension: dimension, points: points, withBias: seed % 2 == 0, seed: seed)
      var rng = Xoshiro256StarStar(seed: UInt64(seed) &+ 13)
      let codes = Matrix(rows: points, columns: atoms, storage: (0..<(points * atoms)).map { _ in
        rng.nextUniform() < 0.5 ? 0 : (signed ? rng.nextNormal() : abs(rng.nextNormal()))
      })
      let constraint: CodeConstraint = signed ? .signed : .nonnegative
      let previous = CodeOptimality(samples: instance.samples, dictionary: instance.dictionary, bias: instance.bias, codes: codes, lambda: 0.2,
                                    constraint: constraint)
      let one = CodeOptimality(samples: instance.samples, dictionary: instance.dictionary, bias: instance.bias, codes: codes, lambda: 0.2,
                               constraint: constraint, continuing: previous, threads: 1)
      for threads in [2, 3] {
        let (many, nonzeros) = CodeOptimality.measured(samples: instance.samples, dictionary: instance.dictionary, bias: instance.bias, codes: codes,
                                                       lambda: 0.2, constraint: constraint, continuing: previous, threads: threads)
        #expect(nonzeros == NonzeroPattern(codes), "the pattern found on the way is the codes' own")
        #expect(many.objective.bitPattern == one.objective.bitPattern && many.maxKKTViolation.bitPattern == one.maxKKTViolation.bitPattern
                  && many.maxDualityGap.bitPattern == one.maxDualityGap.bitPattern && many.meanL0 == one.meanL0 && many.pointCount == one.pointCount)
      }
    }
  }
}
