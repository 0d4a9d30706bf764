import Foundation

/// Writes files so that a reader never sees a half-written one: each file goes to a temporary
/// name in the same directory and is renamed over the target.
public enum AtomicWriter {
  /// Writes every (file name, contents) pair into `directory`, creating it if needed. All
  /// contents are prepared by the caller before the first write, so a failed run writes nothing.
  public static func write(_ files: [(name: String, contents: Data)], into directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for file in files {
      let url = URL(fileURLWithPath: directory).appendingPathComponent(file.name)
      try file.contents.write(to: url, options: .atomic)
    }
  }
}
