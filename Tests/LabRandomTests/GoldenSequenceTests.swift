import LabRandom
import Testing

/// Golden values pin the generators, the sub-seed hash and the normal sampler across platforms and
/// releases. SplitMix64's values are those of Vigna's `splitmix64.c`. All others were computed with
/// this independent Python reference (Python floats are IEEE-754 doubles with correctly rounded
/// `+ - * /` and `math.sqrt`, so the normal samples must agree bit for bit):
///
///     import math, struct
///     M = (1 << 64) - 1
///     def fin(z):
///         z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
///         z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
///         return z ^ (z >> 31)
///     def splitmix(seed):
///         while True:
///             seed = (seed + 0x9E3779B97F4A7C15) & M
///             yield fin(seed)
///     def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
///     def xoshiro(seed):
///         sm = splitmix(seed); s = [next(sm) for _ in range(4)]
///         while True:
///             r = (rotl((s[1] * 5) & M, 7) * 9) & M
///             t = (s[1] << 17) & M
///             s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
///             yield r
///     def fnv(path):
///         h = 0xCBF29CE484222325
///         for b in path.encode('utf-8'): h = ((h ^ b) * 0x100000001B3) & M
///         return h
///     def seed_for(root, path): return fin(fin(root) ^ fnv(path))
///     def d(bits): return struct.unpack('<d', struct.pack('<Q', bits))[0]
///     def plog(x):
///         mp, ep = math.frexp(x); m = mp * 2.0; e = float(ep - 1)
///         if m > d(0x3FF6A09E667F3BCD): m *= 0.5; e += 1
///         f = m - 1; s = f / (2 + f); z = s * s; r = 2.0 / 21
///         for den in range(19, 2, -2): r = r * z + 2 / float(den)
///         r *= z; h = 0.5 * f * f
///         return e * d(0x3FE62E42FEE00000) - ((h - (s * (h + r) + e * d(0x3DEA39EF35793C76))) - f)
///     def normal(g):
///         while True:
///             u = 2 * ((next(g) >> 11) * 2.0**-53) - 1; v = 2 * ((next(g) >> 11) * 2.0**-53) - 1
///             s = u * u + v * v
///             if 0 < s < 1: return u * math.sqrt(-2 * plog(s) / s)
@Suite struct GoldenSequenceTests {
  @Test func splitMix64MatchesTheReference() {
    var generator = SplitMix64(seed: 1_234_567)
    let values = (0..<5).map { _ in generator.next() }
    #expect(
      values == [
        6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
        4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
      ])
  }

  @Test func xoshiro256StarStarMatchesThePythonReference() {
    var generator = Xoshiro256StarStar(seed: 1_234_567)
    let values = (0..<5).map { _ in generator.next() }
    #expect(
      values == [
        3_504_822_795_582_309_479, 1_819_558_768_956_484_042, 1_250_851_346_055_027_673,
        16_940_231_675_099_994_102, 11_585_879_347_611_423_030,
      ])
    var zeroSeeded = Xoshiro256StarStar(seed: 0)
    #expect(
      (0..<3).map { _ in zeroSeeded.next() } == [
        11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768,
      ])
  }

  @Test(arguments: [
    (UInt64(0), "", UInt64(17_665_956_581_633_026_203)),
    (42, "toy/dictionary", 1_156_265_071_687_176_827),
    (42, "toy/codes", 6_306_616_459_154_832_180),
    (2026, "π/ü", 11_765_632_420_062_891_295),
  ])
  func seedTreeMatchesThePythonReference(root: UInt64, path: String, expected: UInt64) {
    #expect(SeedTree(root: root).seed(for: path) == expected)
  }

  @Test func normalSamplesAreBitIdenticalToThePythonReference() {
    var generator = Xoshiro256StarStar(seed: 2024)
    let bits = (0..<6).map { _ in generator.nextNormal().bitPattern }
    #expect(
      bits == [
        0x3FE9_356A_7A1B_BE22, 0xBFE4_5648_F30D_6B8E, 0x3FB4_30BD_816B_81EC,
        0x3FC4_8298_177B_4179, 0x3FEB_C6E2_10B7_57C2, 0x3FE2_750F_EF43_97FD,
      ])
  }
}
