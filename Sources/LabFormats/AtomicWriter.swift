import Foundation

/// Writes files so that a reader never sees a half-written one: each file goes to a temporary
/// name in the same directory and is renamed over the target.
public enum AtomicWriter {
  /// Writes every (file name, contents) pair into `directory`, creating it if needed. All
  /// contents are prepared by the caller before the first write, so a failed run writes nothing.
  public static func write(_ files: [(name: String, contents: Data)], into directory: String) throws {
    let base = URL(fileURLWithPath: directory)
    try write(files.map { (base.appendingPathComponent($0.name).path, $0.contents) })
  }

  /// Writes every (path, contents) pair, creating parent directories as needed.
  public static func write(_ files: [(path: String, contents: Data)]) throws {
    for file in files {
      let url = URL(fileURLWithPath: file.path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try file.contents.write(to: url, options: .atomic)
    }
  }
}
