import Foundation
import LabTestSupport
import LabRandom

/// Hostile variants of a valid file: truncated, bit-flipped, overwritten, spliced, with numbers
/// replaced by oversized or ill-typed ones and JSON tokens inserted. A mutation is a pure
/// function of (valid bytes, seed), so a failing case is reproduced by its seed.
enum HostileBytes {
  /// Numbers that break readers which trust a size, an index or a type.
  static let hostileNumbers = [
    "0", "-1", "1", "2", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "99999999999999999999999999", "1e308", "1e999", "-1e999", "4.5", "-0", "1e-320", "NaN",
  ]
  /// JSON tokens that change a value's type or the structure.
  static let hostileTokens = ["null", "[]", "{}", "\"\"", "true", "-", ",", "]", "}", "\"NaN\"", "[[[[", "\"x\":"]

  /// One to three stacked mutations of `valid`, chosen by `seed`.
  static func mutate(_ valid: Data, seed: UInt64) -> Data {
    var rng = Xoshiro256StarStar(seed: seed)
    var bytes = [UInt8](valid)
    for _ in 0..<(1 + rng.nextInt(below: 3)) { mutate(&bytes, &rng) }
    return Data(bytes)
  }

  private static func mutate(_ bytes: inout [UInt8], _ rng: inout Xoshiro256StarStar) {
    let n = bytes.count
    func position() -> Int { n == 0 ? 0 : rng.nextInt(below: n) }
    switch rng.nextInt(below: 8) {
    case 0:  // truncate
      bytes = Array(bytes.prefix(position()))
    case 1:  // flip 1…8 bits
      guard n > 0 else { return }
      for _ in 0..<(1 + rng.nextInt(below: 8)) { bytes[position()] ^= UInt8(1) << UInt8(rng.nextInt(below: 8)) }
    case 2:  // overwrite 1…16 bytes
      guard n > 0 else { return }
      for _ in 0..<(1 + rng.nextInt(below: 16)) { bytes[position()] = UInt8(truncatingIfNeeded: rng.next()) }
    case 3:  // insert 1…32 random bytes
      let insert = (0..<(1 + rng.nextInt(below: 32))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      bytes.insert(contentsOf: insert, at: position())
    case 4:  // delete a range
      guard n > 0 else { return }
      let start = position()
      bytes.removeSubrange(start..<min(n, start + 1 + rng.nextInt(below: 64)))
    case 5:  // duplicate a range
      guard n > 0 else { return }
      let start = position()
      let chunk = Array(bytes[start..<min(n, start + 1 + rng.nextInt(below: 256))])
      bytes.insert(contentsOf: chunk, at: position())
    case 6:  // replace a number (a size, shape, offset, index or value) by a hostile one
      let runs = numberRuns(bytes)
      guard !runs.isEmpty else { return }
      let run = runs[rng.nextInt(below: runs.count)]
      bytes.replaceSubrange(run, with: Array(hostileNumbers[rng.nextInt(below: hostileNumbers.count)].utf8))
    default:  // insert a JSON token
      bytes.insert(contentsOf: Array(hostileTokens[rng.nextInt(below: hostileTokens.count)].utf8), at: position())
    }
  }

  /// The ranges of ASCII numbers (digits with sign, point and exponent) in `bytes`.
  static func numberRuns(_ bytes: [UInt8]) -> [Range<Int>] {
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    func isPart(_ b: UInt8) -> Bool { isDigit(b) || b == 0x2E || b == 0x65 || b == 0x45 || b == 0x2D || b == 0x2B }
    var runs: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      guard isDigit(bytes[index]) else { index += 1; continue }
      var start = index
      if start > 0 && bytes[start - 1] == 0x2D { start -= 1 }
      var end = index
      while end < bytes.count && isPart(bytes[end]) { end += 1 }
      runs.append(start..<end)
      index = end
    }
    return runs
  }
}

/// Scratch directories for readers that take paths: in memory (`/dev/shm`) where there is one,
/// since 10⁴ cases of a few writes each take minutes on a loaded disk; removed when the tests exit.
enum Scratch {
  static func directory() throws -> URL { try LabTestSupport.Scratch.directory(inMemory: true) }

  /// `Tests/<target>/Fixtures/<path>` of another test target.
  static func fixture(_ target: String, _ path: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent(target).appendingPathComponent("Fixtures").appendingPathComponent(path)
  }
}
