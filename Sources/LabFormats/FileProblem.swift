import Foundation

/// The cause of a failed file operation in words, without Foundation's error domain and code
/// (`NSCocoaErrorDomain Code=513` becomes "permission denied").
public enum FileProblem {
  /// The cause behind `error`: its POSIX error when it has one, else the closest description.
  public static func reason(_ error: any Error) -> String {
    let error = error as NSError
    if error.domain == NSPOSIXErrorDomain { return reason(errno: Int32(error.code)) }
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return reason(errno: Int32(underlying.code))
    }
    switch CocoaError.Code(rawValue: error.code) {
    case .fileNoSuchFile, .fileReadNoSuchFile: return "does not exist"
    case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
    case .fileWriteOutOfSpace: return "the disk is full"
    case .fileWriteVolumeReadOnly: return "the file system is read-only"
    case .fileReadTooLarge: return "the file is too large"
    default: return error.localizedDescription
    }
  }

  /// Why the input file `path` cannot be read as a file (missing, a symlink loop, a directory, a
  /// device or FIFO, which would block or never end), or nil for a regular file.
  public static func input(_ path: String) -> String? {
    var status = stat()
    guard stat(path, &status) == 0 else { return errno == ENOENT ? "no such file" : reason(errno: errno) }
    return nonRegular(status.st_mode).map { "\($0), not a regular file" }
  }

  /// "is a directory", "is a device", … for a file type other than a regular file, or nil.
  public static func nonRegular(_ mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFDIR: return "is a directory"
    case S_IFCHR, S_IFBLK: return "is a device"
    case S_IFIFO: return "is a FIFO"
    case S_IFSOCK: return "is a socket"
    default: return "is not a regular file"
    }
  }

  /// The cause behind the POSIX error `code`, in the lab's words where they are clearer.
  public static func reason(errno code: Int32) -> String {
    switch code {
    case ENOSPC: return "the disk is full"
    case EFBIG: return "the file is larger than this process may write"
    case ELOOP: return "is a symlink loop"
    case EISDIR: return "is a directory"
    case EROFS: return "the file system is read-only"
    case EACCES, EPERM: return "permission denied"
    default: return String(cString: strerror(code))
    }
  }
}
