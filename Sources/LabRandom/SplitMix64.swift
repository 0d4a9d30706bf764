/// Steele, Lea and Flood's SplitMix64 generator (the `splitmix64.c` reference by Sebastiano Vigna).
///
/// Each call adds the golden-ratio increment `0x9E3779B97F4A7C15` to a 64-bit counter and returns
/// the counter passed through the SplitMix64 finaliser. The stream depends only on the seed, so it
/// is identical on every platform and in every release of the lab. It is used to seed
/// ``Xoshiro256StarStar`` and, through its finaliser, to derive ``SeedTree`` sub-seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The counter; the next output is `finalise(state &+ 0x9E3779B97F4A7C15)`.
  @usableFromInline var state: UInt64

  /// A generator whose counter starts at `seed`.
  public init(seed: UInt64) {
    state = seed
  }

  /// The next 64 random bits.
  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.finalise(state)
  }

  /// The SplitMix64 output function (a variant of MurmurHash3's `fmix64`), a bijection on 64-bit words
  /// in which every input bit affects every output bit.
  @inlinable
  static func finalise(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
