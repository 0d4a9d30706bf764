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
}
