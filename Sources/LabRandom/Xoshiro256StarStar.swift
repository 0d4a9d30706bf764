/// Blackman and Vigna's xoshiro256** 1.0, the lab's workhorse generator (period 2²⁵⁶ − 1).
///
/// The 256-bit state is four consecutive outputs of ``SplitMix64`` started at the seed, as the
/// authors recommend. The stream depends only on the seed, so it is identical on every platform and
/// in every release of the lab. Prefer ``SeedTree/generator(for:)`` to seeding directly.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
  @usableFromInline var s0: UInt64
  @usableFromInline var s1: UInt64
  @usableFromInline var s2: UInt64
  @usableFromInline var s3: UInt64

  /// A generator whose state is the first four outputs of `SplitMix64(seed: seed)`.
  ///
  /// Those four words are never all zero (the finaliser is a bijection applied to four distinct
  /// counters), so every seed gives a valid state.
  public init(seed: UInt64) {
    var seeder = SplitMix64(seed: seed)
    s0 = seeder.next()
    s1 = seeder.next()
    s2 = seeder.next()
    s3 = seeder.next()
  }

  /// The next 64 random bits.
  @inlinable
  public mutating func next() -> UInt64 {
    let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3.rotatedLeft(by: 45)
    return result
  }
}

extension UInt64 {
  /// The bits rotated left by `k` places, `0 < k < 64`.
  @inlinable
  func rotatedLeft(by k: UInt64) -> UInt64 {
    (self << k) | (self >> (64 - k))
  }
}
