import Foundation
import LabFormats

/// A WordPiece vocabulary as `vocab.txt` holds it: line i is the token with id i; continuation
/// pieces start with `##`. Holds the ids of the special tokens BERT needs.
public struct WordPieceVocabulary: Sendable {
  /// The tokens by id.
  public let tokens: [String]
  /// The ids by token.
  public let ids: [String: Int32]
  /// The id of `[UNK]`.
  public let unknown: Int32
  /// The id of `[CLS]`.
  public let classification: Int32
  /// The id of `[SEP]`.
  public let separator: Int32

  /// A vocabulary of `tokens` (id = position); `path` names its file in errors.
  public init(tokens: [String], path: String) throws(FormatError) {
    var ids: [String: Int32] = [:]
    ids.reserveCapacity(tokens.count)
    for (id, token) in tokens.enumerated() { ids[token] = Int32(id) }  // a repeated line: the later id wins, as in `tokenizers`
    func special(_ token: String) throws(FormatError) -> Int32 {
      guard let id = ids[token] else { throw FormatError(path: path, "has no line '\(token)'") }
      return id
    }
    self.tokens = tokens
    self.ids = ids
    unknown = try special("[UNK]")
    classification = try special("[CLS]")
    separator = try special("[SEP]")
  }

  /// Reads `vocab.txt` at `path` (UTF-8, one token per line, `\n` or `\r\n` endings).
  public init(contentsOf path: String) throws(FormatError) {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw FormatError(path: path, "cannot be read: \(FileProblem.reason(error))")
    }
    var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
    if lines.last?.isEmpty == true { lines.removeLast() }
    guard lines.count <= Int(Int32.max) else { throw FormatError(path: path, "has \(lines.count) lines, more than Int32 ids allow") }
    var tokens: [String] = []
    tokens.reserveCapacity(lines.count)
    for (index, line) in lines.enumerated() {
      guard let token = String(validating: line, as: UTF8.self) else { throw FormatError(path: path, "line \(index + 1) is not UTF-8") }
      tokens.append(token)
    }
    try self.init(tokens: tokens, path: path)
  }
}
