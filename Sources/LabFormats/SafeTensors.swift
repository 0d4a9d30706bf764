import Foundation

/// A safetensors file (the format of SAELens's `synthetic_model.safetensors` and SAE weights,
/// ANCHORS §4): an 8-byte little-endian header length N, N bytes of compact JSON
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, …}`, optionally with
/// `"__metadata__"`) padded with spaces to a multiple of 8, then the raw little-endian C-order
/// tensor bytes, offsets relative to the start of the data.
///
/// Only `F32` and `F64` tensors are read and written; values are kept as `Double` (float32
/// converts exactly). Written files follow the `safetensors` package: header keys sorted by name,
/// data ordered by decreasing alignment then name, no gaps, no metadata.
public struct SafeTensors: Equatable, Sendable {
  /// One tensor.
  public struct Tensor: Equatable, Sendable {
    /// The stored precision.
    public var elementType: NumPyArray.ElementType
    /// The shape (`[]` for a scalar).
    public var shape: [Int]
    /// The elements in C order.
    public var values: [Double]

    /// A tensor; `values.count` must be the product of `shape`.
    public init(elementType: NumPyArray.ElementType, shape: [Int], values: [Double]) {
      precondition(values.count == shape.reduce(1, *), "A tensor of shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count).")
      self.elementType = elementType
      self.shape = shape
      self.values = values
    }
  }

  /// The tensors by name.
  public var tensors: [String: Tensor]

  /// A file holding `tensors`.
  public init(tensors: [String: Tensor]) {
    self.tensors = tensors
  }

  private static func code(_ type: NumPyArray.ElementType) -> String { type == .float32 ? "F32" : "F64" }

  /// The file's bytes.
  public var encoded: Data {
    let byName = tensors.sorted { $0.key < $1.key }
    let dataOrder = byName.sorted { a, b in
      a.value.elementType.size != b.value.elementType.size ? a.value.elementType.size > b.value.elementType.size : a.key < b.key
    }
    var offsets: [String: (begin: Int, end: Int)] = [:]
    var body = Data()
    for (name, tensor) in dataOrder {
      let begin = body.count
      NumPyArray.appendElements(tensor.values, as: tensor.elementType, to: &body)
      offsets[name] = (begin, body.count)
    }
    let entries = byName.map { name, tensor -> String in
      let range = offsets[name] ?? (0, 0)
      let quoted = String(decoding: (try? JSONEncoder().encode(name)) ?? Data(), as: UTF8.self)
      return "\(quoted):{\"dtype\":\"\(Self.code(tensor.elementType))\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(range.begin),\(range.end)]}"
    }
    var header = "{" + entries.joined(separator: ",") + "}"
    header += String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
    var data = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: Array(header.utf8))
    return data + body
  }

  /// Reads the file at `path`.
  public init(contentsOf path: String) throws(FormatError) {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw FormatError(path: path, "cannot be read: \(error.localizedDescription)") }
    try self.init(decoding: data, path: path)
  }

  /// Decodes the bytes of a safetensors file; `path` names the file in errors.
  public init(decoding data: Data, path: String) throws(FormatError) {
    let bytes = [UInt8](data)
    guard bytes.count >= 8 else { throw FormatError(path: path, "is \(bytes.count) bytes, too short for a safetensors header") }
    let length = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard length <= UInt64(bytes.count - 8), length <= 100_000_000 else {
      throw FormatError(path: path, "header length \(length) exceeds the file (\(bytes.count) bytes)")
    }
    let start = 8 + Int(length)
    guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<start])) as? [String: Any] else {
      throw FormatError(path: path, "header is not a JSON object")
    }
    var tensors: [String: Tensor] = [:]
    for (name, value) in header where name != "__metadata__" {
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String, let shape = entry["shape"] as? [Int],
            let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
        throw FormatError(path: path, "tensor '\(name)' needs 'dtype', 'shape' and two 'data_offsets'")
      }
      guard dtype == "F32" || dtype == "F64" else { throw FormatError(path: path, "tensor '\(name)' has dtype \(dtype); only F32 and F64 are supported") }
      let type: NumPyArray.ElementType = dtype == "F32" ? .float32 : .float64
      guard let (count, byteCount) = ShapeArithmetic.byteCount(shape, elementSize: type.size),
            offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == byteCount,
            offsets[1] <= bytes.count - start else {
        throw FormatError(path: path, "tensor '\(name)': data_offsets \(offsets) do not fit shape \(shape) of \(dtype) in a \(bytes.count - start)-byte buffer")
      }
      var values = [Double](repeating: 0, count: count)
      let base = start + offsets[0]
      for k in 0..<count {
        let o = base + k * type.size
        if type == .float32 {
          let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[o + $1]) << (8 * UInt32($1)) }
          values[k] = Double(Float(bitPattern: bits))
        } else {
          let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) }
          values[k] = Double(bitPattern: bits)
        }
      }
      tensors[name] = Tensor(elementType: type, shape: shape, values: values)
    }
    self.tensors = tensors
  }
}
