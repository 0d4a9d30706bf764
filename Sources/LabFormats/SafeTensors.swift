import Foundation

/// A safetensors file (the format of SAELens's `synthetic_model.safetensors` and SAE weights,
/// ANCHORS §4): an 8-byte little-endian header length N, N bytes of compact JSON
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, …}`, optionally with
/// `"__metadata__"`) padded with spaces to a multiple of 8, then the raw little-endian C-order
/// tensor bytes, offsets relative to the start of the data.
///
/// `F32` and `F64` tensors are read and written; values are kept as `Double` (float32 converts
/// exactly). `I64` tensors are skipped by this reader and read through ``header(of:path:)``. Written files follow the `safetensors` package: header keys sorted by name,
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
    if let problem = FileProblem.input(path) { throw FormatError(path: path, problem) }
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw FormatError(path: path, "cannot be read: \(FileProblem.reason(error))") }
    try self.init(decoding: data, path: path)
  }

  /// Decodes the bytes of a safetensors file; `path` names the file in errors. `I64` tensors (a
  /// BERT checkpoint's `position_ids`) are skipped: read them with ``header(of:path:)`` and ``integers(_:in:)``.
  public init(decoding data: Data, path: String) throws(FormatError) {
    var tensors: [String: Tensor] = [:]
    for (name, entry) in try Self.header(of: data, path: path) {
      switch entry.dataType {
      case .float32: tensors[name] = Tensor(elementType: .float32, shape: entry.shape, values: Self.floats(entry, in: data).map(Double.init))
      case .float64: tensors[name] = Tensor(elementType: .float64, shape: entry.shape, values: Self.doubles(entry, in: data))
      case .int64: continue
      }
    }
    self.tensors = tensors
  }
}
