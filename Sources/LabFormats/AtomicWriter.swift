import Foundation

/// Writes a set of files into a directory so that they commit together or not at all, and a run
/// killed at any moment leaves either the previous files or the new ones.
///
/// The protocol (a small journal):
/// 1. every file is written into a staging directory `<directory>/.lab-staging-<pid>-<tag>/`;
/// 2. a ``commitMarker`` file listing the names is written there last: the staging is complete;
/// 3. each file is renamed (`rename(2)`, atomic per file) onto its target, in the listed order;
/// 4. the staging directory is removed.
///
/// A run killed before step 2 leaves the targets untouched; one killed during step 3 leaves a
/// staging directory with its marker, which a reader detects and which ``recover(_:)`` completes
/// (rolls forward). Every write starts by recovering the directory, so stale staging directories of
/// dead processes are completed or removed; those of live processes are left to them. The renames of
/// step 3 hold an exclusive `flock` on the directory, so concurrent writers commit one after the
/// other. Files other than the written names are never touched.
public enum AtomicWriter {
  /// The name prefix of staging directories.
  public static let stagingPrefix = ".lab-staging-"
  /// The file that marks a staging directory as complete; it lists the file names, one per line.
  public static let commitMarker = "COMMIT"

  /// Writes every (file name, contents) pair into `directory`, creating it if needed. Names must be
  /// plain file names (``PlainName``: no `/`, no NUL, no leading dot, so not `.`, `..` or a staging name). All contents are prepared by
  /// the caller before the first write, so a failed run changes nothing.
  public static func write(_ files: [(name: String, contents: Data)], into directory: String) throws {
    try write(files, into: directory, afterRename: { _ in })
  }

  /// Writes every (path, contents) pair, grouped by parent directory (each group commits
  /// together; groups commit in the order their first file appears).
  public static func write(_ files: [(path: String, contents: Data)]) throws {
    var order: [String] = [], groups: [String: [(name: String, contents: Data)]] = [:]
    for file in files {
      let url = URL(fileURLWithPath: file.path)
      let parent = url.deletingLastPathComponent().path
      if groups[parent] == nil { order.append(parent) }
      groups[parent, default: []].append((url.lastPathComponent, file.contents))
    }
    for parent in order { try write(groups[parent]!, into: parent) }
  }

  /// The staging directory of one write, being filled: every file added to it, written whole or
  /// streamed, commits with the others (``write(into:_:)``).
  public struct Staging {
    /// The staging directory.
    public let path: String
    /// The directory the files commit into (named in errors).
    let directory: String
    /// The names added, in commit order.
    private(set) var names: [String] = []

    /// Writes `contents` as the file `name`.
    public mutating func add(_ name: String, _ contents: Data) throws {
      try AtomicWriter.writeFile(contents, to: try path(for: name))
      WriteFaults.step()
    }

    /// The path at which the caller writes the file `name` itself (a streamed file); it commits
    /// with the others, so it must be complete when the fill returns.
    public mutating func path(for name: String) throws -> String {
      try AtomicWriter.validate(name: name, in: directory)
      names.append(name)
      return path + "/" + name
    }
  }

  /// Writes the files that `fill` adds to a staging directory into `directory`, creating it if
  /// needed: they commit together (all of them, or none when `fill` throws), so a multi-file output
  /// whose files are streamed (data and ground truth) is never half old and half new.
  public static func write(into directory: String, _ fill: (inout Staging) throws -> Void) throws {
    try write(into: directory, afterRename: { _ in }, fill)
  }

  /// ``write(_:into:)`` with `afterRename(k)` called after the k-th rename (k from 1): the fault
  /// injection point of the tests, which throw there to stand for a kill.
  static func write(_ files: [(name: String, contents: Data)], into directory: String, afterRename: (Int) throws -> Void) throws {
    for file in files { try validate(name: file.name, in: directory) }
    try write(into: directory, afterRename: afterRename) { staging in
      for file in files { try staging.add(file.name, file.contents) }
    }
  }

  private static func write(into directory: String, afterRename: (Int) throws -> Void, _ fill: (inout Staging) throws -> Void) throws {
    try createDirectory(directory)
    try recover(directory)
    var staging = Staging(path: URL(fileURLWithPath: directory)
      .appendingPathComponent("\(stagingPrefix)\(getpid())-\(UUID().uuidString.prefix(8))").path, directory: directory)
    try createDirectory(staging.path)
    do {
      try fill(&staging)
      try writeFile(Data(staging.names.map { $0 + "\n" }.joined().utf8), to: staging.path + "/" + commitMarker)
      WriteFaults.step()
    } catch {
      try? FileManager.default.removeItem(atPath: staging.path)
      throw error
    }
    try rollForward(staging.path, into: directory, afterRename: afterRename)
  }

  /// Completes or removes the staging directories in `directory` left by processes that are no
  /// longer running: one with its commit marker is rolled forward, one without is removed.
  public static func recover(_ directory: String) throws {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in entries.sorted() where name.hasPrefix(stagingPrefix) {
      if let pid = WriterProcess.running(name.dropFirst(stagingPrefix.count)), pid != getpid() { continue }  // still writing
      let staging = URL(fileURLWithPath: directory).appendingPathComponent(name).path
      if FileManager.default.fileExists(atPath: staging + "/" + commitMarker) {
        try rollForward(staging, into: directory, afterRename: { _ in })
      } else {
        try? FileManager.default.removeItem(atPath: staging)
      }
    }
  }

  /// Renames the listed files of a complete staging directory onto their targets, then removes it,
  /// holding an exclusive lock on the directory, so that two writers' renames never interleave.
  private static func rollForward(_ staging: String, into directory: String, afterRename: (Int) throws -> Void) throws {
    let lock = open(directory, O_RDONLY)
    if lock >= 0 { flock(lock, LOCK_EX) }
    defer { if lock >= 0 { close(lock) } }
    let marker = staging + "/" + commitMarker
    guard FileManager.default.fileExists(atPath: staging) else { return }  // another process completed it meanwhile
    guard let list = try? String(contentsOfFile: marker, encoding: .utf8) else {
      throw FormatError(path: marker, "cannot read the commit marker of an interrupted write")
    }
    var renamed = 0
    for name in list.split(separator: "\n").map(String.init) {
      let source = staging + "/" + name, target = URL(fileURLWithPath: directory).appendingPathComponent(name).path
      guard FileManager.default.fileExists(atPath: source) else { continue }  // renamed before an interruption
      guard rename(source, target) == 0 else {
        throw FormatError(path: target, "cannot move the new file into place: \(String(cString: strerror(errno)))")
      }
      renamed += 1
      WriteFaults.step()
      try afterRename(renamed)
    }
    try? FileManager.default.removeItem(atPath: marker)
    try? FileManager.default.removeItem(atPath: staging)
  }

  /// A name that stays inside its directory and is not the writer's own.
  private static func validate(name: String, in directory: String) throws {
    if let problem = PlainName.problem(name) { throw FormatError(path: directory, "'\(name)' is not a plain file name: it \(problem)") }
  }

  private static func createDirectory(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw FormatError(path: path, "exists and is not a directory") }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw FormatError(path: path, "cannot create the directory: \(FileProblem.reason(error))")
    }
  }

  private static func writeFile(_ contents: Data, to path: String) throws {
    try FileBytes.write(contents, to: path)
  }
}
