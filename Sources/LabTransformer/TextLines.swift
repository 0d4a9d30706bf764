import Foundation
import LabFormats

/// The lines of a UTF-8 text file, read in blocks so that memory holds one block and one line,
/// not the file: one document per line, split at `\n` (a `\r` before it stays, and BERT's
/// normaliser makes it a space); a final line without `\n` counts, an empty file has no lines.
public enum TextLines {
  /// Bytes read at a time.
  static let blockSize = 1 << 20

  /// Calls `body` with each line's 0-based number and text, in order, until it returns false.
  /// A line that is not UTF-8 throws a ``FormatError`` naming the file and the 1-based line.
  public static func forEach(inFile path: String, _ body: (Int, String) throws -> Bool) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw FormatError(path: path, "cannot be opened for reading") }
    defer { try? handle.close() }
    var pending: [UInt8] = [], number = 0
    func emit(_ bytes: ArraySlice<UInt8>) throws -> Bool {
      guard let line = String(validating: bytes, as: UTF8.self) else { throw FormatError(path: path, "line \(number + 1) is not UTF-8") }
      defer { number += 1 }
      return try body(number, line)
    }
    while true {
      let block: Data
      do { block = try handle.read(upToCount: blockSize) ?? Data() } catch {
        throw FormatError(path: path, "cannot be read: \(FileProblem.reason(error))")
      }
      if block.isEmpty { break }
      pending.append(contentsOf: block)
      var start = 0
      while let end = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
        guard try emit(pending[start..<end]) else { return }
        start = end + 1
      }
      pending.removeFirst(start)
    }
    if !pending.isEmpty { _ = try emit(pending[...]) }
  }
}
