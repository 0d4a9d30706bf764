import Foundation
import LabFormats

/// One place a command writes: a file, or named files in a directory (which the command creates
/// when needed and in which it touches only those names).
struct OutputTarget {
  /// What is written.
  enum Kind {
    /// The file itself (written by renaming a new file onto it); its folder is created when
    /// `createsFolder`, else it must exist.
    case file(createsFolder: Bool)
    /// These file names inside the directory.
    case directory(names: [String])
  }

  /// The option that names the place, with its dashes (`--out`).
  var option: String
  /// The path as given.
  var path: String
  var kind: Kind

  /// A file named by `option`, in a folder that exists or (`createsFolder`) is created.
  static func file(_ option: String, _ path: String, createsFolder: Bool = false) -> OutputTarget {
    OutputTarget(option: option, path: path, kind: .file(createsFolder: createsFolder))
  }

  /// A directory named by `option` that receives `names`.
  static func directory(_ option: String, _ path: String, names: [String]) -> OutputTarget {
    OutputTarget(option: option, path: path, kind: .directory(names: names))
  }
}

/// The check every command that writes runs before any work: each output can be written, is not
/// one of the command's inputs (compared by file identity, so symlinks and hard links count), is
/// not a device, FIFO or socket, and no two outputs are the same file. The first problem ends the
/// command with exit code 2 and one line naming the option, the path and the cause.
enum OutputCheck {
  /// Checks `outputs` against `inputs` (files, or directories, which stand for themselves and the
  /// files directly in them); throws the exit code 2 after printing the problem.
  static func validate(_ outputs: [OutputTarget], inputs: [String]) throws {
    if let problem = problem(outputs, inputs: inputs) { throw BadInput.fail(problem) }
  }

  /// The first problem with `outputs`, or nil.
  static func problem(_ outputs: [OutputTarget], inputs: [String]) -> String? {
    let inputIdentities = identities(of: inputs)
    var written: [FileIdentity: String] = [:]
    for output in outputs {
      switch output.kind {
      case .file(let createsFolder):
        if let problem = fileProblem(output.path, option: output.option, inputs: inputIdentities) { return problem }
        let folder = URL(fileURLWithPath: output.path).deletingLastPathComponent().path
        if createsFolder && !FileManager.default.fileExists(atPath: folder) {
          if let problem = directoryProblem(folder, option: output.option) { return problem }
        } else if let problem = parentProblem(output.path, option: output.option) {
          return problem
        }
      case .directory(let names):
        if let problem = directoryProblem(output.path, option: output.option) { return problem }
        for name in names {
          let path = child(name, of: output.path)
          if let problem = fileProblem(path, option: output.option, inputs: inputIdentities) { return problem }
        }
      }
      for path in files(of: output) {
        let identity = FileIdentity(path: path) ?? FileIdentity(canonical: path)
        if let other = written[identity], other != output.option {
          return "'\(output.option)' and '\(other)' would both write \(path); give them different paths"
        }
        written[identity] = output.option
      }
    }
    return nil
  }

  /// The files `output` writes.
  private static func files(of output: OutputTarget) -> [String] {
    switch output.kind {
    case .file: return [output.path]
    case .directory(let names): return names.map { child($0, of: output.path) }
    }
  }

  /// `name` in the directory `path`, spelled as the user gave the directory.
  private static func child(_ name: String, of path: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }

  /// Why the file at `path` cannot be replaced by an output: it is an input, or not a regular file.
  private static func fileProblem(_ path: String, option: String, inputs: [FileIdentity: String]) -> String? {
    guard !path.isEmpty else { return "'\(option)' is empty; give a path" }
    var status = stat()
    guard stat(path, &status) == 0 else {
      // A new file (or one whose directory is missing, which the directory's check reports).
      if errno == ENOENT || errno == ENOTDIR { return nil }
      return "'\(option)' \(path): \(describe(errno))"
    }
    if let input = inputs[FileIdentity(status)] {
      return "'\(option)' \(path) is an input; writing it would overwrite the input \(input)"
    }
    if let kind = FileProblem.nonRegular(status.st_mode) { return "'\(option)' \(path) \(kind); give a regular file path" }
    return nil
  }

  /// Why the directory that will hold the file `path` cannot: missing, not a directory, not writable.
  private static func parentProblem(_ path: String, option: String) -> String? {
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var status = stat()
    guard stat(parent, &status) == 0 else { return "'\(option)' \(path): its folder \(parent) \(describe(errno))" }
    guard status.st_mode & S_IFMT == S_IFDIR else { return "'\(option)' \(path): \(parent) is not a directory" }
    return writeProblem(parent).map { "'\(option)' \(path): its folder \(parent) is not writable (\($0))" }
  }

  /// Why `path` cannot be (or become) a directory the command writes into.
  private static func directoryProblem(_ path: String, option: String) -> String? {
    guard !path.isEmpty else { return "'\(option)' is empty; give a directory" }
    var status = stat()
    if stat(path, &status) == 0 {
      guard status.st_mode & S_IFMT == S_IFDIR else {
        return "'\(option)' \(path) \(FileProblem.nonRegular(status.st_mode) ?? "is a file"), not a directory"
      }
      return writeProblem(path).map { "'\(option)' \(path) is not writable (\($0))" }
    }
    guard errno == ENOENT else { return "'\(option)' \(path): \(describe(errno))" }
    // The directory will be created: its nearest existing ancestor must be a writable directory.
    var ancestor = URL(fileURLWithPath: path).standardizedFileURL
    repeat { ancestor = ancestor.deletingLastPathComponent() } while stat(ancestor.path, &status) != 0 && ancestor.path != "/"
    guard status.st_mode & S_IFMT == S_IFDIR else { return "'\(option)' \(path): \(ancestor.path) is not a directory" }
    return writeProblem(ancestor.path).map { "'\(option)' \(path) cannot be created: \(ancestor.path) is not writable (\($0))" }
  }

  /// Why no file can be created in the directory `path` (tried with a probe file, which also sees
  /// read-only file systems and pseudo file systems that permission bits do not show), or nil.
  private static func writeProblem(_ path: String) -> String? {
    let probe = URL(fileURLWithPath: path).appendingPathComponent(".lab-probe-\(getpid())-\(UUID().uuidString.prefix(8))").path
    let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard descriptor >= 0 else { return String(cString: strerror(errno)) }
    close(descriptor)
    unlink(probe)
    return nil
  }

  /// The cause behind `errno` in words the user can act on.
  private static func describe(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "does not exist"
    case ENOTDIR: return "has a part that is not a directory"
    default: return FileProblem.reason(errno: code)
    }
  }

  /// The identities of `paths` and of the files directly in those that are directories, each with
  /// the input path it names.
  private static func identities(of paths: [String]) -> [FileIdentity: String] {
    var result: [FileIdentity: String] = [:]
    for path in paths {
      var status = stat()
      guard stat(path, &status) == 0 else { continue }
      result[FileIdentity(status)] = result[FileIdentity(status)] ?? path
      guard status.st_mode & S_IFMT == S_IFDIR, let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
      for name in names {
        let file = child(name, of: path)
        if let identity = FileIdentity(path: file) { result[identity] = result[identity] ?? file }
      }
    }
    return result
  }
}

/// A file by device and inode (what a hard link or a symlink shares with its target), or, for a
/// file that does not exist yet, by its standardized path.
struct FileIdentity: Hashable {
  private var device: UInt64 = 0, inode: UInt64 = 0, canonical = ""

  init(_ status: stat) { (device, inode) = (UInt64(status.st_dev), UInt64(status.st_ino)) }

  /// The identity of the existing file at `path` (symlinks followed), or nil.
  init?(path: String) {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    self.init(status)
  }

  init(canonical path: String) { canonical = URL(fileURLWithPath: path).standardizedFileURL.path }
}
