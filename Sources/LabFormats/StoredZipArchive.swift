import Foundation

/// A ZIP archive of uncompressed ("stored") entries, the container of NumPy's `.npz` files
/// (`numpy.savez` writes the same layout). Written whole: local headers with each entry's
/// CRC-32 and size, the data, the central directory and its end record. Fixed timestamps
/// (1980-01-01) keep the bytes a function of the content. Without ZIP64, every entry and the
/// archive must stay below 4 GiB; ``encoded(_:)`` refuses larger ones.
enum StoredZipArchive {
  /// The largest entry or archive without ZIP64 (2³² − 1 bytes).
  static let maximumSize = Int(UInt32.max)

  /// The archive holding `entries` (name, bytes) in their order; `path` names the file in the error.
  static func encoded(_ entries: [(name: String, data: Data)], path: String) throws(FormatError) -> Data {
    let total = entries.reduce(22) { $0 + 30 + 46 + 2 * $1.name.utf8.count + $1.data.count }
    guard total <= maximumSize, entries.count < 0xFFFF else {
      throw FormatError(path: path, "archive of \(total) bytes in \(entries.count) entries is past the 4 GiB ZIP limit")
    }
    var archive = Data(), directory = Data()
    archive.reserveCapacity(total)
    for entry in entries {
      let name = Data(entry.name.utf8), crc = CRC32.checksum(entry.data), offset = UInt32(archive.count)
      var local = Data()
      local.append(le32: 0x0403_4B50)
      local.append(le16: 20); local.append(le16: 0); local.append(le16: 0)  // version, flags, method: stored
      local.append(le16: 0); local.append(le16: 0x21)  // time 00:00, date 1980-01-01
      local.append(le32: crc); local.append(le32: UInt32(entry.data.count)); local.append(le32: UInt32(entry.data.count))
      local.append(le16: UInt16(name.count)); local.append(le16: 0)
      archive.append(local); archive.append(name); archive.append(entry.data)
      directory.append(le32: 0x0201_4B50)
      directory.append(le16: 20); directory.append(le16: 20); directory.append(le16: 0); directory.append(le16: 0)
      directory.append(le16: 0); directory.append(le16: 0x21)
      directory.append(le32: crc); directory.append(le32: UInt32(entry.data.count)); directory.append(le32: UInt32(entry.data.count))
      directory.append(le16: UInt16(name.count)); directory.append(le16: 0); directory.append(le16: 0)  // name, extra, comment
      directory.append(le16: 0); directory.append(le16: 0); directory.append(le32: 0)  // disk, internal, external attributes
      directory.append(le32: offset); directory.append(name)
    }
    let directoryOffset = UInt32(archive.count)
    archive.append(directory)
    archive.append(le32: 0x0605_4B50)
    archive.append(le16: 0); archive.append(le16: 0)
    archive.append(le16: UInt16(entries.count)); archive.append(le16: UInt16(entries.count))
    archive.append(le32: UInt32(directory.count)); archive.append(le32: directoryOffset); archive.append(le16: 0)
    return archive
  }
}

extension Data {
  /// Appends `value` as two little-endian bytes.
  mutating func append(le16 value: UInt16) { append(contentsOf: [UInt8(value & 0xFF), UInt8(value >> 8)]) }
  /// Appends `value` as four little-endian bytes.
  mutating func append(le32 value: UInt32) { for shift in stride(from: 0, through: 24, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
}
