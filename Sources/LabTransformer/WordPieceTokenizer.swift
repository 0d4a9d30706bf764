/// BERT's uncased WordPiece tokenizer: ``BasicTokenizer`` words split greedily into the longest
/// vocabulary pieces (`##` before every piece after the first); a word longer than
/// ``maximumWordLength`` scalars or with no split is one `[UNK]`. Sequences are
/// `[CLS] pieces… [SEP]`, truncated to a length.
public struct WordPieceTokenizer: Sendable {
  /// The vocabulary.
  public let vocabulary: WordPieceVocabulary
  /// The longest word split into pieces (`max_input_chars_per_word`).
  public static let maximumWordLength = 100

  /// A tokenizer over `vocabulary`.
  public init(vocabulary: WordPieceVocabulary) {
    self.vocabulary = vocabulary
  }

  /// The ids of `text`'s pieces, without special tokens.
  public func pieces(_ text: String) -> [Int32] {
    var ids: [Int32] = []
    for word in BasicTokenizer.words(text) { appendPieces(of: word, to: &ids) }
    return ids
  }

  /// `[CLS]`, the first `length − 2` pieces of `text`, `[SEP]`; `length ≥ 3`.
  public func sequence(_ text: String, length: Int) -> [Int32] {
    precondition(length >= 3, "A sequence needs room for [CLS], a piece and [SEP]; got length \(length).")
    let ids = pieces(text)
    return [vocabulary.classification] + ids.prefix(length - 2) + [vocabulary.separator]
  }

  private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
    guard word.count <= Self.maximumWordLength else {
      ids.append(vocabulary.unknown)
      return
    }
    var found: [Int32] = []
    var start = 0
    while start < word.count {
      var end = word.count
      var match: Int32?
      while end > start {
        var piece = start > 0 ? "##" : ""
        piece.unicodeScalars.append(contentsOf: word[start..<end])
        if let id = vocabulary.ids[piece] {
          match = id
          break
        }
        end -= 1
      }
      guard let match else {
        ids.append(vocabulary.unknown)
        return
      }
      found.append(match)
      start = end
    }
    ids.append(contentsOf: found)
  }
}
