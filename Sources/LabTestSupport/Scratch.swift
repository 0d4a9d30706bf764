import Foundation

/// Fresh directories for a test's files.
public enum Scratch {
  /// A new, empty directory under the system's temporary directory.
  public static func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lab-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
