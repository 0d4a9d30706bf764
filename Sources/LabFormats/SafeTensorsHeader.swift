import Foundation

extension SafeTensors {
  /// The element types a safetensors header may name that the lab reads.
  public enum DataType: String, Sendable, CaseIterable {
    /// IEEE single precision.
    case float32 = "F32"
    /// IEEE double precision.
    case float64 = "F64"
    /// Signed 64-bit integers (a BERT checkpoint's `position_ids`).
    case int64 = "I64"

    /// Bytes per element.
    public var size: Int { self == .float32 ? 4 : 8 }
  }

  /// Where one tensor's bytes lie in a file, as its header says, checked against the file's size.
  public struct Entry: Equatable, Sendable {
    /// The stored element type.
    public var dataType: DataType
    /// The shape (`[]` for a scalar).
    public var shape: [Int]
    /// The tensor's bytes as offsets from the start of the file.
    public var bytes: Range<Int>

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }
  }

  /// The validated header of the safetensors file `data`: every tensor's type, shape and byte
  /// range, by name (`__metadata__` is left out). A header that is not JSON, an unknown dtype, or
  /// offsets that do not fit the shape or the file throw a ``FormatError`` naming `path` and the tensor.
  public static func header(of data: Data, path: String) throws(FormatError) -> [String: Entry] {
    guard data.count >= 8 else { throw FormatError(path: path, "is \(data.count) bytes, too short for a safetensors header") }
    let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard length <= UInt64(data.count - 8), length <= 100_000_000 else {
      throw FormatError(path: path, "header length \(length) exceeds the file (\(data.count) bytes)")
    }
    let start = data.startIndex + 8 + Int(length)
    guard let header = try? JSONSerialization.jsonObject(with: data[(data.startIndex + 8)..<start]) as? [String: Any] else {
      throw FormatError(path: path, "header is not a JSON object")
    }
    let dataBytes = data.endIndex - start
    var entries: [String: Entry] = [:]
    for (name, value) in header where name != "__metadata__" {
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String, let shape = entry["shape"] as? [Int],
            let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
        throw FormatError(path: path, "tensor '\(name)' needs 'dtype', 'shape' and two 'data_offsets'")
      }
      guard let type = DataType(rawValue: dtype) else {
        throw FormatError(path: path, "tensor '\(name)' has dtype \(dtype); only F32, F64 and I64 are supported")
      }
      guard let (_, byteCount) = ShapeArithmetic.byteCount(shape, elementSize: type.size),
            offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == byteCount, offsets[1] <= dataBytes else {
        throw FormatError(path: path, "tensor '\(name)': data_offsets \(offsets) do not fit shape \(shape) of \(dtype) in a \(dataBytes)-byte buffer")
      }
      entries[name] = Entry(dataType: type, shape: shape, bytes: (start - data.startIndex + offsets[0])..<(start - data.startIndex + offsets[1]))
    }
    return entries
  }

  /// The elements of the `F32` tensor `entry` of `data` (the file the header was read from).
  public static func floats(_ entry: Entry, in data: Data) -> [Float] {
    precondition(entry.dataType == .float32, "floats(_:in:) reads F32 tensors, not \(entry.dataType.rawValue)")
    return data.withUnsafeBytes { raw in
      (0..<entry.count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: entry.bytes.lowerBound + 4 * $0, as: UInt32.self))) }
    }
  }

  /// The elements of the `F64` tensor `entry` of `data`.
  public static func doubles(_ entry: Entry, in data: Data) -> [Double] {
    precondition(entry.dataType == .float64, "doubles(_:in:) reads F64 tensors, not \(entry.dataType.rawValue)")
    return data.withUnsafeBytes { raw in
      (0..<entry.count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: entry.bytes.lowerBound + 8 * $0, as: UInt64.self))) }
    }
  }

  /// The elements of the `I64` tensor `entry` of `data`.
  public static func integers(_ entry: Entry, in data: Data) -> [Int64] {
    precondition(entry.dataType == .int64, "integers(_:in:) reads I64 tensors, not \(entry.dataType.rawValue)")
    return data.withUnsafeBytes { raw in
      (0..<entry.count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: entry.bytes.lowerBound + 8 * $0, as: Int64.self)) }
    }
  }
}
