import Foundation
import LabFormats
import LabTransformer

/// The outputs of `lab activations`, written as the rows arrive: the float32 `.npy` of hidden
/// states (its row count known in advance) and, optionally, `tokens.json` with one entry per row.
/// Both go to partial files renamed into place by ``finish()``, so a failed run leaves no half file.
final class ActivationWriter {
  private let states: NumPyStreamWriter
  private let tokens: (path: String, partial: String, handle: FileHandle)?
  private let vocabulary: WordPieceVocabulary
  private let width: Int
  private var entries = 0

  /// Creates the partial files of a `rows` × `width` array at `out` and of `tokensPath`.
  init(rows: Int, width: Int, out: String, tokens tokensPath: String?, vocabulary: WordPieceVocabulary) throws {
    states = try NumPyStreamWriter(path: out, shape: [rows, width], elementType: .float32)
    self.vocabulary = vocabulary
    self.width = width
    if let tokensPath {
      let partial = "\(tokensPath).\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).partial"
      do { try FileBytes.write(Data("{\"tokens\": [".utf8), to: partial) } catch {
        states.discard()
        try? FileManager.default.removeItem(atPath: partial)
        throw error
      }
      guard let handle = FileHandle(forWritingAtPath: partial) else {
        states.discard()
        try? FileManager.default.removeItem(atPath: partial)
        throw FormatError(path: tokensPath, "cannot open \(partial) for writing")
      }
      handle.seekToEndOfFile()
      tokens = (tokensPath, partial, handle)
    } else {
      tokens = nil
    }
  }

  /// Appends the rows of the first `take` tokens after `[CLS]` of a document's sequence `ids`,
  /// whose hidden states (all of the sequence's rows) are `states`.
  func append(document: Int, ids: [Int32], states rows: [Float], take: Int) throws {
    try states.append(rows[width..<((1 + take) * width)].map(Double.init))
    guard let tokens else { return }
    var text = ""
    precondition(take >= 1 && take <= ids.count - 2, "take \(take) is not in 1...\(ids.count - 2)")
    for position in 1...take {
      let id = ids[position]
      text += (entries == 0 ? "\n" : ",\n") + "{\"doc\": \(document), \"pos\": \(position), \"id\": \(id), \"token\": \(Self.quoted(vocabulary.tokens[Int(id)]))}"
      entries += 1
    }
    try FileBytes.append(Data(text.utf8), to: tokens.handle.fileDescriptor, path: tokens.partial)
  }

  /// Completes both files and renames them into place.
  func finish() throws {
    if let tokens {
      try FileBytes.append(Data("\n]}\n".utf8), to: tokens.handle.fileDescriptor, path: tokens.partial)
      do { try tokens.handle.close() } catch { throw FormatError(path: tokens.partial, "write failed: \(FileProblem.reason(error))") }
    }
    try states.finish()
    if let tokens, rename(tokens.partial, tokens.path) != 0 {
      throw FormatError(path: tokens.path, "cannot rename \(tokens.partial) onto it: \(String(cString: strerror(errno)))")
    }
  }

  /// Deletes the partial files after a failure.
  func discard() {
    states.discard()
    if let tokens {
      try? tokens.handle.close()
      try? FileManager.default.removeItem(atPath: tokens.partial)
    }
  }

  /// `token` as a JSON string: `"` and `\` escaped, control characters as `\u00XX`, the rest as is.
  static func quoted(_ token: String) -> String {
    var result = "\""
    for scalar in token.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
