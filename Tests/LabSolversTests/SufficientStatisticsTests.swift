import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Surrogate statistics of online learning")
struct SufficientStatisticsTests {
  @Test("With every point at weight 1 the surrogate is L_λ at those codes")
  func surrogateIsTheLoss() async {
    await propertyCheck(count: 20, input: Gen.int(in: 1...5), Gen.int(in: 1...4), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = RandomMatrices.gaussian(30, dimension, &rng)
      let d = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      var z = Matrix<Double>(rows: 30, columns: atoms)
      for index in z.storage.indices where rng.nextBernoulli(0.5) { z.storage[index] = rng.nextUniform() }
      let bias: [Double]? = withBias ? (0..<dimension).map { _ in rng.nextNormal() } : nil
      var statistics = SufficientStatistics(atoms: atoms, dimension: dimension)
      statistics.add(samples: x, codes: z, scale: 1)
      let loss = SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: 0.1).loss
      #expect(abs(statistics.surrogate(dictionary: d, bias: bias, lambda: 0.1) - loss) <= 1e-10 * max(1, loss))
    }
  }

  @Test("Atom and bias steps never increase the surrogate, and atoms keep unit norm")
  func stepsDescend() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var d = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      var bias: [Double]? = withBias ? [Double](repeating: 0, count: dimension) : nil
      var statistics = SufficientStatistics(atoms: atoms, dimension: dimension)
      for step in 0..<6 {
        let x = RandomMatrices.gaussian(16, dimension, &rng)
        var z = Matrix<Double>(rows: 16, columns: atoms)
        for index in z.storage.indices where rng.nextBernoulli(0.4) { z.storage[index] = rng.nextUniform() }
        statistics.decay(by: OnlineDictionaryLearning.forgetting(step: step, batchSize: 16))
        statistics.add(samples: x, codes: z, scale: 1.0 / 16)
        let before = statistics.surrogate(dictionary: d, bias: bias, lambda: 0.1)
        _ = statistics.updateAtoms(&d, bias: bias)
        let afterAtoms = statistics.surrogate(dictionary: d, bias: bias, lambda: 0.1)
        #expect(afterAtoms <= before + 1e-12 * max(1, abs(before)))
        if let current = bias {
          bias = statistics.optimalBias(dictionary: d, current: current)
          let afterBias = statistics.surrogate(dictionary: d, bias: bias, lambda: 0.1)
          #expect(afterBias <= afterAtoms + 1e-12 * max(1, abs(afterAtoms)))
        }
        #expect(LearningWorlds.normError(d) <= 1e-12)
      }
    }
  }
}
