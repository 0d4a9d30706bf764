import Foundation

/// Float32 values kept bit for bit in JSON: encoded as one base64 string of their little-endian
/// IEEE 754 bytes, so that a decoded array equals the encoded one exactly (NaNs and signed zeros
/// included) whatever decimal conversion a JSON reader does.
public struct ExactFloats: Codable, Sendable, Equatable {
  /// The values.
  public var values: [Float]

  /// Wraps `values`.
  public init(_ values: [Float]) { self.values = values }

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    guard let bytes = Data(base64Encoded: try container.decode(String.self)), bytes.count % 4 == 0 else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected base64 of little-endian float32 values")
    }
    values = stride(from: 0, to: bytes.count, by: 4).map { offset in
      Float(bitPattern: bytes[bytes.startIndex + offset..<bytes.startIndex + offset + 4].enumerated()
        .reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
    }
  }

  public func encode(to encoder: Encoder) throws {
    var bytes = Data(capacity: 4 * values.count)
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    var container = encoder.singleValueContainer()
    try container.encode(bytes.base64EncodedString())
  }
}
