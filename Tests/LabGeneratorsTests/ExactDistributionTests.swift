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

@Suite struct SamplerAgainstEnumerationTests {
  /// The sampler (depth first, lazy) and the enumeration (level-ordered steps over every
  /// pattern) implement the hierarchy independently; on random forests with constant magnitudes
  /// every sampled firing rate must lie within the Hoeffding bound (union over F, δ = 1e−9) of
  /// the exact probability, for both exclusion rules, with and without scaling and compensation.
  @Test("sampled firing rates match the exact distribution on random forests") func rates() async throws {
    await propertyCheck(count: 40, input: Gen.int(in: 2...8), HierarchyTests.rules, Gen.bool, Gen.uint64()) { f, rule, flag, seed in
      var world = RandomWorlds.tree(featureCount: f, exclusion: rule, scale: flag, compensate: !flag, seed: seed)
      world.magnitude = MagnitudeModel(mean: .random(min: 0.5, max: 2), standardDeviation: .constant(0))
      let exact = try ExactDistribution(world: world, seed: seed).firingProbabilities
      let n = 4000
      let codes = try RandomWorlds.codes(world, count: n, seed: seed)
      let t = hoeffdingBound(samples: n, failureProbability: 1e-9 / Double(f))
      for i in 0..<f {
        let rate = Double((0..<n).filter { codes[$0, i] > 0 }.count) / Double(n)
        #expect(abs(rate - exact[i]) <= t, "feature \(i): sampled \(rate), exact \(exact[i]), bound \(t)")
      }
    }
  }
}
