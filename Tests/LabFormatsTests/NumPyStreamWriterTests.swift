import Foundation
import LabTestSupport
import LabFormats
import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct NumPyStreamWriterTests {
  /// Appending in blocks of any size writes exactly NumPyArray's bytes, and nothing appears at
  /// the final path before finish().
  @Test func streamedFileEqualsTheEncodedArray() async throws {
    await propertyCheck(count: 30, input: Gen.int(in: 1...20), Gen.int(in: 1...7), Gen.int(in: 1...9), Gen.bool, Gen.uint64()) {
      rows, columns, block, single, seed in
      var g = Xoshiro256StarStar(seed: seed)
      let values = (0..<(rows * columns)).map { _ in g.nextNormal() }
      let type: NumPyArray.ElementType = single ? .float32 : .float64
      let path = try Scratch.directory().appendingPathComponent("stream.npy").path
      let writer = try NumPyStreamWriter(path: path, shape: [rows, columns], elementType: type)
      var start = 0
      while start < values.count {
        #expect(!FileManager.default.fileExists(atPath: path))
        try writer.append(Array(values[start..<min(start + block * columns, values.count)]))
        start += block * columns
      }
      try writer.finish()
      #expect(FileManager.default.contents(atPath: path) == NumPyArray(shape: [rows, columns], elementType: type, values: values).encoded)
    }
  }
}
