import Foundation

/// Standard error and standard output as the lab writes them: a full or closed stream never traps
/// (Foundation's `FileHandle.write(_:)` does), and a summary that could not reach standard output
/// never ends in exit code 0.
enum StandardStreams {
  /// Writes `text` to standard error. A failure is ignored: there is no other place to report it,
  /// and the exit code still says how the command ended.
  static func error(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { return }
      bytes = bytes.dropFirst(written)
    }
  }

  /// C's `stdout`, which `print` writes through (Swift 6 refuses a reference to the C global, so
  /// the stream is looked up by its symbol).
  static var output: UnsafeMutablePointer<FILE>? {
    dlsym(nil, "stdout").map { $0.load(as: UnsafeMutablePointer<FILE>.self) }
  }

  /// Flushes standard output and returns why it could not be written (its stream's error flag is
  /// sticky, so a failure at any earlier `print` is seen here), or nil when everything arrived.
  static func outputProblem() -> String? {
    guard let stream = output else { return nil }
    errno = 0
    let flushed = fflush(stream) == 0
    guard !flushed || ferror(stream) != 0 else { return nil }
    let reason = errno != 0 ? String(cString: strerror(errno)) : "write failed"
    return "standard output could not be written (\(reason)); the command's output is lost"
  }

  /// Ends the process with `code`, after checking that standard output was written: when it was
  /// not, says so on standard error and ends with exit code 2 instead of 0 (an unwritable output,
  /// as for every other output of the lab).
  static func exit(_ code: Int32) -> Never {
    if let problem = outputProblem() {
      error("error: \(problem)\n")
      Glibc.exit(code == 0 ? BadInput.exitCode : code)
    }
    Glibc.exit(code)
  }
}
