/// Samplers on top of any 64-bit generator. Each is a fixed function of the generator's output
/// stream, built from correctly rounded IEEE-754 operations only (no libm), so a seeded stream of
/// samples is bit-identical on every platform.
extension RandomNumberGenerator {
  /// A uniform sample from `[0, 1)`: the top 53 bits of `next()` scaled by 2⁻⁵³.
  @inlinable
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// `lower + (upper − lower) · u` with `u` from ``nextUniform()``.
  @inlinable
  public mutating func nextUniform(in range: ClosedRange<Double>) -> Double {
    range.lowerBound + (range.upperBound - range.lowerBound) * nextUniform()
  }

  /// A uniform integer from `0..<n`, `n ≥ 1`, without modulo bias (Lemire's multiply-and-reject method,
  /// "Fast random integer generation in an interval", 2019).
  @inlinable
  public mutating func nextInt(below n: Int) -> Int {
    precondition(n >= 1, "nextInt(below:) needs n >= 1, got \(n).")
    let bound = UInt64(n)
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound  // 2⁶⁴ mod n
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return Int(product.high)
  }

  /// A standard normal sample by Marsaglia's polar method.
  ///
  /// Draws `u, v` uniform on `[−1, 1)` until `0 < s = u² + v² < 1` and returns `u · √(−2 log s / s)`.
  /// The logarithm is ``portableLog(_:)`` and the root is the correctly rounded `squareRoot()`, so the
  /// result is bit-identical across platforms. The method yields a pair; the second value
  /// (`v · …`) is discarded so that the sampler needs no state besides the generator.
  @inlinable
  public mutating func nextNormal() -> Double {
    while true {
      let u = 2 * nextUniform() - 1
      let v = 2 * nextUniform() - 1
      let s = u * u + v * v
      if s > 0 && s < 1 {
        return u * (-2 * portableLog(s) / s).squareRoot()
      }
    }
  }

  /// A normal sample with the given mean and standard deviation: `mean + standardDeviation · z`.
  @inlinable
  public mutating func nextNormal(mean: Double, standardDeviation: Double) -> Double {
    mean + standardDeviation * nextNormal()
  }

  /// `true` with probability `p` (`nextUniform() < p`); `p ≤ 0` never and `p ≥ 1` always.
  @inlinable
  public mutating func nextBernoulli(_ p: Double) -> Bool {
    nextUniform() < p
  }
}
