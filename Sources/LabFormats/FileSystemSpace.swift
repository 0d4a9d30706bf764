import Foundation

/// The free space of the file system that will hold a path, checked before a large write so that
/// an output the disk cannot hold ends in a message instead of a full disk half-way through.
public enum FileSystemSpace {
  /// Bytes an unprivileged process can still write on the file system of `path` (`statvfs`'s
  /// `f_bavail × f_frsize`), asked of the nearest existing ancestor when `path` does not exist yet;
  /// nil when no ancestor can be asked.
  public static func availableBytes(near path: String) -> Int? {
    var url = URL(fileURLWithPath: path).standardizedFileURL
    while !FileManager.default.fileExists(atPath: url.path) {
      let parent = url.deletingLastPathComponent()
      guard parent.path != url.path else { return nil }
      url = parent
    }
    var info = statvfs()
    guard statvfs(url.path, &info) == 0 else { return nil }
    let (bytes, overflow) = Int(info.f_bavail).multipliedReportingOverflow(by: Int(info.f_frsize))
    return overflow ? Int.max : bytes
  }
}
