import Foundation
import LabFormats

/// The sizes of a BERT encoder, read from a model folder's `config.json` as `transformers` writes it,
/// limited to what ``BertEncoder`` implements: `BertModel` with absolute positions and the exact
/// (erf) GELU.
public struct BertConfiguration: Equatable, Sendable {
  /// Rows of the word embedding (`vocab_size`).
  public var vocabularySize: Int
  /// Width of every hidden state (`hidden_size`).
  public var hiddenSize: Int
  /// Encoder layers (`num_hidden_layers`).
  public var layerCount: Int
  /// Attention heads per layer (`num_attention_heads`); divides ``hiddenSize``.
  public var headCount: Int
  /// Width of the feed-forward layer (`intermediate_size`).
  public var intermediateSize: Int
  /// The longest sequence, special tokens included (`max_position_embeddings`).
  public var maximumPositions: Int
  /// Rows of the token-type embedding (`type_vocab_size`).
  public var tokenTypeCount: Int
  /// The LayerNorm epsilon (`layer_norm_eps`).
  public var layerNormEpsilon: Float

  /// Width of one attention head.
  public var headSize: Int { hiddenSize / headCount }

  /// A configuration; the sizes must satisfy ``validate(path:)``.
  public init(vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
              maximumPositions: Int, tokenTypeCount: Int, layerNormEpsilon: Float) {
    self.vocabularySize = vocabularySize
    self.hiddenSize = hiddenSize
    self.layerCount = layerCount
    self.headCount = headCount
    self.intermediateSize = intermediateSize
    self.maximumPositions = maximumPositions
    self.tokenTypeCount = tokenTypeCount
    self.layerNormEpsilon = layerNormEpsilon
  }

  /// The largest value any size may take, so that a hostile file cannot make the reader allocate
  /// without bound before the weights are checked against it.
  public static let sizeLimit = 1 << 20

  /// Reads and validates `config.json` at `path`.
  public init(contentsOf path: String) throws(FormatError) {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw FormatError(path: path, "cannot be read: \(FileProblem.reason(error))")
    }
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw FormatError(path: path, "is not a JSON object")
    }
    func string(_ key: String, default value: String? = nil) throws(FormatError) -> String {
      if json[key] == nil, let value { return value }
      guard let text = json[key] as? String else { throw FormatError(path: path, "field '\(key)' must be a string, got \(json[key].map { "\($0)" } ?? "nothing")") }
      return text
    }
    func integer(_ key: String) throws(FormatError) -> Int {
      guard let number = json[key] as? NSNumber, let value = Int(exactly: number.doubleValue) else {
        throw FormatError(path: path, "field '\(key)' must be an integer, got \(json[key].map { "\($0)" } ?? "nothing")")
      }
      guard (1...Self.sizeLimit).contains(value) else { throw FormatError(path: path, "field '\(key)' must be in 1...\(Self.sizeLimit), got \(value)") }
      return value
    }
    let modelType = try string("model_type")
    guard modelType == "bert" else { throw FormatError(path: path, "field 'model_type' is '\(modelType)'; only 'bert' is supported") }
    if let architectures = json["architectures"] {
      guard let names = architectures as? [String], names == ["BertModel"] else {
        throw FormatError(path: path, "field 'architectures' is \(architectures); only [\"BertModel\"] is supported")
      }
    }
    let activation = try string("hidden_act")
    guard activation == "gelu" else {
      throw FormatError(path: path, "field 'hidden_act' is '\(activation)'; only 'gelu' (the exact erf form) is supported")
    }
    let positions = try string("position_embedding_type", default: "absolute")
    guard positions == "absolute" else {
      throw FormatError(path: path, "field 'position_embedding_type' is '\(positions)'; only 'absolute' is supported")
    }
    guard let epsilon = (json["layer_norm_eps"] as? NSNumber)?.doubleValue, epsilon > 0, epsilon < 1 else {
      throw FormatError(path: path, "field 'layer_norm_eps' must be a number in (0, 1), got \(json["layer_norm_eps"].map { "\($0)" } ?? "nothing")")
    }
    self.init(vocabularySize: try integer("vocab_size"), hiddenSize: try integer("hidden_size"), layerCount: try integer("num_hidden_layers"),
              headCount: try integer("num_attention_heads"), intermediateSize: try integer("intermediate_size"),
              maximumPositions: try integer("max_position_embeddings"), tokenTypeCount: try integer("type_vocab_size"),
              layerNormEpsilon: Float(epsilon))
    guard hiddenSize % headCount == 0 else {
      throw FormatError(path: path, "field 'num_attention_heads' (\(headCount)) must divide 'hidden_size' (\(hiddenSize))")
    }
    guard maximumPositions >= 3 else {
      throw FormatError(path: path, "field 'max_position_embeddings' must be at least 3 ([CLS], a token, [SEP]), got \(maximumPositions)")
    }
  }
}
