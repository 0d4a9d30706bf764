import Foundation
import LabFormats
import LabRandom
import LabTransformer
import PropertyBased
import Testing

@Suite struct TokenizerTests {
  static func tiny() throws -> WordPieceTokenizer {
    WordPieceTokenizer(vocabulary: try WordPieceVocabulary(contentsOf: Fixtures.path("tiny-bert/vocab.txt")))
  }

  @Test("BERT's basic tokenisation: punctuation isolated, accents stripped, CJK split, controls dropped, case folded")
  func basicExamples() {
    func words(_ text: String) -> [String] { BasicTokenizer.words(text).map { String(String.UnicodeScalarView($0)) } }
    #expect(words("Hello, World!") == ["hello", ",", "world", "!"])
    #expect(words("Café naïve İstanbul") == ["cafe", "naive", "istanbul"])
    #expect(words("北京is中国") == ["北", "京", "is", "中", "国"])
    #expect(words("a\u{0}b\u{FFFD}c\u{200B}d\u{00AD}e") == ["abcde"])
    #expect(words("tab\tnew\nline\u{00A0}nbsp\u{3000}ideographic") == ["tab", "new", "line", "nbsp", "ideographic"])
    #expect(words("$5 <= x^2 | ~y") == ["$", "5", "<", "=", "x", "^", "2", "|", "~", "y"])
    #expect(words("a\u{2B820}b a\u{2B920}b") == ["a\u{2B820}b", "a", "\u{2B920}", "b"])
    #expect(words("ΣΑΣ ß ﬁ") == ["σασ", "ß", "ﬁ"])
  }

  @Test("WordPiece: longest pieces first, [UNK] for a word with no split or longer than 100 scalars, truncation keeps [SEP]")
  func wordPieceExamples() throws {
    let tokenizer = try Self.tiny(), v = tokenizer.vocabulary
    func ids(_ tokens: [String]) -> [Int32] { tokens.map { v.ids[$0]! } }
    #expect(tokenizer.pieces("unbelievable") == ids(["un", "##believ", "##able"]))
    #expect(tokenizer.pieces("unbelievably") == ids(["un", "##believ", "##a", "##b", "##ly"]))
    #expect(tokenizer.pieces("tokenization") == ids(["token", "##ization"]))
    #expect(tokenizer.pieces("東京") == [v.unknown] + ids(["京"]))
    #expect(tokenizer.pieces(String(repeating: "x", count: 100)) == ids(["x"] + Array(repeating: "##x", count: 99)))
    #expect(tokenizer.pieces(String(repeating: "x", count: 101)) == [v.unknown])
    #expect(tokenizer.sequence("the the the the", length: 4) == [v.classification] + ids(["the", "the"]) + [v.separator])
    #expect(tokenizer.sequence("", length: 4) == [v.classification, v.separator])
  }

  @Test("Property: an ASCII text's pieces, ## removed and joined, are its non-space characters lower-cased (every letter and digit is a piece)")
  func asciiRoundTrip() async throws {
    let tokenizer = try Self.tiny()
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t.,;:!?'\"()-+*/=<>[]{}$%&#@^_`|~\\")
    await propertyCheck(count: 200, input: Gen.uint64()) { seed in
      var generator = Xoshiro256StarStar(seed: seed)
      // Words of at most 100 characters, so none becomes [UNK].
      let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
        String((0..<Int.random(in: 1...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
      }.joined(separator: " ")
      let joined = tokenizer.pieces(text).map { tokenizer.vocabulary.tokens[Int($0)] }
        .map { $0.hasPrefix("##") ? String($0.dropFirst(2)) : $0 }.joined()
      #expect(joined == String(text.lowercased().filter { !$0.isWhitespace }), "seed \(seed): \(text)")
    }
  }

  @Test("all-MiniLM-L6-v2's vocabulary: the ids of transformers' tokenizer on tricky strings and every 200th WordNet gloss",
        .enabled(if: Fixtures.minilmModel != nil, "the model is fetched by scripts/fetch-minilm.sh"))
  func minilmTokenization() throws {
    struct Cases: Decodable { var cases: [Case] }
    struct Case: Decodable { var text: String; var ids: [Int32] }
    let tokenizer = WordPieceTokenizer(vocabulary: try WordPieceVocabulary(contentsOf: Fixtures.minilmModel! + "/vocab.txt"))
    let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("minilm-expected/tokenization.json"))))
    #expect(cases.cases.count > 500)
    for item in cases.cases {
      #expect(tokenizer.sequence(item.text, length: 512) == item.ids, "\(item.text.debugDescription)")
    }
  }
}
