/// A name that stays where it is put: a single path component that is not hidden. Experiment ids,
/// and the report, record and figure names derived from them, are checked with it before any work,
/// and every name ``AtomicWriter`` writes is, so nothing lands outside the chosen directory.
public enum PlainName {
  /// The longest file name in UTF-8 bytes (Linux's NAME_MAX).
  public static let fileBytes = 255
  /// The longest name that other names are derived from (an experiment id): room for a suffix
  /// such as `.provenance.json` within ``fileBytes``.
  public static let stemBytes = 128

  /// Why `name` is not a plain name of at most `maximumBytes` (empty, too long, a `/`, a NUL, or a
  /// leading dot, which also covers `.`, `..` and the writers' hidden staging names), or nil.
  public static func problem(_ name: String, maximumBytes: Int = fileBytes) -> String? {
    if name.isEmpty { return "is empty" }
    if name.utf8.count > maximumBytes { return "is \(name.utf8.count) bytes long, more than \(maximumBytes)" }
    if name.contains("/") { return "contains '/'" }
    if name.utf8.contains(0) { return "contains a NUL character" }
    if name.hasPrefix(".") { return "starts with '.'" }
    return nil
  }
}
