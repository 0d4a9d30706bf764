import LabGenerators
import LabRandom
import PropertyBased
import Testing

@Suite struct NormalDistributionTests {
  /// For x ≤ 0, p = Φ(x) carries a relative rounding error of about 1e−16, which moves the
  /// quantile by about 1e−16·p/φ(x) ≤ 1.3e−16 (the Mills ratio p/φ(x) is at most 1.25 for
  /// x ≤ 0), far below the 1e−12 allowed. For x > 0 the information is lost in p itself
  /// (p near 1 has an absolute spacing of 1.1e−16, i.e. 1.1e−16/φ(x) in x), so x > 0 is
  /// covered by the upper quantile and symmetry instead.
  @Test("quantile inverts the CDF") func quantile() async {
    await propertyCheck(input: Gen.double(in: -8...0)) { x in
      let p = NormalDistribution.cdf(x)
      #expect(abs(NormalDistribution.quantile(p) - x) <= 1e-12 * max(1, abs(x)))
      #expect(abs(NormalDistribution.upperQuantile(p) + x) <= 1e-12 * max(1, abs(x)))
    }
    #expect(NormalDistribution.quantile(0.5) == 0)
    #expect(abs(NormalDistribution.upperQuantile(0.025) - 1.959963984540054) <= 1e-14)
    #expect(abs(NormalDistribution.upperQuantile(5e-4) - 3.2905267314918945) <= 1e-13)
  }

  /// The tabulated decision agrees with comparing u to Φ̄(a) = Φ(−a) directly.
  @Test("upper-tail decision equals the direct comparison") func tailDecision() async {
    await propertyCheck(count: 1000, input: Gen.double(in: -10...10), Gen.double(in: 0...1)) { a, u in
      #expect(NormalDistribution.upperTailExceeds(a, u) == (u < NormalDistribution.cdf(-a)))
    }
  }
}
