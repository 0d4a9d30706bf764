import Foundation

/// Bytes written with the POSIX calls, so that a failure keeps its cause (Foundation's
/// `Data.write` on Linux reports a full disk or a file-size limit as "NSCocoaErrorDomain error 512").
public enum FileBytes {
  /// Creates (or truncates) the file at `path` and writes `data` to it.
  public static func write(_ data: Data, to path: String) throws(FormatError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FormatError(path: path, "cannot create the file: \(FileProblem.reason(errno: errno))") }
    defer { close(descriptor) }
    try append(data, to: descriptor, path: path)
  }

  /// Writes all of `data` at the current offset of `descriptor` (the file at `path`, for errors).
  public static func append(_ data: Data, to descriptor: Int32, path: String) throws(FormatError) {
    if let failure = data.withUnsafeBytes({ write($0, to: descriptor) }) {
      throw FormatError(path: path, "cannot write the file: \(FileProblem.reason(errno: failure))")
    }
  }

  /// Writes all of `buffer` at the current offset of `descriptor` (the file at `path`, for errors).
  public static func append(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws(FormatError) {
    if let failure = write(buffer, to: descriptor) { throw FormatError(path: path, "cannot write the file: \(FileProblem.reason(errno: failure))") }
  }

  /// Writes all of `buffer` at the current offset of `descriptor`; the `errno` of a failure, nil on success.
  private static func write(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
    var offset = 0
    while offset < buffer.count {
      let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return nil
  }
}
