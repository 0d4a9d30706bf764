import Foundation
import LabFormats
import LabNumerics
import LabRandom
import LabTestSupport
import PropertyBased
import Testing

/// ``NumPyRowReader`` decodes any block of rows as ``NumPyArray`` decodes the whole file, in every
/// layout it accepts (its fast path for C-order little-endian files, and the general one).
@Suite struct NumPyRowReaderTests {
  /// The `.npy` bytes of `values` (`rows × columns`) as `type`, big-endian and/or Fortran order when asked.
  static func bytes(_ values: [Double], rows: Int, columns: Int, type: NumPyArray.ElementType, bigEndian: Bool, fortran: Bool) throws -> Data {
    // Fortran order stores the transpose's C order.
    let stored = fortran ? (0..<(rows * columns)).map { values[($0 % rows) * columns + $0 / rows] } : values
    var data = NumPyArray(shape: [rows, columns], elementType: type, values: stored).encoded
    if fortran {
      let flag = try #require(data.range(of: Data("'fortran_order': False".utf8)))
      data.replaceSubrange(flag, with: Data("'fortran_order': True ".utf8))
    }
    if bigEndian {
      let descr = try #require(data.range(of: Data("'<f".utf8)))
      data.replaceSubrange(descr, with: Data("'>f".utf8))
      let size = type == .float32 ? 4 : 8, start = data.count - rows * columns * size
      for element in 0..<(rows * columns) {
        let range = (start + element * size)..<(start + (element + 1) * size)
        data.replaceSubrange(range, with: Data(data[range].reversed()))
      }
    }
    return data
  }

  @Test("Every block of rows equals the whole array's rows, float32 and float64, either byte order, C and Fortran order")
  func blocksMatchWholeArray() async throws {
    await propertyCheck(count: 60, input: Gen.int(in: 1...12), Gen.int(in: 1...6), Gen.bool, Gen.bool, Gen.bool, Gen.uint64()) {
      rows, columns, single, bigEndian, fortran, seed in
      var g = Xoshiro256StarStar(seed: seed)
      let values = (0..<(rows * columns)).map { _ in g.nextNormal() }
      let type: NumPyArray.ElementType = single ? .float32 : .float64
      let path = try Scratch.directory().appendingPathComponent("x.npy").path
      try Self.bytes(values, rows: rows, columns: columns, type: type, bigEndian: bigEndian, fortran: fortran).write(to: URL(fileURLWithPath: path))
      let whole: Matrix<Double> = try NumPyArray(contentsOf: path).matrix(path: path, role: "X")
      #expect(whole.storage == values.map { single ? Double(Float($0)) : $0 })
      let reader = try NumPyRowReader(path: path, role: "X")
      let first = g.nextInt(below: rows), end = first + 1 + g.nextInt(below: rows - first)
      #expect(try reader.rows(first..<end).storage == Array(whole.storage[(first * columns)..<(end * columns)]))
    }
  }
}
