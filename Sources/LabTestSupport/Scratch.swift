import Foundation

/// Fresh directories for a test's files.
///
/// Every directory lives under one folder per test process, `lab-tests/<pid>` in the system's
/// temporary directory (or in `/dev/shm`, for tests that write many small files), which is removed
/// when the process exits; folders of test processes that no longer run (a crash, a kill) are removed
/// the first time a later process asks for a directory.
public enum Scratch {
  /// The folders that hold every test process's scratch folder: on disk, and in memory where there is one.
  static let bases: [URL] = {
    let memory = URL(fileURLWithPath: "/dev/shm")
    let disk = FileManager.default.temporaryDirectory
    return [disk, FileManager.default.isWritableFile(atPath: memory.path) ? memory : disk].map { $0.appendingPathComponent("lab-tests") }
  }()

  /// This process's scratch folders, created on first use, with their removal registered for exit.
  static let processRoots: [URL] = {
    bases.forEach(removeAbandoned)
    let roots = bases.map { $0.appendingPathComponent("\(getpid())") }
    for root in roots { try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) }
    atexit { for root in Scratch.processRoots { try? FileManager.default.removeItem(at: root) } }
    return roots
  }()

  /// A new, empty directory under this process's scratch folder; `inMemory` puts it in `/dev/shm` where
  /// that is writable, since thousands of small writes take minutes on a loaded disk.
  public static func directory(inMemory: Bool = false) throws -> URL {
    let url = processRoots[inMemory ? 1 : 0].appendingPathComponent("lab-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Removes the scratch folders under `base` of test processes that are no longer running.
  static func removeAbandoned(under base: URL) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
    for name in names {
      guard let pid = pid_t(name), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
      try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
    }
  }
}
