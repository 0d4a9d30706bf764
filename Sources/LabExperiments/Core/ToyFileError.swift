import Foundation

/// A toy file that cannot be used, with a message naming the file, the field and the value.
public struct ToyFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The full message.
  public let description: String

  /// Creates the error for `path`.
  public init(path: String, _ message: String) {
    description = "\(path): \(message)"
  }

  /// Turns a failure to decode `data` as `type` into a sentence naming the field, also when the
  /// decoder names none (a number the field's type cannot hold, see ``NumberFieldDiagnosis``).
  init<T: Decodable>(path: String, decoding error: Error, data: Data, as type: T.Type) {
    if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty,
      let message = NumberFieldDiagnosis.message(type, data: data) {
      self.init(path: path, message)
    } else {
      self.init(path: path, decoding: error)
    }
  }

  /// Turns a JSON decoding failure into a sentence naming the field.
  public init(path: String, decoding error: Error) {
    func field(_ codingPath: [CodingKey]) -> String {
      let joined = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return joined.hasPrefix(".") ? String(joined.dropFirst()) : (joined.isEmpty ? "(top level)" : joined)
    }
    switch error {
    case DecodingError.keyNotFound(let key, let context):
      let parent = field(context.codingPath)
      self.init(path: path, "missing field '\(parent == "(top level)" ? key.stringValue : parent + "." + key.stringValue)'")
    case DecodingError.typeMismatch(let type, let context):
      self.init(path: path, "field '\(field(context.codingPath))' has the wrong type (expected \(type)): \(context.debugDescription)")
    case DecodingError.valueNotFound(let type, let context):
      self.init(path: path, "field '\(field(context.codingPath))' is null (expected \(type))")
    case DecodingError.dataCorrupted(let context):
      let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
      let detail = [context.debugDescription, underlying].compactMap { $0 }.joined(separator: " ")
      self.init(path: path, context.codingPath.isEmpty
        ? "not valid JSON: \(detail)" : "field '\(field(context.codingPath))' is invalid: \(detail)")
    default:
      self.init(path: path, "cannot be read: \(error)")
    }
  }
}
