import Foundation
import LabFormats
import LabTransformer
import Testing

@Suite struct ModelFolderTests {
  /// A copy of the tiny model folder with `edit` applied to it.
  static func edited(_ edit: (URL) throws -> Void) throws -> URL {
    let folder = try Fixtures.scratch().appendingPathComponent("model")
    try FileManager.default.copyItem(atPath: Fixtures.path("tiny-bert"), toPath: folder.path)
    try edit(folder)
    return folder
  }

  /// The tiny model's config.json with `key` set to `value`.
  static func configuration(_ key: String, _ value: Any) throws -> URL {
    try edited { folder in
      let url = folder.appendingPathComponent("config.json")
      var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      json[key] = value
      try JSONSerialization.data(withJSONObject: json).write(to: url)
    }
  }

  /// The error of reading `folder`, which must fail.
  static func error(_ folder: URL) -> FormatError? {
    do {
      _ = try BertModelFolder(path: folder.path)
      return nil
    } catch { return error }
  }

  @Test("The tiny folder reads; its I64 position_ids is in the header and skipped by the Double reader")
  func reads() throws {
    let model = try BertModelFolder(path: Fixtures.path("tiny-bert"))
    #expect(model.encoder.configuration == BertConfiguration(vocabularySize: 146, hiddenSize: 32, layerCount: 2, headCount: 4, intermediateSize: 64,
                                                             maximumPositions: 32, tokenTypeCount: 2, layerNormEpsilon: 1e-12))
    let path = Fixtures.path("tiny-bert/model.safetensors"), data = try Data(contentsOf: URL(fileURLWithPath: path))
    let header = try SafeTensors.header(of: data, path: path)
    let positions = try #require(header["embeddings.position_ids"])
    #expect(positions.dataType == .int64 && positions.shape == [1, 32])
    #expect(SafeTensors.integers(positions, in: data) == (0..<32).map(Int64.init))
    let tensors = try SafeTensors(decoding: data, path: path)
    #expect(tensors.tensors["embeddings.position_ids"] == nil && tensors.tensors["embeddings.word_embeddings.weight"]?.shape == [146, 32])
  }

  @Test("Bad folders name the file and the field")
  func badFolders() throws {
    let missing = try Self.edited { try FileManager.default.removeItem(at: $0.appendingPathComponent("vocab.txt")) }
    #expect(Self.error(missing)?.description == missing.appendingPathComponent("vocab.txt").path + ": does not exist")
    let architecture = try Self.configuration("architectures", ["BertForMaskedLM"])
    #expect(Self.error(architecture)?.message.contains("field 'architectures'") == true)
    let activation = try Self.configuration("hidden_act", "gelu_new")
    #expect(Self.error(activation)?.message == "field 'hidden_act' is 'gelu_new'; only 'gelu' (the exact erf form) is supported")
    let heads = try Self.configuration("num_attention_heads", 5)
    #expect(Self.error(heads)?.message == "field 'num_attention_heads' (5) must divide 'hidden_size' (32)")
    let vocabulary = try Self.configuration("vocab_size", 147)
    let vocabularyError = Self.error(vocabulary)
    #expect(vocabularyError?.path == vocabulary.appendingPathComponent("vocab.txt").path)
    #expect(vocabularyError?.message.contains("has 146 tokens but") == true && vocabularyError?.message.contains("'vocab_size' is 147") == true)
    let intermediate = try Self.configuration("intermediate_size", 65)
    #expect(Self.error(intermediate)?.message == "tensor 'encoder.layer.0.intermediate.dense.weight' has shape [64, 32], expected [65, 32]")
    let huge = try Self.configuration("hidden_size", 1 << 40)
    #expect(Self.error(huge)?.message == "field 'hidden_size' must be in 1...1048576, got 1099511627776")
    let noTensor = try Self.edited { folder in
      let url = folder.appendingPathComponent("model.safetensors")
      var data = try Data(contentsOf: url)
      // Rename one tensor in the header, keeping its length.
      let range = try #require(data.range(of: Data("encoder.layer.1.output.dense.bias\"".utf8)))
      data[range.upperBound - 2] = UInt8(ascii: "_")
      try data.write(to: url)
    }
    #expect(Self.error(noTensor)?.message == "has no tensor 'encoder.layer.1.output.dense.bias'")
  }
}
