import Foundation

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum every ZIP entry carries.
/// Hand-written: Foundation on Linux has no CRC-32, and no package of the project's local set
/// writes ZIP files.
enum CRC32 {
  /// Eight lookup tables of 256 entries, one after the other: table 0 is the byte-wise table, and
  /// entry n of table t is the CRC register after byte n is followed by t zero bytes, so eight
  /// bytes are folded in with eight independent lookups ("slicing by 8"), several times the
  /// byte-wise rate.
  private static let table: [UInt32] = {
    var table = (0..<256).map { n -> UInt32 in
      var c = UInt32(n)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      return c
    }
    for entry in 256..<(8 * 256) {
      let previous = table[entry - 256]
      table.append(table[Int(previous & 0xFF)] ^ (previous >> 8))
    }
    return table
  }()

  /// The checksum of `data`.
  static func checksum(_ data: Data) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    table.withUnsafeBufferPointer { table in
      data.withUnsafeBytes { bytes in
        var i = 0
        while i + 8 <= bytes.count {
          let low = c ^ UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self))
          let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
          c = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
            ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
            ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
            ^ table[1 * 256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
          i += 8
        }
        while i < bytes.count {
          c = table[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
          i += 1
        }
      }
    }
    return c ^ 0xFFFF_FFFF
  }
}
