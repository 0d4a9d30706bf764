/// A file the lab cannot read or write, with a message that names the file, the field and the value.
public struct FormatError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file concerned.
  public var path: String
  /// What is wrong with it.
  public var message: String

  /// An error about `path`.
  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): \(message)" }
}
