import Foundation
import LabFormats
import LabNumerics
import LabRandom
import PropertyBased
import Testing

/// `.npy` files written by NumPy 2.4 (`np.save` / `np.lib.format.write_array`), base64-encoded.
enum NumPyFixtures {
  /// `np.array([[1.5, -2.0, 3.25], [0.1, 1e-300, -7.0]], '<f8')`.
  static let float64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAACkCamZmZmZm5P1nz+MIfbqUBAAAAAAAAHMA="
  /// The same array saved with format version 2.0.
  static let version2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAACkCamZmZmZm5P1nz+MIfbqUBAAAAAAAAHMA="
  /// The same array in Fortran order (`np.asfortranarray`).
  static let fortran = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4P5qZmZmZmbk/AAAAAAAAAMBZ8/jCH26lAQAAAAAAAApAAAAAAAAAHMA="
  /// `np.array([0.1, 2.5, -3.0], '<f4')`.
  static let float32Vector = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArNzMw9AAAgQAAAQMA="
  /// `np.array([[1, 2], [3, 4.5]], '>f4')` (big-endian).
  static let bigEndian = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/gAAAQAAAAEBAAABAkAAA"
  /// `np.array([1, 2, 3], '<i8')`: an integer array the lab does not accept.
  static let integers = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAAIAAAAAAAAAAwAAAAAAAAA="

  static func decode(_ base64: String) throws -> NumPyArray {
    try NumPyArray(decoding: Data(base64Encoded: base64)!, path: "fixture.npy")
  }
}

@Suite("NumPy .npy files")
struct NumPyArrayTests {
  static let expected: [Double] = [1.5, -2.0, 3.25, 0.1, 1e-300, -7.0]

  @Test("Files written by NumPy decode to their values, whatever the version, order or byte order")
  func numpyFixtures() throws {
    for fixture in [NumPyFixtures.float64, NumPyFixtures.version2, NumPyFixtures.fortran] {
      let array = try NumPyFixtures.decode(fixture)
      #expect(array.shape == [2, 3] && array.elementType == .float64 && array.values == Self.expected)
    }
    let vector = try NumPyFixtures.decode(NumPyFixtures.float32Vector)
    #expect(vector.shape == [3] && vector.elementType == .float32)
    #expect(vector.values == [Double(Float(0.1)), 2.5, -3.0])
    let big = try NumPyFixtures.decode(NumPyFixtures.bigEndian)
    #expect(big.shape == [2, 2] && big.values == [1, 2, 3, 4.5])
  }

  @Test("Our encoding of NumPy's arrays is byte-identical to NumPy's own file")
  func encodingMatchesNumPy() throws {
    let float64 = NumPyArray(shape: [2, 3], elementType: .float64, values: Self.expected)
    #expect(float64.encoded == Data(base64Encoded: NumPyFixtures.float64)!)
    let float32 = NumPyArray(vector: [Double(Float(0.1)), 2.5, -3.0], as: .float32)
    #expect(float32.encoded == Data(base64Encoded: NumPyFixtures.float32Vector)!)
  }

  @Test("Random matrices survive a round trip in both precisions")
  func roundTrip() async {
    await propertyCheck(count: 100, input: Gen.int(in: 0...9), Gen.int(in: 0...9), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { rows, columns, single, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let values = (0..<(rows * columns)).map { _ in rng.nextNormal() * 1e3 }
      let type: NumPyArray.ElementType = single ? .float32 : .float64
      let stored = single ? values.map { Double(Float($0)) } : values
      let array = NumPyArray(shape: [rows, columns], elementType: type, values: stored)
      let data = array.encoded
      #expect((data.count - stored.count * (single ? 4 : 8)) % 64 == 0, "header must fill a multiple of 64 bytes")
      #expect((try? NumPyArray(decoding: data, path: "x.npy")) == array)
    }
  }

  @Test("Bad files get one message naming the file and what is wrong")
  func badFiles() throws {
    #expect(throws: FormatError(path: "x.npy", "not a NumPy .npy file (no \\x93NUMPY magic)")) {
      try NumPyArray(decoding: Data("hello world".utf8), path: "x.npy")
    }
    #expect(throws: FormatError(path: "fixture.npy", "field 'descr' is '<i8'; supported: float32 ('<f4') and float64 ('<f8'), either byte order")) {
      try NumPyFixtures.decode(NumPyFixtures.integers)
    }
    let truncated = Data(base64Encoded: NumPyFixtures.float64)!.dropLast(8)
    #expect(throws: FormatError(path: "x.npy", "shape [2, 3] of '<f8' needs 48 data bytes, the file has 40")) {
      try NumPyArray(decoding: Data(truncated), path: "x.npy")
    }
    #expect(throws: FormatError(path: "/nonexistent/x.npy", "no such file")) { try NumPyArray(contentsOf: "/nonexistent/x.npy") }
  }

  @Test("Shape and finiteness are checked where a matrix or vector is expected")
  func matrixAndVectorChecks() throws {
    let vector = try NumPyFixtures.decode(NumPyFixtures.float32Vector)
    #expect(throws: FormatError(path: "D.npy", "the dictionary D (K × m) must be a 2-D array, got shape (3)")) {
      let _: Matrix<Double> = try vector.matrix(path: "D.npy", role: "the dictionary D (K × m)")
    }
    var array = try NumPyFixtures.decode(NumPyFixtures.float64)
    let matrix: Matrix<Double> = try array.matrix(path: "X.npy", role: "X")
    #expect(matrix == Matrix([[1.5, -2.0, 3.25], [0.1, 1e-300, -7.0]]))
    array.values[4] = .nan
    #expect(throws: FormatError(path: "X.npy", "element at row 1, column 1 is nan; every element must be finite")) {
      let _: Matrix<Double> = try array.matrix(path: "X.npy", role: "X")
    }
  }
}
