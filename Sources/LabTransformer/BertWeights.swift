import Foundation
import LabFormats

/// The parameters of a ``BertEncoder`` as float32 arrays, row-major, linear weights stored
/// [out, in] as `transformers` stores them (the query, key and value weights stacked into one
/// [3·hidden, hidden] matrix).
public struct BertWeights: Sendable {
  /// One encoder layer.
  public struct Layer: Sendable {
    /// Query, key and value weights stacked, [3·hidden, hidden], and their biases, [3·hidden].
    public var queryKeyValue: [Float], queryKeyValueBias: [Float]
    /// The attention output projection, [hidden, hidden], and its bias.
    public var attentionOutput: [Float], attentionOutputBias: [Float]
    /// The LayerNorm after attention: scale and shift, [hidden].
    public var attentionNormScale: [Float], attentionNormShift: [Float]
    /// The feed-forward input layer, [intermediate, hidden], and its bias.
    public var intermediate: [Float], intermediateBias: [Float]
    /// The feed-forward output layer, [hidden, intermediate], and its bias.
    public var output: [Float], outputBias: [Float]
    /// The LayerNorm after the feed-forward layer.
    public var outputNormScale: [Float], outputNormShift: [Float]
  }

  /// Word embeddings, [vocabulary, hidden].
  public var wordEmbeddings: [Float]
  /// Position embeddings, [positions, hidden].
  public var positionEmbeddings: [Float]
  /// Token-type embeddings, [types, hidden]; every token is of type 0.
  public var tokenTypeEmbeddings: [Float]
  /// The embedding LayerNorm.
  public var embeddingNormScale: [Float], embeddingNormShift: [Float]
  /// The encoder layers.
  public var layers: [Layer]

  /// Reads the tensors of `configuration` from the safetensors file at `path` (named as a
  /// `BertModel` saves them; extra tensors such as the pooler and the I64
  /// `embeddings.position_ids` are ignored). A missing tensor, another dtype or another shape
  /// throws a ``FormatError`` naming the file and the tensor.
  public init(contentsOf path: String, configuration: BertConfiguration) throws(FormatError) {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
      throw FormatError(path: path, "cannot be read: \(FileProblem.reason(error))")
    }
    let header = try SafeTensors.header(of: data, path: path)
    func tensor(_ name: String, _ shape: [Int]) throws(FormatError) -> [Float] {
      guard let entry = header[name] else { throw FormatError(path: path, "has no tensor '\(name)'") }
      guard entry.dataType == .float32 else { throw FormatError(path: path, "tensor '\(name)' has dtype \(entry.dataType.rawValue), expected F32") }
      guard entry.shape == shape else { throw FormatError(path: path, "tensor '\(name)' has shape \(entry.shape), expected \(shape)") }
      return SafeTensors.floats(entry, in: data)
    }
    let h = configuration.hiddenSize, i = configuration.intermediateSize
    wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [configuration.vocabularySize, h])
    positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [configuration.maximumPositions, h])
    tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [configuration.tokenTypeCount, h])
    embeddingNormScale = try tensor("embeddings.LayerNorm.weight", [h])
    embeddingNormShift = try tensor("embeddings.LayerNorm.bias", [h])
    var layers: [Layer] = []
    for l in 0..<configuration.layerCount {
      let p = "encoder.layer.\(l)."
      layers.append(Layer(
        queryKeyValue: try tensor(p + "attention.self.query.weight", [h, h]) + tensor(p + "attention.self.key.weight", [h, h])
          + tensor(p + "attention.self.value.weight", [h, h]),
        queryKeyValueBias: try tensor(p + "attention.self.query.bias", [h]) + tensor(p + "attention.self.key.bias", [h])
          + tensor(p + "attention.self.value.bias", [h]),
        attentionOutput: try tensor(p + "attention.output.dense.weight", [h, h]),
        attentionOutputBias: try tensor(p + "attention.output.dense.bias", [h]),
        attentionNormScale: try tensor(p + "attention.output.LayerNorm.weight", [h]),
        attentionNormShift: try tensor(p + "attention.output.LayerNorm.bias", [h]),
        intermediate: try tensor(p + "intermediate.dense.weight", [i, h]),
        intermediateBias: try tensor(p + "intermediate.dense.bias", [i]),
        output: try tensor(p + "output.dense.weight", [h, i]),
        outputBias: try tensor(p + "output.dense.bias", [h]),
        outputNormScale: try tensor(p + "output.LayerNorm.weight", [h]),
        outputNormShift: try tensor(p + "output.LayerNorm.bias", [h])))
    }
    self.layers = layers
  }
}
