import Foundation
import LabTestSupport
@testable import LabFormats
import LabNumerics
import LabRandom
import PropertyBased
import Testing

/// CSR codes in SciPy's `.npz` layout (``CompressedSparseRows``), read back by a reader written here
/// from the ZIP and `.npy` specifications, and by SciPy itself where a Python with SciPy is installed.
@Suite struct CompressedSparseRowsTests {
  /// The entries of a stored ZIP, checking each local header's CRC-32 and sizes against the data.
  static func entries(_ zip: Data) throws -> [String: Data] {
    let bytes = [UInt8](zip)
    func le(_ at: Int, _ count: Int) -> Int { (0..<count).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    var found: [String: Data] = [:], at = 0
    while le(at, 4) == 0x0403_4B50 {
      #expect(le(at + 8, 2) == 0, "stored, not compressed")
      let size = le(at + 18, 4), nameLength = le(at + 26, 2), extra = le(at + 28, 2)
      #expect(le(at + 22, 4) == size)
      let name = String(decoding: bytes[(at + 30)..<(at + 30 + nameLength)], as: UTF8.self)
      let start = at + 30 + nameLength + extra
      let data = Data(bytes[start..<(start + size)])
      #expect(UInt32(le(at + 14, 4)) == CRC32.checksum(data), "CRC of \(name)")
      found[name] = data
      at = start + size
    }
    #expect(le(at, 4) == 0x0201_4B50, "the central directory follows the entries")
    return found
  }

  /// The payload of a `.npy` file after its header, and the header text.
  static func payload(_ npy: Data) -> (header: String, body: Data) {
    let length = Int(npy[8]) | Int(npy[9]) << 8
    return (String(decoding: npy[10..<(10 + length)], as: UTF8.self), npy.subdata(in: (10 + length)..<npy.count))
  }

  static func sparse(rows: Int, columns: Int, density: Double, seed: UInt64) -> Matrix<Double> {
    var generator = Xoshiro256StarStar(seed: seed)
    var m = Matrix<Double>(rows: rows, columns: columns)
    for i in 0..<rows { for j in 0..<columns where Double.random(in: 0..<1, using: &generator) < density { m[i, j] = Double.random(in: -2...2, using: &generator) } }
    return m
  }

  @Test("Property: the .npz holds indices, indptr, format b'csr', shape and data whose CSR is the matrix; appending row blocks gives the same bytes")
  func roundTrip() async throws {
    await propertyCheck(count: 60, input: Gen.int(in: 0...30), Gen.int(in: 1...20), Gen.double(in: 0...1), Gen.uint64()) { rows, columns, density, seed in
      let matrix = Self.sparse(rows: rows, columns: columns, density: density, seed: seed)
      let csr = CompressedSparseRows(matrix)
      #expect(csr.dense == matrix)
      let file = try csr.npz(path: "Z.npz")
      #expect(file.count <= CompressedSparseRows.encodedSize(rows: rows, storedEntries: csr.values.count))
      let parts = try Self.entries(file)
      #expect(Set(parts.keys) == ["indices.npy", "indptr.npy", "format.npy", "shape.npy", "data.npy"])
      let format = Self.payload(parts["format.npy"]!)
      #expect(format.header.contains("'descr': '|S3'") && format.header.contains("'shape': ()") && format.body == Data("csr".utf8))
      let shape = Self.payload(parts["shape.npy"]!).body.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
      #expect(shape == [Int64(rows), Int64(columns)])
      let indices = Self.payload(parts["indices.npy"]!).body.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
      let indptr = Self.payload(parts["indptr.npy"]!).body.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
      let data = try NumPyArray(decoding: parts["data.npy"]!, path: "data.npy").values
      var rebuilt = Matrix<Double>(rows: rows, columns: columns)
      for i in 0..<rows { for k in Int(indptr[i])..<Int(indptr[i + 1]) { rebuilt[i, Int(indices[k])] = data[k] } }
      #expect(rebuilt == matrix && indptr.count == rows + 1)
      // Rows appended in two blocks: the same file.
      var blocks = CompressedSparseRows(columns: columns)
      let cut = rows / 2
      blocks.append(rowsOf: Matrix(rows: cut, columns: columns, storage: Array(matrix.storage[..<(cut * columns)])))
      blocks.append(rowsOf: Matrix(rows: rows - cut, columns: columns, storage: Array(matrix.storage[(cut * columns)...])))
      #expect(try blocks.npz(path: "Z.npz") == file)
      // And the second block appended from its nonzero pattern: the same file again.
      var patterned = CompressedSparseRows(columns: columns)
      patterned.append(rowsOf: Matrix(rows: cut, columns: columns, storage: Array(matrix.storage[..<(cut * columns)])))
      let rest = Matrix(rows: rows - cut, columns: columns, storage: Array(matrix.storage[(cut * columns)...]))
      patterned.append(rowsOf: rest, nonzeros: NonzeroPattern(rest))
      #expect(patterned == csr)
    }
  }

  static let python = ProcessInfo.processInfo.environment["LAB_PEER_PYTHON"] ?? "/tmp/benchenv/bin/python"

  @Test("scipy.sparse.load_npz reads the file as the same matrix (where a Python with SciPy is installed)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: python)))
  func scipyReads() throws {
    let matrix = Self.sparse(rows: 40, columns: 12, density: 0.2, seed: 1)
    let directory = try Scratch.directory().appendingPathComponent("csr")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let npz = directory.appendingPathComponent("Z.npz"), npy = directory.appendingPathComponent("Z.npy")
    try CompressedSparseRows(matrix).npz(path: npz.path).write(to: npz)
    try NumPyArray(matrix, as: .float64).encoded.write(to: npy)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.python)
    process.arguments = ["-c", "import sys, numpy, scipy.sparse as s; a = s.load_npz(sys.argv[1]); "
                         + "sys.exit(0 if a.format == 'csr' and (a.toarray() == numpy.load(sys.argv[2])).all() else 1)", npz.path, npy.path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
  }
}

/// CRC-32 by eight bytes at a time against the plain byte-wise definition.
@Suite struct CRC32Tests {
  /// The bit-at-a-time CRC-32 of the ZIP specification.
  static func reference(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      c ^= UInt32(byte)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return c ^ 0xFFFF_FFFF
  }

  @Test func checkValue() {
    // The standard check value of CRC-32/ISO-HDLC.
    #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum(Data()) == 0)
  }

  @Test func matchesTheBitwiseDefinition() async {
    await propertyCheck(input: Gen.int(in: 0...40).array(of: 0...70)) { lengths in
      // Lengths around multiples of 8, from slices at every alignment.
      var generator = Xoshiro256StarStar(seed: UInt64(lengths.count))
      let bytes = (0..<(lengths.reduce(0, +) + 9)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      var start = 0
      for length in lengths {
        let slice = Array(bytes[start..<(start + length)])
        #expect(CRC32.checksum(Data(slice)) == Self.reference(slice), "\(length) bytes from \(start)")
        start = (start + 1) % 9
      }
    }
  }
}
