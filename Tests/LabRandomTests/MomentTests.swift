import LabRandom
import Testing

/// Moment checks with n = 200 000 samples.
///
/// Bound: for i.i.d. samples with mean μ and standard deviation σ, the sample mean is approximately
/// N(μ, σ²/n) (central limit theorem), so |mean − μ| ≤ 6σ/√n fails for a correct sampler with
/// probability 2·Φ(−6) ≈ 2.0e-9 per check. The file makes 19 such checks, so the chance of a
/// false failure is below 4e-8. Each check below states μ and σ² of the averaged quantity.
///
/// The seeds are fixed so that the suite is deterministic: the generators are pure functions of
/// their seed, the seeds were not chosen by looking at the outcome, and a fixed seed is exactly as
/// likely to expose a broken sampler as a fresh one, while never making CI flaky.
@Suite struct MomentTests {
  static let sampleCount = 200_000

  /// Whether the sample mean of `values` is within 6σ/√n of `mean`.
  func meanIsClose(_ values: [Double], to mean: Double, variance: Double) -> Bool {
    let sampleMean = values.reduce(0, +) / Double(values.count)
    return abs(sampleMean - mean) <= 6 * (variance / Double(values.count)).squareRoot()
  }

  @Test func uniformMoments() {
    var generator = SeedTree(root: 1).generator(for: "uniform")
    let u = (0..<Self.sampleCount).map { _ in generator.nextUniform() }
    // U(0,1): μ = 1/2, σ² = 1/12. (U − ½)²: μ = 1/12, σ² = E(U − ½)⁴ − 1/144 = 1/80 − 1/144 = 1/180.
    #expect(meanIsClose(u, to: 0.5, variance: 1.0 / 12))
    #expect(meanIsClose(u.map { ($0 - 0.5) * ($0 - 0.5) }, to: 1.0 / 12, variance: 1.0 / 180))
    // U(−3, 5) = −3 + 8U: μ = 1, σ² = 64/12.
    let scaled = (0..<Self.sampleCount).map { _ in generator.nextUniform(in: -3...5) }
    #expect(meanIsClose(scaled, to: 1, variance: 64.0 / 12))
  }

  @Test func standardNormalMoments() {
    var generator = SeedTree(root: 1).generator(for: "normal")
    let z = (0..<Self.sampleCount).map { _ in generator.nextNormal() }
    // Z: μ = 0, σ² = 1. Z²: μ = 1, σ² = E Z⁴ − 1 = 2. Z³: μ = 0, σ² = E Z⁶ = 15. Z⁴: μ = 3, σ² = E Z⁸ − 9 = 96.
    #expect(meanIsClose(z, to: 0, variance: 1))
    #expect(meanIsClose(z.map { $0 * $0 }, to: 1, variance: 2))
    #expect(meanIsClose(z.map { $0 * $0 * $0 }, to: 0, variance: 15))
    #expect(meanIsClose(z.map { $0 * $0 * $0 * $0 }, to: 3, variance: 96))
  }

  @Test func shiftedNormalMoments() {
    var generator = SeedTree(root: 1).generator(for: "shifted normal")
    let x = (0..<Self.sampleCount).map { _ in generator.nextNormal(mean: 3, standardDeviation: 2) }
    // X = 3 + 2Z: μ = 3, σ² = 4. (X − 3)²: μ = 4, σ² = 16 · 2 = 32.
    #expect(meanIsClose(x, to: 3, variance: 4))
    #expect(meanIsClose(x.map { ($0 - 3) * ($0 - 3) }, to: 4, variance: 32))
  }

  @Test func bernoulliMean() {
    var generator = SeedTree(root: 1).generator(for: "bernoulli")
    let b = (0..<Self.sampleCount).map { _ in generator.nextBernoulli(0.3) ? 1.0 : 0.0 }
    // Bernoulli(0.3): μ = 0.3, σ² = 0.3 · 0.7.
    #expect(meanIsClose(b, to: 0.3, variance: 0.21))
  }

  @Test func nextIntIsUniformOverItsRange() {
    var generator = SeedTree(root: 1).generator(for: "int")
    let k = (0..<Self.sampleCount).map { _ in generator.nextInt(below: 7) }
    // Uniform on 0..<7: μ = 3, σ² = (7² − 1)/12 = 4.
    #expect(meanIsClose(k.map(Double.init), to: 3, variance: 4))
    // Each of the 7 bucket indicators: μ = 1/7, σ² = (1/7)(6/7).
    for bucket in 0..<7 {
      #expect(meanIsClose(k.map { $0 == bucket ? 1 : 0 }, to: 1.0 / 7, variance: 6.0 / 49))
    }
  }

  /// With n = 3·2⁶¹, 2⁶⁴ mod n = 2⁶², so plain `next() % n` would put 3/8 of the mass below n/3 and
  /// an unrejected multiply-shift would also be biased; an unbiased sampler puts 1/3 there.
  @Test func nextIntHasNoModuloBias() {
    var generator = SeedTree(root: 1).generator(for: "bias")
    let n = 3 << 61
    let below = (0..<Self.sampleCount).map { _ in generator.nextInt(below: n) < n / 3 ? 1.0 : 0.0 }
    // Indicator: μ = 1/3, σ² = 2/9; 6σ/√n ≈ 0.0063, far smaller than the 0.042 bias of modulo reduction.
    #expect(meanIsClose(below, to: 1.0 / 3, variance: 2.0 / 9))
  }
}
