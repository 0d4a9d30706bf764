import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

@Suite struct GroundTruthMetricsTests {
  /// The least total cost over all injective maps of the shorter side into the longer, by enumeration.
  static func bruteForce(_ cost: Matrix<Double>) -> Double {
    let transpose = cost.rows > cost.columns
    let (n, m) = transpose ? (cost.columns, cost.rows) : (cost.rows, cost.columns)
    func entry(_ i: Int, _ j: Int) -> Double { transpose ? cost[j, i] : cost[i, j] }
    var best = Double.infinity
    func extend(_ i: Int, _ used: Set<Int>, _ total: Double) {
      if i == n { best = min(best, total); return }
      for j in 0..<m where !used.contains(j) { extend(i + 1, used.union([j]), total + entry(i, j)) }
    }
    extend(0, [], 0)
    return best
  }

  @Test("the Hungarian assignment is a matching of min(rows, columns) pairs with the least total cost") func hungarian() async {
    await propertyCheck(count: 60, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.uint64()) { rows, columns, seed in
      var generator = SeedTree(root: seed).generator(for: "cost")
      // Integer costs make ties common, which exercises the tie handling.
      let cost = Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in Double(generator.next() % 5) })
      let pairs = HungarianAssignment.solve(cost)
      #expect(pairs.count == min(rows, columns))
      #expect(Set(pairs.map(\.row)).count == pairs.count && Set(pairs.map(\.column)).count == pairs.count)
      #expect(pairs.reduce(0) { $0 + cost[$1.row, $1.column] } == Self.bruteForce(cost))
    }
  }

  @Test("a permuted, rescaled, sign-flipped copy of the truth has MCC 1, uniqueness 1 and recovers the permutation") func recovery() async {
    await propertyCheck(count: 20, input: Gen.int(in: 1...6), Gen.uint64()) { k, seed in
      let m = k + 2
      let truth = TestSupport.randomMatrix(rows: k, columns: m, seed: seed)
      var generator = SeedTree(root: seed).generator(for: "permutation")
      let permutation = Array(0..<k).shuffled(using: &generator)
      let decoder = Matrix((0..<k).map { j in truth.row(permutation[j]).map { $0 * (j % 2 == 0 ? 2.5 : -0.5) } })
      let matching = FeatureMatching(decoder: decoder, truth: truth)
      #expect(abs(matching.meanCorrelationCoefficient - 1) <= 1e-12)
      #expect(matching.uniqueness == 1)
      #expect(matching.pairs.map(\.feature) == permutation)
      #expect(matching.latentsPerFeature == Array(repeating: 1, count: k))
    }
  }

  /// With an orthonormal dictionary the exact nonnegative lasso codes are z_k = (d_k·x − λ)₊, so
  /// Theorem 8.3 applies: s(x) ≤ (1 − λ/‖x‖)₊ everywhere, with equality on single-feature points,
  /// where the matched latent's ratio is (1 − λ/c)₊.
  @Test("per-feature shrinkage of exact codes obeys the bound of THEORY 8.3 and attains it on one-feature points") func featureShrinkage() async {
    await propertyCheck(count: 20, input: Gen.int(in: 1...4), Gen.double(in: 0.05...0.8), Gen.uint64()) { k, lambda, seed in
      let m = k + 1, n = 40
      var generator = SeedTree(root: seed).generator(for: "world")
      let truth = Matrix((0..<k).map { i in (0..<m).map { $0 == i ? 1.0 : 0 } })
      var trueCodes = Matrix<Double>(rows: n, columns: k)
      for t in 0..<n {
        if t % 2 == 0 { trueCodes[t, t / 2 % k] = generator.nextUniform(in: 0.1...2) } else {
          for i in 0..<k where generator.nextBernoulli(0.5) { trueCodes[t, i] = generator.nextUniform(in: 0.1...2) }
        }
      }
      let x = trueCodes.multiplied(by: truth)
      let codes = Matrix(rows: n, columns: k, storage: trueCodes.storage.map { max(0, $0 - lambda) })
      let edges = [0.1, 1, 2]
      let result = FeatureShrinkage.measure(inputs: x, codes: codes, decoder: truth, bias: Array(repeating: 0, count: m),
                                            trueCodes: trueCodes, matching: FeatureMatching(decoder: truth, truth: truth),
                                            lambda: lambda, binEdges: edges)
      #expect(result.allSatisfy { $0.boundViolations == 0 })
      for t in stride(from: 0, to: n, by: 2) {
        let i = t / 2 % k, c = trueCodes[t, i]
        let alone = Matrix([trueCodes.row(t)])
        let one = FeatureShrinkage.measure(inputs: Matrix([x.row(t)]), codes: Matrix([codes.row(t)]), decoder: truth,
                                           bias: Array(repeating: 0, count: m), trueCodes: alone,
                                           matching: FeatureMatching(decoder: truth, truth: truth), lambda: lambda, binEdges: edges)
        let bin = one[i].bins[0]
        #expect(abs(bin.meanFeatureRatio - max(0, 1 - lambda / c)) <= 1e-12)
        #expect(abs(bin.meanSuppression - bin.meanBound) <= 1e-12)
      }
    }
  }

  /// Parent e₁ with child e₂. The absorbed dictionary has the child atom on (e₁ + e₂)/√2 and the parent
  /// silent on child points; the faithful one is the truth itself.
  @Test("absorption fraction and full-absorption rate on absorbed, partial and faithful dictionaries") func absorption() {
    let truth = Matrix<Double>([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    let r = 0.5.squareRoot()
    let absorbed = Matrix<Double>([[1, 0, 0], [r, r, 0], [0, 0, 1]])
    let x = Matrix<Double>([[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    let trueCodes = x
    func score(_ decoder: Matrix<Double>, _ codes: [[Double]]) -> AbsorptionScore {
      AbsorptionScore.measure(inputs: x, codes: Matrix(codes), decoder: decoder, truth: truth, trueCodes: trueCodes,
                              matching: FeatureMatching(decoder: decoder, truth: truth), parents: [0])[0]
    }
    let full = score(absorbed, [[1, 0, 0], [0, 2.0.squareRoot(), 0], [0, 0, 1]])
    #expect(full.mainLatents == [0] && full.samples == 2)
    #expect(full.meanAbsorptionFraction == 0.5 && full.fullAbsorptionRate == 0.5)
    // Parent half on: M = 0.5, T = π_child = 0.5, so the fraction is 0.5/(0.5 + 0.5); not full.
    let partial = score(absorbed, [[1, 0, 0], [0.5, 2.0.squareRoot() / 2, 0], [0, 0, 1]])
    #expect(abs(partial.meanAbsorptionFraction - 0.25) <= 1e-12 && partial.fullAbsorptionRate == 0)
    let faithful = score(truth, trueCodes.nestedRows)
    #expect(faithful.meanAbsorptionFraction == 0 && faithful.fullAbsorptionRate == 0)
    #expect(AbsorptionScore.overall([full, faithful]) == (0.25, 0.25))
  }

  @Test("feature frequencies and their decade histogram") func frequencies() {
    var codes = Matrix<Double>(rows: 1000, columns: 4)
    for t in 0..<1000 { codes[t, 0] = 1 }          // frequency 1
    for t in 0..<100 { codes[t, 1] = 2 }           // 0.1: decade (0.01, 0.1]
    codes[3, 2] = -1                               // 0.001: decade (1e-4, 1e-3], counted (≠ 0)
    let frequency = FeatureFrequency(codes: codes, decadeCount: 4)
    #expect(frequency.frequencies == [1, 0.1, 0.001, 0])
    #expect(frequency.dead == 1)
    #expect(frequency.decades == [1, 1, 0, 1])
  }
}
