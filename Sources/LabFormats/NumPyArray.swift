import Foundation
import LabNumerics

/// An array read from or written to a NumPy `.npy` file (format versions 1.0–3.0), the lab's
/// exchange format with NumPy, scikit-learn, SAELens and SPAMS.
///
/// Elements are kept as `Double` in C (row-major) order whatever the stored precision; float32
/// values convert exactly. Little- and big-endian `f4`/`f8` are read, Fortran-ordered arrays are
/// reordered, and files are written little-endian, C order, version 1.0, header padded to 64 bytes
/// as NumPy does.
public struct NumPyArray: Equatable, Sendable {
  /// The stored precision.
  public enum ElementType: String, Sendable, Codable, CaseIterable {
    /// IEEE single precision (`<f4`).
    case float32
    /// IEEE double precision (`<f8`).
    case float64

    var size: Int { self == .float32 ? 4 : 8 }
    var descr: String { self == .float32 ? "<f4" : "<f8" }
  }

  /// The shape; `[]` for a scalar.
  public var shape: [Int]
  /// The stored precision.
  public var elementType: ElementType
  /// The elements in C order; `values.count` is the product of `shape`.
  public var values: [Double]

  /// An array of the given shape; `values` must have the product of `shape` elements.
  public init(shape: [Int], elementType: ElementType, values: [Double]) {
    precondition(values.count == shape.reduce(1, *), "An array of shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count).")
    self.shape = shape
    self.elementType = elementType
    self.values = values
  }

  /// A 2-D array holding `matrix`.
  public init<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, as elementType: ElementType) {
    // Float64 storage is taken as it is (shared, not copied); other scalars are converted once.
    let values = Scalar.self == Double.self ? unsafeBitCast(matrix.storage, to: [Double].self) : matrix.storage.map { Double($0) }
    self.init(shape: [matrix.rows, matrix.columns], elementType: elementType, values: values)
  }

  /// A 1-D array holding `vector`.
  public init(vector: [Double], as elementType: ElementType) {
    self.init(shape: [vector.count], elementType: elementType, values: vector)
  }

  /// The file's bytes: magic, version 1.0, header, little-endian data.
  public var encoded: Data {
    var data = Self.fileHeader(shape: shape, elementType: elementType)
    data.reserveCapacity(data.count + values.count * elementType.size)
    Self.appendElements(values, as: elementType, to: &data)
    return data
  }

  /// The bytes before the data of a version 1.0, C-order, little-endian file of this shape and precision.
  static func fileHeader(shape: [Int], elementType: ElementType) -> Data {
    fileHeader(shape: shape, descr: elementType.descr)
  }

  /// The bytes before the data of a version 1.0, C-order file of this shape and NumPy dtype string.
  static func fileHeader(shape: [Int], descr: String) -> Data {
    let prefix = 10
    let header = NumPyHeader(descr: descr, fortranOrder: false, shape: shape).encoded(prefixLength: prefix)
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    let length = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
    data.append(contentsOf: Array(header.utf8))
    return data
  }

  /// Appends `values` little-endian in the given precision.
  static func appendElements(_ values: [Double], as elementType: ElementType, to data: inout Data) {
    // Converted into one little-endian buffer and appended at once: appending element by element
    // cost 30 % of a whole `lab encode` run.
    switch elementType {
    case .float32: values.map { Float($0).bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
    case .float64: values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
    }
  }

  /// Decodes the bytes of a `.npy` file; `path` names the file in errors.
  public init(decoding data: Data, path: String) throws(FormatError) {
    var decoded: Result<NumPyArray, FormatError>!
    data.withUnsafeBytes { bytes in
      do throws(FormatError) { decoded = .success(try Self(decoding: bytes.bindMemory(to: UInt8.self), path: path)) } catch {
        decoded = .failure(error)
      }
    }
    self = try decoded.get()
  }

  /// Where a `.npy` file's values are and how they are stored, from its checked header.
  struct Layout {
    var header: NumPyHeader
    /// The offset of the first value.
    var dataStart: Int
    /// Bytes per element, 4 or 8.
    var size: Int
    var bigEndian: Bool
    /// The number of elements.
    var count: Int

    /// Element `index` (in storage order) of `bytes`, as a float64.
    @inline(__always)
    func value(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Double {
      let offset = dataStart + index * size
      var raw: UInt64 = 0
      for byte in 0..<size {
        let shift = bigEndian ? 8 * (size - 1 - byte) : 8 * byte
        raw |= UInt64(bytes[offset + byte]) << shift
      }
      return size == 4 ? Double(Float(bitPattern: UInt32(raw))) : Double(bitPattern: raw)
    }
  }

  /// Checks the magic, version, header, dtype and length of `.npy` bytes; `path` names the file in errors.
  static func layout(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(FormatError) -> Layout {
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
      throw FormatError(path: path, "not a NumPy .npy file (no \\x93NUMPY magic)")
    }
    let major = bytes[6]
    let lengthBytes = major == 1 ? 2 : 4
    guard [1, 2, 3].contains(major), bytes.count >= 8 + lengthBytes else {
      throw FormatError(path: path, "unsupported .npy format version \(major).\(bytes[7])")
    }
    let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
    let dataStart = 8 + lengthBytes + headerLength
    guard bytes.count >= dataStart else { throw FormatError(path: path, "file ends inside its header") }
    let headerText = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)
    let header: NumPyHeader
    do { header = try NumPyHeader.parse(headerText) } catch { throw FormatError(path: path, error.message) }

    let descr = header.descr
    guard descr.count == 3, let kind = descr.dropFirst().first, kind == "f", let size = Int(String(descr.last!)), [4, 8].contains(size),
      let order = descr.first, "<>=|".contains(order)
    else {
      throw FormatError(path: path, "field 'descr' is '\(descr)'; supported: float32 ('<f4') and float64 ('<f8'), either byte order")
    }
    guard let (count, expected) = ShapeArithmetic.byteCount(header.shape, elementSize: size) else {
      throw FormatError(path: path, "shape \(header.shape) of '\(descr)' has more elements than memory can address")
    }
    guard bytes.count - dataStart == expected else {
      throw FormatError(path: path, "shape \(header.shape) of '\(descr)' needs \(expected) data bytes, the file has \(bytes.count - dataStart)")
    }
    return Layout(header: header, dataStart: dataStart, size: size, bigEndian: order == ">", count: count)
  }

  /// Decodes `.npy` bytes in place (no copy of the file); the values are allocated only once the
  /// header's shape is known to fit in the available memory (``MemoryBudget``).
  private init(decoding bytes: UnsafeBufferPointer<UInt8>, path: String) throws(FormatError) {
    let layout = try Self.layout(bytes, path: path)
    let header = layout.header, count = layout.count
    let copies = header.fortranOrder && header.shape.count > 1 ? 2 : 1
    if let problem = MemoryBudget.problem("reading shape (\(header.shape.map(String.init).joined(separator: ", "))) as float64", needs: MemoryBudget.bytes([(count, 8 * copies)])) {
      throw FormatError(path: path, problem)
    }
    var values = [Double](repeating: 0, count: count)
    for index in 0..<count { values[index] = layout.value(bytes, index) }
    if header.fortranOrder && header.shape.count > 1 { values = Self.cOrder(fromFortran: values, shape: header.shape) }
    self.init(shape: header.shape, elementType: layout.size == 4 ? .float32 : .float64, values: values)
  }

  /// Reads the `.npy` file at `path`.
  public init(contentsOf path: String) throws(FormatError) {
    if let problem = FileProblem.input(path) { throw FormatError(path: path, problem) }
    let data: Data
    // Mapped, so that a large file is not copied into memory before it is decoded.
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
      throw FormatError(path: path, "cannot be read: \(FileProblem.reason(error))")
    }
    try self.init(decoding: data, path: path)
  }

  /// The array as a matrix; it must be 2-D with finite elements. `path` and `role` (e.g.
  /// "the data X (N × m)") name the array in errors.
  public func matrix<Scalar: LinearAlgebraScalar>(path: String, role: String) throws(FormatError) -> Matrix<Scalar> {
    guard shape.count == 2 else {
      throw FormatError(path: path, "\(role) must be a 2-D array, got shape (\(shape.map(String.init).joined(separator: ", ")))")
    }
    try requireFinite(path: path)
    // Float64 values become the matrix's storage without a copy; other scalars need one.
    if Scalar.self == Double.self { return Matrix(rows: shape[0], columns: shape[1], storage: unsafeBitCast(values, to: [Scalar].self)) }
    if let problem = MemoryBudget.problem("converting shape (\(shape.map(String.init).joined(separator: ", "))) to \(Scalar.self)", needs: MemoryBudget.bytes([(values.count, MemoryLayout<Scalar>.size)])) {
      throw FormatError(path: path, problem)
    }
    return Matrix(rows: shape[0], columns: shape[1], storage: values.map { Scalar($0) })
  }

  /// The array as a vector; it must be 1-D with finite elements.
  public func vector(path: String, role: String) throws(FormatError) -> [Double] {
    guard shape.count == 1 else {
      throw FormatError(path: path, "\(role) must be a 1-D array, got shape (\(shape.map(String.init).joined(separator: ", ")))")
    }
    try requireFinite(path: path)
    return values
  }

  /// Fails at the first NaN or infinity, naming its position.
  public func requireFinite(path: String) throws(FormatError) {
    guard let index = values.firstIndex(where: { !$0.isFinite }) else { return }
    var position: [Int] = []
    var rest = index
    for dim in shape.reversed() {
      position.insert(rest % dim, at: 0)
      rest /= dim
    }
    let place = shape.count == 2 ? "row \(position[0]), column \(position[1])" : "index \(position.map(String.init).joined(separator: ", "))"
    throw FormatError(path: path, "element at \(place) is \(values[index]); every element must be finite")
  }

  private static func cOrder(fromFortran values: [Double], shape: [Int]) -> [Double] {
    var strides = [Int](repeating: 1, count: shape.count)  // Fortran strides
    for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
    var result = [Double](repeating: 0, count: values.count)
    var index = [Int](repeating: 0, count: shape.count)
    for flat in 0..<values.count {
      result[flat] = values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }]
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }
}
