import Foundation
import LabRandom
import PropertyBased
import Testing

/// `portableLog` must agree with the platform's `log` (Foundation, i.e. glibc here) to within
/// a couple of ulp; both are accurate to about half an ulp, so 2 ulp leaves room for both errors.
@Suite struct PortableLogTests {
  func isWithinTwoUlp(_ x: Double) -> Bool {
    let expected = log(x)
    return abs(portableLog(x) - expected) <= 2 * expected.ulp
  }

  @Test func agreesWithLibmOverAllPositiveDoubles() {
    // Bit patterns of every positive finite double, including subnormals, uniformly.
    var generator = SeedTree(root: 2).generator(for: "portable log")
    let maxFinite = Double.greatestFiniteMagnitude.bitPattern
    for _ in 0..<100_000 {
      let x = Double(bitPattern: 1 + UInt64(generator.nextInt(below: Int(maxFinite))))
      #expect(isWithinTwoUlp(x), "portableLog(\(x)) = \(portableLog(x)), log = \(log(x))")
    }
  }

  @Test func agreesWithLibmNearOne() async {
    await propertyCheck(input: Gen.double(in: 0.5...2.0)) { x in
      #expect(isWithinTwoUlp(x))
      let near = 1 + (x - 1) * 0x1p-30
      #expect(isWithinTwoUlp(near))
    }
  }

  @Test func exactAndSpecialValues() {
    #expect(portableLog(1) == 0)
    #expect(portableLog(0) == -.infinity)
    #expect(portableLog(.infinity) == .infinity)
    #expect(portableLog(-1).isNaN)
    #expect(portableLog(.nan).isNaN)
    #expect(isWithinTwoUlp(.leastNonzeroMagnitude))
    #expect(isWithinTwoUlp(.greatestFiniteMagnitude))
  }

  /// The method written out plainly (generic `significand`/`exponent`, the series' coefficients
  /// divided at run time): the library's fast form must give its bits, so that every seeded
  /// normal sample, and every world and weight drawn from them, keeps its bytes.
  static func plainLog(_ x: Double) -> Double {
    var m = x.significand, e = Double(x.exponent)
    if m > Double(bitPattern: 0x3FF6_A09E_667F_3BCD) { m *= 0.5; e += 1 }
    let f = m - 1, s = f / (2 + f), z = s * s
    var r = 2.0 / 21
    for denominator in stride(from: 19.0, through: 3.0, by: -2.0) { r = r * z + 2 / denominator }
    r *= z
    let halfFSquared = 0.5 * f * f
    return e * Double(bitPattern: 0x3FE6_2E42_FEE0_0000)
      - ((halfFSquared - (s * (halfFSquared + r) + e * Double(bitPattern: 0x3DEA_39EF_3579_3C76))) - f)
  }

  @Test func givesThePlainMethodsBits() {
    var generator = SeedTree(root: 3).generator(for: "portable log bits")
    let maxFinite = Double.greatestFiniteMagnitude.bitPattern
    for _ in 0..<100_000 {
      let x = Double(bitPattern: 1 + UInt64(generator.nextInt(below: Int(maxFinite))))
      #expect(portableLog(x).bitPattern == Self.plainLog(x).bitPattern, "x = \(x)")
      // The arguments nextNormal takes its logarithm of: s = u² + v² in (0, 1).
      let s = generator.nextUniform()
      if s > 0 { #expect(portableLog(s).bitPattern == Self.plainLog(s).bitPattern, "s = \(s)") }
    }
    for x in [Double.leastNonzeroMagnitude, .leastNormalMagnitude, .leastNormalMagnitude.nextDown, 1, 2, 0.5, .greatestFiniteMagnitude] {
      #expect(portableLog(x).bitPattern == Self.plainLog(x).bitPattern, "x = \(x)")
    }
  }
}
