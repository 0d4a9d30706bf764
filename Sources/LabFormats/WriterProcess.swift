import Foundation

/// The temporary names of the writers carry the writing process's id (`<prefix><pid>-<tag>`), so a
/// later run can tell what a killed writer left from what a running one is still writing.
enum WriterProcess {
  /// The process id at the start of `name` (up to the first "-"), if that process is running.
  static func running(_ name: Substring) -> pid_t? {
    guard let pid = pid_t(name.prefix { $0 != "-" }), pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return nil }
    return pid
  }
}
