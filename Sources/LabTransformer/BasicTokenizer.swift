/// BERT's text normalisation and pre-tokenisation for an uncased model, as `tokenizers`'
/// `BertNormalizer` (clean text, CJK characters, accent stripping, lower-casing) and
/// `BertPreTokenizer` (split on whitespace, isolate punctuation) do them: the words WordPiece then splits.
public enum BasicTokenizer {
  /// The words of `text`, each a non-empty array of Unicode scalars.
  public static func words(_ text: String) -> [[Unicode.Scalar]] {
    var words: [[Unicode.Scalar]] = []
    var current: [Unicode.Scalar] = []
    func endWord() {
      if !current.isEmpty { words.append(current) }
      current.removeAll(keepingCapacity: true)
    }
    for scalar in normalized(text) {
      if scalar.properties.isWhitespace {
        endWord()
      } else if isPunctuation(scalar) {
        endWord()
        words.append([scalar])
      } else {
        current.append(scalar)
      }
    }
    endWord()
    return words
  }

  /// `BertNormalizer` with `clean_text`, `handle_chinese_chars`, `strip_accents` and `lowercase`, in
  /// that order: controls, U+0000 and U+FFFD dropped, whitespace made a space, CJK ideographs
  /// surrounded by spaces, NFD with the nonspacing marks (Mn) dropped, then each scalar's full
  /// lower-case mapping (without context, as Rust's `char::to_lowercase`).
  static func normalized(_ text: String) -> [Unicode.Scalar] {
    var cleaned = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { continue }
      if isWhitespace(scalar) {
        cleaned.append(" ")
      } else if isChineseCharacter(scalar) {
        cleaned.append(" ")
        cleaned.append(scalar)
        cleaned.append(" ")
      } else {
        cleaned.append(scalar)
      }
    }
    var result: [Unicode.Scalar] = []
    result.reserveCapacity(cleaned.count)
    let decomposed = cleaned.allSatisfy(\.isASCII) ? cleaned : String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
    for scalar in decomposed where scalar.properties.generalCategory != .nonspacingMark {
      if scalar.isASCII {
        result.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 0x20)! : scalar)
      } else {
        result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
      }
    }
    return result
  }

  /// Tab, newline and carriage return, and every scalar with the White_Space property.
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
  }

  /// The "other" categories (Cc, Cf, Cs, Co, Cn) except tab, newline and carriage return.
  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned: return true
    default: return false
    }
  }

  /// ASCII punctuation (including `$+<=>^`|~`) and the Unicode punctuation categories (Pc, Pd, Ps, Pe, Pi, Pf, Po).
  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
      .otherPunctuation:
      return true
    default: return false
    }
  }

  /// The CJK Unified Ideographs blocks that `tokenizers` splits into single characters. Its fifth
  /// range starts at U+2B920, not at U+2B820 as the Python `BertTokenizer`'s does; the model's own
  /// tokenizer is the Rust one, so U+2B820…U+2B91F stay inside words here too.
  static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F, 0x2B920...0x2CEAF,
      0xF900...0xFAFF, 0x2F800...0x2FA1F:
      return true
    default: return false
    }
  }
}
