import LabGenerators
import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct ExactDistributionTests {
  /// A small tree world with constant magnitudes, exclusive children and compensation.
  static func world(exclusion: HierarchySpec.Exclusion) -> TreeWorld {
    TreeWorld(featureCount: 6, firing: .linear(start: 0.5, end: 0.2),
              magnitude: MagnitudeModel(mean: .linear(start: 1.5, end: 0.5)),
              hierarchy: HierarchySpec(parents: [nil, 0, 0, 0, 1, nil], exclusiveParents: [0], exclusion: exclusion,
                                       compensateProbabilities: true),
              embedding: Embedding(inputDimension: 4, directions: DirectionSpec(kind: "random"), bias: 0.3))
  }

  @Test("outcome probabilities add up to one and respect the hierarchy", arguments: HierarchySpec.Exclusion.allCases)
  func outcomes(exclusion: HierarchySpec.Exclusion) throws {
    let exact = try ExactDistribution(world: Self.world(exclusion: exclusion), seed: 5)
    #expect(abs(exact.outcomes.reduce(0) { $0 + $1.probability } - 1) <= 1e-14)
    for outcome in exact.outcomes {
      let z = outcome.codes
      #expect([1, 2, 3].filter { z[$0] > 0 }.count <= (z[0] > 0 ? 1 : 0))
      if exclusion == .exactlyOne && z[0] > 0 { #expect([1, 2, 3].filter { z[$0] > 0 }.count == 1) }
      if z[4] > 0 { #expect(z[1] > 0) }
    }
  }

  /// The sampled mean of f(x) = ‖x‖² converges to the exact population value: f lies in
  /// [0, B] with B = max over outcomes, so by Hoeffding |mean − E f| < B·√(ln(2/δ)/(2n)) with
  /// probability ≥ 1 − δ; δ = 1e−9, n = 20 000, seed fixed.
  @Test("sampled E‖x‖² converges to the enumerated value within the Hoeffding bound", arguments: HierarchySpec.Exclusion.allCases)
  func samplingConverges(exclusion: HierarchySpec.Exclusion) throws {
    let world = Self.world(exclusion: exclusion)
    let seed: UInt64 = 77
    let exact = try ExactDistribution(world: world, seed: seed)
    var generator = try WorldGenerator(world: world, seed: seed)
    let d = generator.dictionary, b = generator.bias
    func squaredNorm(_ z: [Double]) -> Double {
      (0..<d.columns).reduce(0.0) { sum, j in
        let x = b[j] + (0..<d.rows).reduce(0.0) { $0 + z[$1] * d[$1, j] }
        return sum + x * x
      }
    }
    let expected = exact.expectation(squaredNorm)
    let range = exact.outcomes.map { squaredNorm($0.codes) }.max() ?? 0
    let n = 20_000
    let samples = generator.next(n).samples
    let mean = (0..<n).reduce(0.0) { sum, r in sum + samples.row(r).reduce(0) { $0 + $1 * $1 } } / Double(n)
    let bound = hoeffdingBound(samples: n, range: range, failureProbability: 1e-9)
    #expect(abs(mean - expected) <= bound, "sampled \(mean), exact \(expected), bound \(bound)")
  }

  /// For independent features the exact marginals are the probabilities themselves.
  @Test("independent worlds: exact marginals equal the firing probabilities") func independentMarginals() async throws {
    await propertyCheck(count: 20, input: Gen.int(in: 1...8), Gen.uint64()) { f, seed in
      let world = IndependentWorld(featureCount: f, firing: .random(min: 0, max: 1), embedding: Embedding(inputDimension: 2))
      let exact = try ExactDistribution(world: world, seed: seed)
      let p = try WorldGenerator(world: world, seed: seed).sampler.structure.firingProbabilities ?? []
      for (a, b) in zip(exact.firingProbabilities, p) { #expect(abs(a - b) <= 1e-14) }
    }
  }

  @Test("enumeration refuses random magnitudes and correlation") func refusals() {
    var world = Self.world(exclusion: .atMostOne)
    world.magnitude.standardDeviation = .constant(0.1)
    #expect(throws: WorldError.self) { try ExactDistribution(world: world, seed: 1) }
    world.magnitude.standardDeviation = .constant(0)
    world.correlation = CorrelationSpec(kind: "low-rank", rank: 1, scale: 0.3)
    #expect(throws: WorldError.self) { try ExactDistribution(world: world, seed: 1) }
  }
}
