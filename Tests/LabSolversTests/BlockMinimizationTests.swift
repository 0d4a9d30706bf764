import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Exact block minimisation")
struct BlockMinimizationTests {
  /// 60 points of a random unit dictionary with codes in [0.5, 1.5] at 30 % density (drawn from `rng`).
  static func plantedData(atoms: Int, dimension: Int, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    let truth = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
    var codes = Matrix<Double>(rows: 60, columns: atoms)
    for index in codes.storage.indices where rng.nextBernoulli(0.3) { codes.storage[index] = rng.nextUniform(in: 0.5...1.5) }
    return codes * truth
  }

  @Test("The loss never increases and the run ends at exact codes with unit-norm atoms")
  func monotoneAndNormalised() async {
    await propertyCheck(count: 25, input: Gen.int(in: 2...5), Gen.int(in: 2...4), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = Self.plantedData(atoms: atoms, dimension: dimension, &rng)
      let configuration = BlockMinimization.Configuration(initialSweeps: 100, sweepsPerIteration: 10, maxIterations: 200, kktCheckInterval: 50)
      let fit = BlockMinimization.fit(samples: x, initialDictionary: RandomMatrices.gaussian(atoms, dimension, &rng),
                                      initialBias: withBias ? [Double](repeating: 0, count: dimension) : nil,
                                      lambda: 0.05, configuration: configuration)
      for (previous, next) in zip(fit.lossHistory, fit.lossHistory.dropFirst()) {
        // Each block step is an exact minimiser; only rounding (relative 1e-14) can raise the loss.
        #expect(next <= previous + 1e-12 * max(1, previous))
      }
      for k in 0..<atoms {
        let norm = fit.problem.dictionary.row(k).reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) <= 1e-12)
      }
      #expect(fit.kkt.codes <= 1e-10)
    }
  }

  @Test("Training a hierarchy-free orthogonal world to stationarity reaches KKT below 1e-9")
  func reachesKKT() {
    var rng = Xoshiro256StarStar(seed: 7)
    var codes = Matrix<Double>(rows: 100, columns: 3)
    for index in codes.storage.indices where rng.nextBernoulli(0.3) { codes.storage[index] = rng.nextUniform(in: 0.5...1.5) }
    let x = codes * Matrix<Double>.identity(3)
    let fit = BlockMinimization.fit(samples: x, initialDictionary: Matrix([[1, 0.1, 0], [0, 1, 0.1], [0.1, 0, 1]]),
                                    initialBias: [0, 0, 0], lambda: 0.05)
    #expect(fit.kkt.maximum < 1e-9, "KKT \(fit.kkt.maximum) after \(fit.iterations) iterations (\(fit.termination))")
    // Either stopping rule may end the run first (a fixed point in floating point or the KKT check); the limit may not.
    #expect(fit.termination != .iterationLimit)
  }
}

/// Issue 16 item 7: the time budget is kept inside an iteration. A ``LearningDeadline`` that passes
/// at a chosen question stands in for the clock, so the tests do not depend on the machine's speed.
@Suite("Block minimisation stops inside an iteration when its deadline passes")
struct BlockMinimizationDeadlineTests {
  /// One sweep first and one per iteration: the deadline is asked K times in the initial sweep, once
  /// after it, K times in iteration 1's sweep, once before the atom update and once per atom there.
  static let configuration = BlockMinimization.Configuration(initialSweeps: 1, sweepsPerIteration: 1, maxIterations: 1_000,
                                                             kktCheckInterval: 1_000)

  @Test("A deadline passing inside the atom update leaves the later atoms and the bias as they were, with exact codes")
  func stopsInsideTheAtomUpdate() async {
    await propertyCheck(count: 25, input: Gen.int(in: 2...5), Gen.int(in: 2...4), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = BlockMinimizationTests.plantedData(atoms: atoms, dimension: dimension, &rng)
      let start = RandomMatrices.gaussian(atoms, dimension, &rng), initial = BlockMinimization.normalizedRows(start)
      let bias = withBias ? [Double](repeating: 0.25, count: dimension) : nil
      let updated = rng.nextInt(below: atoms)
      let deadline = LearningDeadline.afterChecks(2 * atoms + 2 + updated)
      let fit = BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: bias, lambda: 0.05,
                                      configuration: Self.configuration, deadline: deadline)
      #expect(fit.termination == .timeLimit)
      #expect(fit.iterations == 1)
      #expect(fit.lossHistory.count == 2 && fit.lossHistory[1] <= fit.lossHistory[0] + 1e-12 * max(1, fit.lossHistory[0]))
      for atom in updated..<atoms { #expect(fit.problem.dictionary.row(atom) == initial.row(atom), "atom \(atom) moved after the deadline") }
      #expect(fit.problem.bias == bias)
      #expect(fit.problem.dictionary.storage.allSatisfy(\.isFinite) && fit.problem.codes.storage.allSatisfy(\.isFinite))
      #expect(fit.kkt.codes <= 1e-10, "the final codes are not exact for the dictionary the run stopped at")
    }
  }

  @Test("A deadline passing inside a sweep stops before the atom update, and one passing in the first sweep before any iteration")
  func stopsInsideASweep() {
    var rng = Xoshiro256StarStar(seed: 11)
    let truth = RandomMatrices.unitDictionary(atoms: 4, dimension: 3, &rng)
    var codes = Matrix<Double>(rows: 80, columns: 4)
    for index in codes.storage.indices where rng.nextBernoulli(0.3) { codes.storage[index] = rng.nextUniform(in: 0.5...1.5) }
    let start = RandomMatrices.gaussian(4, 3, &rng), initial = BlockMinimization.normalizedRows(start)
    // Iteration 1's sweep asks at questions 6…9: passing at its second atom ends iteration 1 there.
    let inSweep = BlockMinimization.fit(samples: codes * truth, initialDictionary: start, initialBias: nil, lambda: 0.05,
                                        configuration: Self.configuration, deadline: .afterChecks(6))
    #expect(inSweep.termination == .timeLimit && inSweep.iterations == 1)
    #expect(inSweep.problem.dictionary == initial)
    #expect(inSweep.lossHistory.count == 2 && inSweep.lossHistory[1] <= inSweep.lossHistory[0])
    let first = BlockMinimization.fit(samples: codes * truth, initialDictionary: start, initialBias: nil, lambda: 0.05,
                                      configuration: Self.configuration, deadline: .afterChecks(2))
    #expect(first.termination == .timeLimit && first.iterations == 0 && first.lossHistory.count == 1)
    #expect(first.kkt.codes <= 1e-10)
  }

  @Test("Without a deadline the run is the one it was: the same bytes as a deadline that never passes")
  func noDeadlineChangesNothing() {
    var rng = Xoshiro256StarStar(seed: 5)
    let truth = RandomMatrices.unitDictionary(atoms: 3, dimension: 3, &rng)
    var codes = Matrix<Double>(rows: 50, columns: 3)
    for index in codes.storage.indices where rng.nextBernoulli(0.4) { codes.storage[index] = rng.nextUniform(in: 0.5...1.5) }
    let initial = RandomMatrices.gaussian(3, 3, &rng)
    let configuration = BlockMinimization.Configuration(initialSweeps: 20, sweepsPerIteration: 5, maxIterations: 40)
    let plain = BlockMinimization.fit(samples: codes * truth, initialDictionary: initial, initialBias: [0, 0, 0], lambda: 0.05,
                                      configuration: configuration)
    let timed = BlockMinimization.fit(samples: codes * truth, initialDictionary: initial, initialBias: [0, 0, 0], lambda: 0.05,
                                      configuration: configuration, deadline: .afterChecks(Int.max - 1))
    #expect(plain.problem.dictionary == timed.problem.dictionary && plain.lossHistory == timed.lossHistory)
    #expect(plain.termination == timed.termination && plain.termination != .timeLimit)
  }
}
