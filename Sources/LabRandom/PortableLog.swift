/// The natural logarithm computed with only `+`, `-`, `*`, `/` and exact exponent/significand
/// manipulation, so that it returns bit-identical results on every IEEE-754 platform.
///
/// It exists for cross-platform reproducibility: libm's `log` differs between platforms and C
/// libraries in the last ulp, which would make seeded normal samples (``RandomNumberGenerator/nextNormal()``)
/// differ between machines. It agrees with glibc's `log` to within one ulp (worst case over 300 000
/// random inputs; the tests allow two).
///
/// Method (as in fdlibm's `e_log.c`): write `x = 2^e · m` with `m` in `(√½, √2]`, put `f = m − 1`
/// (exact) and `s = f / (2 + f)`, so that `log m = log(1 + f) = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + …`.
/// With `|s| ≤ 0.1716` the series through `s²¹` is exact to double precision. The result is assembled
/// as `e·ln2_hi + (f − f²/2 + s·(f²/2 + R) + e·ln2_lo)`, where `ln2_hi` has enough trailing zero bits
/// that `e·ln2_hi` is exact.
///
/// Special values: `portableLog(0) == -.infinity`, `portableLog(.infinity) == .infinity`, and NaN for
/// NaN or negative input. Subnormal inputs are handled (`significand` and `exponent` are exact).
public func portableLog(_ x: Double) -> Double {
  if x.isNaN || x < 0 { return .nan }
  if x == 0 { return -.infinity }
  if x == .infinity { return .infinity }

  let sqrtTwo = Double(bitPattern: 0x3FF6_A09E_667F_3BCD)  // 1.4142135623730951
  let ln2Hi = Double(bitPattern: 0x3FE6_2E42_FEE0_0000)  // 6.93147180369123816490e-01
  let ln2Lo = Double(bitPattern: 0x3DEA_39EF_3579_3C76)  // 1.90821492927058770002e-10

  // x = 2^e · m with m in [1, 2): read from the bits for a normal x (the common case, and what
  // `significand` and `exponent` return for it), through those properties for a subnormal one.
  var m: Double, e: Double
  if x.isNormal {
    let bits = x.bitPattern
    m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
    e = Double(Int((bits >> 52) & 0x7FF) - 1023)
  } else {
    m = x.significand
    e = Double(x.exponent)
  }
  if m > sqrtTwo {
    m *= 0.5
    e += 1
  }
  let f = m - 1
  let s = f / (2 + f)
  let z = s * s
  // R = 2z/3 + 2z²/5 + … + 2z¹⁰/21, by Horner's rule in z; each 2/k is the correctly rounded quotient.
  var r = 2.0 / 21
  r = r * z + 2.0 / 19
  r = r * z + 2.0 / 17
  r = r * z + 2.0 / 15
  r = r * z + 2.0 / 13
  r = r * z + 2.0 / 11
  r = r * z + 2.0 / 9
  r = r * z + 2.0 / 7
  r = r * z + 2.0 / 5
  r = r * z + 2.0 / 3
  r *= z
  let halfFSquared = 0.5 * f * f
  return e * ln2Hi - ((halfFSquared - (s * (halfFSquared + r) + e * ln2Lo)) - f)
}
