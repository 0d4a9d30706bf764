import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Online learning and MOD")
struct DictionaryLearningTests {
  @Test("MOD never increases the loss and ends at exact codes with unit-norm atoms")
  func modDescends() async {
    await propertyCheck(count: 20, input: Gen.int(in: 2...5), Gen.int(in: 2...4), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = LearningWorlds.samples(points: 60, atoms: atoms, dimension: dimension, offset: withBias ? 0.3 : 0, &rng)
      let configuration = MethodOfOptimalDirections.configuration(initialSweeps: 50, sweepsPerIteration: 5, maxIterations: 60)
      let fit = MethodOfOptimalDirections.fit(samples: x, initialDictionary: RandomMatrices.gaussian(atoms, dimension, &rng),
                                              initialBias: withBias ? [Double](repeating: 0, count: dimension) : nil,
                                              lambda: 0.05, configuration: configuration)
      for (previous, next) in zip(fit.objectiveHistory, fit.objectiveHistory.dropFirst()) {
        // Each step is accepted only if it does not raise the loss; only rounding (relative 1e-14) can.
        #expect(next <= previous + 1e-12 * max(1, previous))
      }
      #expect(fit.objective <= fit.objectiveHistory.last! + 1e-12 * max(1, fit.objective))
      #expect(LearningWorlds.normError(fit.problem.dictionary) <= 1e-12)
      #expect(fit.kkt.codes <= 1e-10)
    }
  }

  @Test("Block minimisation with dead-atom re-seeding still never increases the loss")
  func blockWithReseedingDescends() async {
    await propertyCheck(count: 15, input: Gen.int(in: 2...4), Gen.int(in: 2...4), Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      // The data has a last coordinate of 0; the start has one atom along it (dead: d_0ᵀr_n = 0 < λ
      // while the others keep a zero last coordinate) and one atom fewer than the world elsewhere.
      let world = LearningWorlds.samples(points: 50, atoms: atoms, dimension: dimension, &rng)
      let x = Matrix(world.nestedRows.map { $0 + [0] })
      let live = RandomMatrices.unitDictionary(atoms: atoms - 1, dimension: dimension, &rng)
      let start = Matrix([[Double](repeating: 0, count: dimension) + [1]] + live.nestedRows.map { $0 + [0] })
      let configuration = BlockMinimization.Configuration(initialSweeps: 50, sweepsPerIteration: 5, maxIterations: 40,
                                                          kktCheckInterval: 20, deadAtomInterval: 1)
      let fit = BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: nil, lambda: 0.05, configuration: configuration)
      for (previous, next) in zip(fit.lossHistory, fit.lossHistory.dropFirst()) {
        #expect(next <= previous + 1e-12 * max(1, previous))
      }
      #expect(fit.reseededAtoms >= 1)
      #expect(LearningWorlds.normError(fit.problem.dictionary) <= 1e-12)
    }
  }

  // A stochastic learner need not improve a start that is already near optimal (CI saw a start drawn
  // from the samples end 1e-5 higher), so the claim is tested from a random Gaussian dictionary.
  @Test("Online learning keeps unit-norm atoms, ends at exact codes and lowers the loss from a random start")
  func onlineLearns() async {
    await propertyCheck(count: 15, input: Gen.int(in: 2...5), Gen.int(in: 2...5), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = LearningWorlds.samples(points: 200, atoms: atoms, dimension: dimension, offset: withBias ? 0.3 : 0, &rng)
      let start = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      let bias: [Double]? = withBias ? [Double](repeating: 0, count: dimension) : nil
      let startLoss = SparseCodingProblem(samples: x, dictionary: start, bias: bias,
                                          codes: ExactCodes.codes(for: x, dictionary: start, bias: bias, lambda: 0.05), lambda: 0.05).loss
      let fit = OnlineDictionaryLearning.fit(samples: x, initialDictionary: start, initialBias: bias, lambda: 0.05, seed: UInt64(seed),
                                             configuration: .init(epochs: 5, batchSize: 32))
      #expect(LearningWorlds.normError(fit.problem.dictionary) <= 1e-12)
      #expect(fit.kkt.codes <= 1e-10)
      #expect(fit.objective < startLoss)
      #expect(fit.objectiveHistory.count == fit.iterations)
    }
  }

  @Test("The same seed gives the same dictionary bytes, for one and for two threads, with and without escape moves")
  func deterministic() {
    var rng = Xoshiro256StarStar(seed: 11)
    let x = LearningWorlds.samples(points: 300, atoms: 6, dimension: 5, offset: 0.2, &rng)
    var generator = SeedTree(root: 5).generator(for: "start")
    let start = InitialDictionary.fromSamples(x, atoms: 6, using: &generator)
    func run(seed: UInt64, threads: Int, escapes: Bool = false) -> LearningResult {
      OnlineDictionaryLearning.fit(samples: x, initialDictionary: start, initialBias: [0, 0, 0, 0, 0], lambda: 0.05, seed: seed,
                                   configuration: .init(epochs: 3, batchSize: 40, threads: threads, escapes: escapes))
    }
    let first = run(seed: 3, threads: 1)
    #expect(run(seed: 3, threads: 1).problem.dictionary == first.problem.dictionary)
    #expect(run(seed: 3, threads: 2).problem.dictionary == first.problem.dictionary)
    #expect(run(seed: 3, threads: 2).problem.bias == first.problem.bias)
    let escaping = run(seed: 3, threads: 1, escapes: true)
    #expect(run(seed: 3, threads: 2, escapes: true).problem.dictionary == escaping.problem.dictionary)
    #expect(escaping.escapes != nil && first.escapes == nil)
    // The epoch order depends on the seed, so another seed takes another path.
    #expect(run(seed: 4, threads: 1).problem.dictionary != first.problem.dictionary)
    var again = SeedTree(root: 5).generator(for: "start")
    #expect(InitialDictionary.fromSamples(x, atoms: 6, using: &again) == start)
  }

  @Test("A fit continues from a saved state: it starts at the saved loss, and MOD from there ends no higher")
  func warmStartContinues() async {
    await propertyCheck(count: 10, input: Gen.int(in: 2...5), Gen.int(in: 2...5), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = LearningWorlds.samples(points: 200, atoms: atoms, dimension: dimension, offset: withBias ? 0.3 : 0, &rng)
      var generator = SeedTree(root: UInt64(seed)).generator(for: "start")
      let start = InitialDictionary.fromSamples(x, atoms: atoms, using: &generator)
      let bias: [Double]? = withBias ? [Double](repeating: 0, count: dimension) : nil
      let saved = OnlineDictionaryLearning.fit(samples: x, initialDictionary: start, initialBias: bias, lambda: 0.05, seed: 1,
                                               configuration: .init(epochs: 1, batchSize: 32))
      let continued = OnlineDictionaryLearning.fit(
        samples: x, initialDictionary: saved.problem.dictionary, initialBias: saved.problem.bias, lambda: 0.05, seed: 2,
        configuration: .init(epochs: 2, batchSize: 32, continuesFromInitialState: true))
      // The continued fit starts from the saved dictionary, re-normalised (a change in the last bit).
      #expect(abs(continued.objectiveHistory.first! - saved.objective) <= 1e-12 * saved.objective)
      // The online learner minimises a surrogate, mini-batch by mini-batch: its full objective may rise
      // slightly (CI saw +1.7e-5 relative), so only the monotone learner is held to "no higher" below.
      let mod = MethodOfOptimalDirections.fit(samples: x, initialDictionary: saved.problem.dictionary, initialBias: saved.problem.bias,
                                              lambda: 0.05, configuration: .init(initialSweeps: 200, maxIterations: 20))
      #expect(mod.objective <= saved.objective * (1 + 1e-12), "MOD continued \(mod.objective), saved \(saved.objective)")
    }
  }
}
