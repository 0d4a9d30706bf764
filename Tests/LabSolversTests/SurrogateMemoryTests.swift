import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Memory of the online surrogate")
struct SurrogateMemoryTests {
  @Test("With a memory of W batches the statistics are Σ_s w_s·(batch s), w_s = Π_{u>s} (1 − 1/min(u+1, W))")
  func statisticsAreTheWeightedBatches() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...6), Gen.int(in: 1...12), Gen.int(in: 0...Int(Int32.max))) { window, steps, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let memory = SurrogateMemory.batches(window)
      var statistics = SufficientStatistics(atoms: 3, dimension: 2)
      var batches: [(x: Matrix<Double>, z: Matrix<Double>)] = []
      for step in 0..<steps {
        let x = RandomMatrices.gaussian(4, 2, &rng)
        var z = Matrix<Double>(rows: 4, columns: 3)
        for index in z.storage.indices where rng.nextBernoulli(0.5) { z.storage[index] = rng.nextUniform() }
        statistics.decay(by: memory.factor(step: step, batchSize: 4))
        statistics.add(samples: x, codes: z, scale: 1.0 / 4)
        batches.append((x, z))
      }
      // The reference: each batch at its weight, summed directly.
      var reference = SufficientStatistics(atoms: 3, dimension: 2)
      for (s, batch) in batches.enumerated() {
        var weight = 1.0
        for u in (s + 1)..<max(s + 1, steps) { weight *= 1 - 1 / Double(min(u + 1, window)) }
        reference.add(samples: batch.x, codes: batch.z, scale: weight / 4)
      }
      for (got, want) in zip(statistics.codeGram.storage + statistics.codeSample.storage + [statistics.weight],
                             reference.codeGram.storage + reference.codeSample.storage + [reference.weight]) {
        #expect(abs(got - want) <= 1e-12 * max(1, abs(want)))
      }
    }
  }

  @Test("The factor lies in [0, 1), is 1 − 1/W from step W − 1 on, and a memory below one batch is a problem")
  func factorRange() async {
    await propertyCheck(count: 50, input: Gen.int(in: 1...300), Gen.int(in: 0...2000), Gen.int(in: 1...512)) { window, step, batch in
      let beta = SurrogateMemory.batches(window).factor(step: step, batchSize: batch)
      #expect(beta >= 0 && beta < 1)
      if step >= window - 1 { #expect(beta == 1 - 1 / Double(window)) }
      let peers = SurrogateMemory.peerSchedule.factor(step: step, batchSize: batch)
      #expect(peers == OnlineDictionaryLearning.forgetting(step: step, batchSize: batch))
    }
    #expect(SurrogateMemory.batches(0).problem?.parameter == "memory")
    #expect(SurrogateMemory.standard.problem == nil && SurrogateMemory.peerSchedule.problem == nil)
    #expect(OnlineDictionaryLearning.Configuration(memory: .batches(-3)).problems().map(\.parameter) == ["memory"])
  }
}
