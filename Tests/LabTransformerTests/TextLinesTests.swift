import Foundation
import LabFormats
import LabRandom
import LabTransformer
import PropertyBased
import Testing

@Suite struct TextLinesTests {
  static func lines(of data: Data) throws -> [String] {
    let file = try Fixtures.scratch().appendingPathComponent("text.txt")
    try data.write(to: file)
    var lines: [String] = []
    try TextLines.forEach(inFile: file.path) { number, line in
      #expect(number == lines.count)
      lines.append(line)
      return true
    }
    return lines
  }

  @Test("Property: the lines are the text split at \\n, without the empty piece after a final \\n, across 1 MiB read blocks")
  func splitsLikeTheText() async throws {
    await propertyCheck(count: 12, input: Gen.uint64()) { seed in
      var generator = Xoshiro256StarStar(seed: seed)
      let pieces = ["a", "é", "北", "\r", " ", "😀", "\n", "\n\n", String(repeating: "x", count: 700_000)]
      let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
      // Split the bytes: as Characters, "\r\n" is one grapheme and would not split.
      var expected = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
      if expected.last == "" { expected.removeLast() }
      let lines = try? Self.lines(of: Data(text.utf8))
      #expect(lines == expected, "seed \(seed)")
    }
  }

  @Test("A line that is not UTF-8 names the file and its 1-based number; the body can stop early")
  func errors() throws {
    let file = try Fixtures.scratch().appendingPathComponent("bad.txt")
    try (Data("one\ntwo\n".utf8) + [0xFF, 0x0A]).write(to: file)
    #expect(throws: FormatError(path: file.path, "line 3 is not UTF-8")) { try TextLines.forEach(inFile: file.path) { _, _ in true } }
    var seen = 0
    try TextLines.forEach(inFile: file.path) { _, _ in
      seen += 1
      return seen < 2
    }
    #expect(seen == 2)
  }
}
