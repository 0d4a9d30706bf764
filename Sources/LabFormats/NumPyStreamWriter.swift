import Foundation

/// Writes a C-order `.npy` file whose shape is known in advance, row block by row block, so that
/// arrays larger than memory can be written with flat memory use.
///
/// The bytes go to `<path>.<pid>-<random>.partial` (a name of its own, so that two processes
/// writing the same path do not share it); ``finish()`` checks that exactly `shape.product` values
/// were appended and renames the file onto `path` in one step (`rename(2)`), so a reader — or a run
/// killed at any moment — sees either the previous array or the new one, never a half-written
/// one. The result is byte-identical to ``NumPyArray/encoded`` of the same array.
public final class NumPyStreamWriter {
  /// The final path.
  public let path: String
  /// The array's shape.
  public let shape: [Int]
  /// The stored precision.
  public let elementType: NumPyArray.ElementType
  private let partial: String
  private let handle: FileHandle
  private var written = 0

  /// Creates the partial file and writes the header.
  public init(path: String, shape: [Int], elementType: NumPyArray.ElementType) throws {
    self.path = path
    self.shape = shape
    self.elementType = elementType
    NumPyStreamWriter.removeStalePartials(of: path)
    partial = "\(path).\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).partial"
    do { try FileBytes.write(NumPyArray.fileHeader(shape: shape, elementType: elementType), to: partial) } catch {
      try? FileManager.default.removeItem(atPath: partial)
      throw error
    }
    guard let handle = FileHandle(forWritingAtPath: partial) else {
      try? FileManager.default.removeItem(atPath: partial)
      throw FormatError(path: path, "cannot open \(partial) for writing")
    }
    self.handle = handle
    handle.seekToEndOfFile()
  }

  /// Appends values in C order.
  public func append(_ values: [Double]) throws {
    precondition(written + values.count <= shape.reduce(1, *), "Appending \(values.count) values overflows shape \(shape) (\(written) written).")
    if elementType == .float64 && 1.littleEndian == 1 {
      // On a little-endian machine the values' own bytes are the file's: no conversion, no copy.
      try values.withUnsafeBytes { try FileBytes.append($0, to: handle.fileDescriptor, path: partial) }
    } else {
      var data = Data()
      data.reserveCapacity(values.count * elementType.size)
      NumPyArray.appendElements(values, as: elementType, to: &data)
      try FileBytes.append(data, to: handle.fileDescriptor, path: partial)
    }
    WriteFaults.step()
    written += values.count
  }

  /// Closes the file and renames it onto ``path``, replacing any previous file atomically.
  public func finish() throws {
    precondition(written == shape.reduce(1, *), "\(path): \(written) of \(shape.reduce(1, *)) values written.")
    do { try handle.close() } catch { throw FormatError(path: partial, "write failed: \(FileProblem.reason(error))") }
    guard rename(partial, path) == 0 else {
      throw FormatError(path: path, "cannot rename \(partial) onto it: \(String(cString: strerror(errno)))")
    }
    WriteFaults.step()
  }

  /// Removes the partial files of `path` (`<path>.<pid>-<tag>.partial`) whose writing process is no
  /// longer running: what a killed run left.
  static func removeStalePartials(of path: String) {
    let url = URL(fileURLWithPath: path)
    let prefix = url.lastPathComponent + "."
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) else { return }
    for name in names where name.hasPrefix(prefix) && name.hasSuffix(".partial") {
      if WriterProcess.running(name.dropFirst(prefix.count)) != nil { continue }
      try? FileManager.default.removeItem(at: url.deletingLastPathComponent().appendingPathComponent(name))
    }
  }

  /// Closes and deletes the partial file (after a failure).
  public func discard() {
    try? handle.close()
    try? FileManager.default.removeItem(atPath: partial)
  }
}
