import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Escape moves: wasted atoms moved by the new-atom test, kept only with a measured decrease")
struct EscapeMovesTests {
  /// A planted world: `points` samples of `truth` (K × m) with codes active with probability 0.3 at U(0.5, 1.5).
  static func world(points: Int, truth: Matrix<Double>, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    var codes = Matrix<Double>(rows: points, columns: truth.rows)
    for index in codes.storage.indices where rng.nextBernoulli(0.3) { codes.storage[index] = rng.nextUniform(in: 0.5...1.5) }
    return codes * truth
  }

  static func loss(_ x: Matrix<Double>, _ dictionary: Matrix<Double>, _ lambda: Double, bias: [Double]? = nil) -> Double {
    let codes = ExactCodes.codes(for: x, dictionary: dictionary, bias: bias, lambda: lambda)
    return SparseCodingProblem(samples: x, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda).loss
  }

  /// Exact block minimisation from `dictionary` without dead-atom re-seeding: the plain learner.
  static func refined(_ x: Matrix<Double>, _ dictionary: Matrix<Double>) -> Matrix<Double> {
    let configuration = BlockMinimization.Configuration(initialSweeps: 50, sweepsPerIteration: 10, maxIterations: 40, deadAtomInterval: nil)
    return BlockMinimization.fit(samples: x, initialDictionary: dictionary, initialBias: nil, lambda: 0.05, configuration: configuration)
      .problem.dictionary
  }

  static func bestCosine(_ dictionary: Matrix<Double>, _ atom: [Double]) -> Double {
    (0..<dictionary.rows).map { k in zip(dictionary.row(k), atom).reduce(0) { $0 + $1.0 * $1.1 } }.max() ?? -1
  }

  @Test("A planted atom replaced by a duplicate of another (the learner's stuck state): the moves strictly lower the loss, and the plain learner then recovers the planted atom")
  func duplicateRecovered() async {
    await propertyCheck(count: 12, input: Gen.int(in: 3...6), Gen.int(in: 0...Int(Int32.max))) { atoms, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let truth = RandomMatrices.unitDictionary(atoms: atoms, dimension: 10, &rng)
      let x = Self.world(points: 400, truth: truth, &rng)
      var dictionary = truth
      dictionary.setRow(atoms - 1, to: truth.row(0))
      let before = Self.loss(x, dictionary, 0.05)
      let outcome = EscapeMoves.apply(dictionary: &dictionary, bias: nil, probe: x, lambda: 0.05)
      let after = Self.loss(x, dictionary, 0.05)
      #expect(outcome.accepted >= 1 && (outcome.movedAtoms.contains(atoms - 1) || outcome.movedAtoms.contains(0)))
      #expect(after < before)
      #expect(abs((before - after) - outcome.decrease) <= 1e-9 * before)
      let recovered = Self.bestCosine(Self.refined(x, dictionary), truth.row(atoms - 1))
      #expect(recovered >= 0.95, "planted atom recovered to cosine \(recovered)")
      #expect(LearningWorlds.normError(dictionary) <= 1e-12)
    }
  }

  @Test("A dead atom (pointing away from the data) is moved, and the plain learner then recovers the planted atom it replaces")
  func deadAtomRecovered() async {
    await propertyCheck(count: 12, input: Gen.int(in: 3...6), Gen.int(in: 0...Int(Int32.max))) { atoms, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var truth = RandomMatrices.unitDictionary(atoms: atoms, dimension: 10, &rng)
      for index in truth.storage.indices { truth.storage[index] = abs(truth.storage[index]) }  // data in the positive orthant
      let x = Self.world(points: 400, truth: truth, &rng)
      var dictionary = truth
      dictionary.setRow(atoms - 1, to: [Double](repeating: -1 / Double(10).squareRoot(), count: 10))
      let before = Self.loss(x, dictionary, 0.05)
      let outcome = EscapeMoves.apply(dictionary: &dictionary, bias: nil, probe: x, lambda: 0.05)
      #expect(outcome.movedAtoms == [atoms - 1])
      #expect(Self.loss(x, dictionary, 0.05) < before)
      let recovered = Self.bestCosine(Self.refined(x, dictionary), truth.row(atoms - 1))
      #expect(recovered >= 0.95, "planted atom recovered to cosine \(recovered)")
    }
  }

  @Test("No move is kept without a measured decrease: the probe loss falls by exactly the reported decrease, and nothing changes when no move is kept (with and without a bias)")
  func onlyMeasuredDecreases() async {
    await propertyCheck(count: 30, input: Gen.int(in: 2...6), Gen.int(in: 2...5), Gen.double(in: 0.02...1.0), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, lambda, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = RandomMatrices.gaussian(60, dimension, &rng)
      var dictionary = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      if rng.nextBernoulli(0.5) { dictionary.setRow(atoms - 1, to: dictionary.row(0)) }  // a duplicate half of the time
      let bias: [Double]? = withBias ? (0..<dimension).map { _ in rng.nextNormal() } : nil
      let start = dictionary
      let before = Self.loss(x, dictionary, lambda, bias: bias)
      let outcome = EscapeMoves.apply(dictionary: &dictionary, bias: bias, probe: x, lambda: lambda)
      let after = Self.loss(x, dictionary, lambda, bias: bias)
      #expect(outcome.accepted <= outcome.proposed && outcome.movedAtoms.count == outcome.accepted)
      #expect(abs((before - after) - outcome.decrease) <= 1e-9 * max(1, before))
      if outcome.accepted == 0 {
        #expect(dictionary == start && outcome.decrease == 0)
      } else {
        #expect(outcome.decrease > 0 && after < before)
      }
    }
  }

  @Test("Wasted atoms: the unused ones, then the less used of a pair at cosine ≥ 0.95")
  func wastedAtoms() {
    let dictionary = Matrix<Double>([[1, 0], [0, 1], [0.999, 0.0447], [0.6, 0.8]])
    let codes = Matrix<Double>([[1, 0, 0.5, 0], [2, 1, 0, 0]])
    #expect(EscapeMoves.wastedAtoms(dictionary: dictionary, codes: codes) == [3, 2])
  }
}

@Suite("Escape moves: the exact pair move where the pair condition fails")
struct PairEscapeMovesTests {
  @Test("A planted hierarchy (a child fires only with its parent) fails the no-bias pair condition; the pair move keeps unit atoms and strictly lowers the loss by the reported amount")
  func hierarchyPairMove() async {
    await propertyCheck(count: 15, input: Gen.int(in: 4...8), Gen.int(in: 0...Int(Int32.max))) { dimension, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let truth = RandomMatrices.unitDictionary(atoms: 3, dimension: dimension, &rng)
      var codes = Matrix<Double>(rows: 200, columns: 3)
      for n in 0..<200 {
        if rng.nextBernoulli(0.4) {
          codes[n, 0] = rng.nextUniform(in: 0.5...1.5)  // the parent
          if rng.nextBernoulli(0.5) { codes[n, 1] = rng.nextUniform(in: 0.5...1.5) }  // the child, only with its parent
        }
        if rng.nextBernoulli(0.3) { codes[n, 2] = rng.nextUniform(in: 0.5...1.5) }
      }
      let x = codes * truth
      let exact = ExactCodes.codes(for: x, dictionary: truth, bias: nil, lambda: 0.05)
      // The lasso codes of the truth usually keep the child inside the parent's support; when not, nothing is claimed.
      guard EscapeMoves.failingPairs(dictionary: truth, codes: exact).contains(where: { $0.donor == 1 && $0.receiver == 0 }) else { return }
      // Nor when a random truth has two atoms at cosine ≥ 0.95: the lesser is then a wasted atom, which the
      // escape moves replace first and by design never pair-move after (dimension 4, seed 651348899 drew
      // such a truth and failed CI on 2026-12-07; the wasted-atom move is tested above).
      guard EscapeMoves.wastedAtoms(dictionary: truth, codes: exact).isEmpty else { return }
      var dictionary = truth
      let before = EscapeMovesTests.loss(x, dictionary, 0.05)
      let outcome = EscapeMoves.apply(dictionary: &dictionary, bias: nil, probe: x, lambda: 0.05)
      let after = EscapeMovesTests.loss(x, dictionary, 0.05)
      #expect(outcome.pairMoves >= 1 && outcome.movedAtoms.contains(1))
      #expect(after < before)
      #expect(abs((before - after) - outcome.decrease) <= 1e-9 * before)
      #expect(LearningWorlds.normError(dictionary) <= 1e-12)
    }
  }

  @Test("A planted child atom that is also a near-duplicate (cosine ≥ 0.95) is replaced as a wasted atom and then not pair-moved (dimension 4, seed 651348899)")
  func wastedChildIsNotPairMoved() {
    var rng = Xoshiro256StarStar(seed: 651_348_899)
    let truth = RandomMatrices.unitDictionary(atoms: 3, dimension: 4, &rng)
    var codes = Matrix<Double>(rows: 200, columns: 3)
    for n in 0..<200 {
      if rng.nextBernoulli(0.4) {
        codes[n, 0] = rng.nextUniform(in: 0.5...1.5)
        if rng.nextBernoulli(0.5) { codes[n, 1] = rng.nextUniform(in: 0.5...1.5) }
      }
      if rng.nextBernoulli(0.3) { codes[n, 2] = rng.nextUniform(in: 0.5...1.5) }
    }
    let x = codes * truth
    let exact = ExactCodes.codes(for: x, dictionary: truth, bias: nil, lambda: 0.05)
    #expect(EscapeMoves.wastedAtoms(dictionary: truth, codes: exact) == [1])
    #expect(EscapeMoves.failingPairs(dictionary: truth, codes: exact).contains(where: { $0.donor == 1 && $0.receiver == 0 }))
    var dictionary = truth
    let before = EscapeMovesTests.loss(x, dictionary, 0.05)
    let outcome = EscapeMoves.apply(dictionary: &dictionary, bias: nil, probe: x, lambda: 0.05)
    #expect(outcome.movedAtoms == [1] && outcome.pairMoves == 0 && outcome.accepted == 1)
    #expect(EscapeMovesTests.loss(x, dictionary, 0.05) < before)
  }

  @Test("The failing pairs are exactly the ordered pairs with A_i ⊆ A_j among used atoms")
  func failingPairsByDefinition() {
    let dictionary = Matrix<Double>([[1, 0], [0, 1], [0.6, 0.8]])
    // Atom 1 fires only with atom 0; atom 2 fires once without 0 and without 1; atom 0 fires alone once.
    let codes = Matrix<Double>([[1, 0.5, 0], [2, 0, 0], [0, 0, 1], [1, 1, 1]])
    let pairs = EscapeMoves.failingPairs(dictionary: dictionary, codes: codes).map { [$0.donor, $0.receiver] }
    #expect(pairs == [[1, 0]])
  }
}
