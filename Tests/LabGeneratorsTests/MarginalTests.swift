import LabGenerators
import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct MarginalTests {
  /// Firing indicators are in [0, 1]; with n samples, F features and a union bound, every
  /// empirical rate is within t = √(ln(2F/δ)/(2n)) of pᵢ with probability ≥ 1 − δ, δ = 1e−9
  /// per property run (100 runs: overall failure probability ≤ 1e−7).
  static let delta = 1e-9

  static func rates(_ codes: Matrix<Double>) -> [Double] {
    (0..<codes.columns).map { i in Double((0..<codes.rows).filter { codes[$0, i] > 0 }.count) / Double(codes.rows) }
  }

  @Test("independent firing marginals are within the Hoeffding bound") func independentMarginals() async throws {
    let profiles: [FeatureProfile] = [.constant(0.3), .linear(start: 0.5, end: 0.01), .zipf(exponent: 1, max: 0.4, min: 0.01),
                                      .random(min: 0.01, max: 0.9)]
    // Per batch, with batches of 7 samples: 572 streams, one after another, must keep the marginals.
    await propertyCheck(count: 40, input: Gen.int(in: 0...3), Gen.int(in: 1...10), Gen.uint64(), Gen.bool) { kind, f, seed, perBatch in
      let world = IndependentWorld(featureCount: f, firing: profiles[kind], magnitude: MagnitudeModel(mean: .constant(1)),
                                   embedding: Embedding(inputDimension: 3))
      let n = 4000
      var generator = try WorldGenerator(world: world, seed: seed, batchSize: perBatch ? 7 : WorldGenerator.defaultBatchSize,
                                         streams: perBatch ? .perBatch : .single)
      let codes = generator.next(n).codes
      let p = generator.sampler.structure.firingProbabilities ?? []
      let t = hoeffdingBound(samples: n, failureProbability: Self.delta / Double(f))
      for (rate, pi) in zip(Self.rates(codes), p) { #expect(abs(rate - pi) <= t, "rate \(rate), p \(pi), bound \(t)") }
    }
  }

  /// Gaussian copula (full and low-rank): each marginal stays pᵢ. Magnitudes are 1 so that
  /// "fired" and "active" coincide.
  @Test("copula marginals are preserved (full and low-rank)") func copulaMarginals() async throws {
    await propertyCheck(count: 30, input: Gen.bool, Gen.int(in: 2...8), Gen.uint64()) { lowRank, f, seed in
      let correlation = lowRank
        ? CorrelationSpec(kind: "low-rank", rank: 2, scale: 0.6)
        : CorrelationSpec(kind: "full", pairs: [.init(features: [0, 1], correlation: 0.9), .init(features: [1, f - 1], correlation: -0.6)])
      let world = IndependentWorld(featureCount: f, firing: .random(min: 0.02, max: 0.8), correlation: correlation,
                                   embedding: Embedding(inputDimension: 3))
      let n = 4000
      var generator = try WorldGenerator(world: world, seed: seed)
      let codes = generator.next(n).codes
      let p = generator.sampler.structure.firingProbabilities ?? []
      let t = hoeffdingBound(samples: n, failureProbability: Self.delta / Double(f))
      for (rate, pi) in zip(Self.rates(codes), p) { #expect(abs(rate - pi) <= t, "rate \(rate), p \(pi), bound \(t)") }
    }
  }

  /// The copula correlates firing: with latent correlation 0.9 and p = 0.2 the joint firing rate
  /// P(z₀ > τ, z₁ > τ) is about 0.15 (bivariate normal orthant), far above p² = 0.04; the
  /// sampled rate must exceed p² + 2t (t the Hoeffding bound), and be below p = 0.2 + t.
  @Test("copula co-firing exceeds independence for a positive correlation") func copulaCorrelates() throws {
    let world = IndependentWorld(featureCount: 2, firing: .constant(0.2),
                                 correlation: CorrelationSpec(kind: "full", pairs: [.init(features: [0, 1], correlation: 0.9)]),
                                 embedding: Embedding(inputDimension: 2))
    let n = 20_000
    let codes = try RandomWorlds.codes(world, count: n, seed: 11)
    let both = Double((0..<n).filter { codes[$0, 0] > 0 && codes[$0, 1] > 0 }.count) / Double(n)
    let t = hoeffdingBound(samples: n, failureProbability: 1e-9)
    #expect(both > 0.04 + 2 * t && both < 0.2 + t)
  }

  /// Exclusive groups: a member's marginal is (1 − p_empty)·wᵢ/Σw, and never two per group.
  @Test("exclusive-groups marginals and one-hot rule") func exclusiveGroups() async throws {
    await propertyCheck(count: 30, input: Gen.int(in: 2...5), Gen.bool, Gen.uint64()) { size, empty, seed in
      let world = ExclusiveGroupsWorld(groups: [size, 2], emptyProbability: empty ? 0.3 : 0, memberWeights: .random(min: 0.1, max: 1),
                                       embedding: Embedding(inputDimension: 4))
      let n = 4000
      var generator = try WorldGenerator(world: world, seed: seed)
      let codes = generator.next(n).codes
      for r in 0..<n {
        for group in [Array(0..<size), [size, size + 1]] {
          let active = group.filter { codes[r, $0] > 0 }.count
          #expect(empty ? active <= 1 : active == 1)
        }
      }
      let p = generator.sampler.structure.firingProbabilities ?? []
      let t = hoeffdingBound(samples: n, failureProbability: Self.delta / Double(size + 2))
      for (rate, pi) in zip(Self.rates(codes), p) { #expect(abs(rate - pi) <= t) }
    }
  }
}

@Suite struct CorrelationSpecTests {
  /// Pairs (0,1) = (1,2) = 0.9 and (0,2) = −0.9 give an indefinite matrix; SAELens's repair
  /// (clip eigenvalues at 1e−6, rescale to a unit diagonal) must give a correlation matrix, and
  /// the Cholesky factor must reproduce it.
  @Test("an indefinite set of pairs is repaired to a correlation matrix") func repair() throws {
    let spec = CorrelationSpec(kind: "full", pairs: [.init(features: [0, 1], correlation: 0.9), .init(features: [1, 2], correlation: 0.9),
                                                     .init(features: [0, 2], correlation: -0.9)])
    guard case .full(let l, let sigma) = try spec.resolved(featureCount: 3, seeds: SeedTree(root: 1), path: "c") else {
      Issue.record("expected a full latent")
      return
    }
    let (values, _) = try sigma.symmetricEigen()
    #expect(values.min() ?? -1 >= 1e-6 * 0.5)
    for i in 0..<3 { #expect(abs(sigma[i, i] - 1) <= 1e-15) }
    let rebuilt = l.multiplied(by: l, transposingOther: true)
    for (a, b) in zip(rebuilt.storage, sigma.storage) { #expect(abs(a - b) <= 1e-12) }
    #expect(sigma[0, 1] > 0 && sigma[0, 2] < 0)
  }

  /// Low-rank: δ = 1 − rowsum(F²), and rows whose δ would fall below 0.01 are rescaled to 0.01.
  @Test("low-rank factors keep a unit diagonal with δ ≥ 0.01") func lowRank() throws {
    let spec = CorrelationSpec(kind: "low-rank", rank: 3, scale: 0.8)
    guard case .lowRank(let f, let delta) = try spec.resolved(featureCount: 50, seeds: SeedTree(root: 2), path: "c") else {
      Issue.record("expected a low-rank latent")
      return
    }
    for i in 0..<50 {
      let norm = (0..<3).reduce(0.0) { $0 + f[i, $1] * f[i, $1] }
      #expect(abs(norm + delta[i] - 1) <= 1e-15 && delta[i] >= 0.01 - 1e-15)
    }
    #expect(delta.contains { abs($0 - 0.01) <= 1e-15 })  // scale 0.8, rank 3: some rows are rescaled
  }
}
