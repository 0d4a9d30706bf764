/// Named sub-seeds derived from one root seed, so that every random consumer in an experiment has
/// its own reproducible stream.
///
/// The derivation is part of the lab's reproducibility contract and never changes:
///
///     seed(for: path) = mix(mix(root) ^ fnv1a64(path.utf8))
///
/// where `fnv1a64` is the 64-bit FNV-1a hash (offset basis `0xCBF29CE484222325`, prime
/// `0x100000001B3`) of the path's UTF-8 bytes and `mix` is the SplitMix64 finaliser. A seed depends
/// only on the root and its own path, so adding, removing or reordering other names never changes it.
/// Paths are free-form; the lab uses slash-separated names such as `"toy/dictionary"`.
public struct SeedTree: Sendable, Codable, Equatable {
  /// The root seed every sub-seed is derived from.
  public let root: UInt64

  /// A tree rooted at `root`.
  public init(root: UInt64) {
    self.root = root
  }

  /// The sub-seed named `path` (see the type's documentation for the exact formula).
  public func seed(for path: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in path.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    return SplitMix64.finalise(SplitMix64.finalise(root) ^ hash)
  }

  /// A fresh generator seeded with ``seed(for:)``.
  public func generator(for path: String) -> Xoshiro256StarStar {
    Xoshiro256StarStar(seed: seed(for: path))
  }
}
