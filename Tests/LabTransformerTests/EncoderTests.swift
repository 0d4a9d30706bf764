import Foundation
import LabFormats
import LabNumerics
import LabRandom
import LabTransformer
import PropertyBased
import Testing

@Suite struct EncoderTests {
  /// The tolerance of issue 21: hidden states equal to `transformers`' to 1e-4 at every layer.
  static let tolerance: Float = 1e-4

  /// Checks the tokenizer and the encoder of `folder` against a fixture written by `transformers`
  /// from one padded batch: ids exactly; for each layer, the rows `rows` of the packed states
  /// (all of them when nil) against `expected` [layers + 1, rows, hidden].
  static func compare(model: BertModelFolder, fixture: String, expected: NumPyArray, rows: [Int]?, threads: Int) throws -> [Float] {
    BLAS.setThreadCount(1)  // as hiddenStates(_:afterLayer:threads:) asks of its caller
    let documents = try Fixtures.documents(fixture), ids = try Fixtures.expectedIDs(fixture)
    let sequences = documents.map { model.tokenizer.sequence($0, length: ids.seq_len) }
    #expect(sequences == ids.ids)
    let h = model.encoder.configuration.hiddenSize, layers = model.encoder.configuration.layerCount
    let wanted = rows ?? Array(0..<sequences.reduce(0) { $0 + $1.count })
    #expect(expected.shape == [layers + 1, wanted.count, h])
    var largest: [Float] = []
    for layer in 0...layers {
      let packed = model.encoder.hiddenStates(sequences, afterLayer: layer, threads: threads).flatMap { $0 }
      var difference: Float = 0
      for (k, row) in wanted.enumerated() {
        for j in 0..<h {
          difference = max(difference, abs(packed[row * h + j] - Float(expected.values[(layer * wanted.count + k) * h + j])))
        }
      }
      #expect(difference <= tolerance, "layer \(layer): largest difference \(difference)")
      largest.append(difference)
    }
    return largest
  }

  @Test("A random 2-layer BERT written by transformers: the same ids and, at every layer, the same states to 1e-4 (1 and 2 threads)")
  func tinyBERT() throws {
    let model = try BertModelFolder(path: Fixtures.path("tiny-bert"))
    let expected = try Fixtures.array("tiny-bert-expected/states.npy")
    for threads in [1, 2] {
      _ = try Self.compare(model: model, fixture: "tiny-bert-expected", expected: expected, rows: nil, threads: threads)
    }
  }

  @Test("all-MiniLM-L6-v2 against transformers: ids, sampled rows to 1e-4 and every row's sum and norm within what 1e-4 per element allows",
        .enabled(if: Fixtures.minilmModel != nil, "the model is fetched by scripts/fetch-minilm.sh"))
  func minilm() throws {
    let model = try BertModelFolder(path: Fixtures.minilmModel!)
    let ids = try Fixtures.expectedIDs("minilm-expected")
    let largest = try Self.compare(model: model, fixture: "minilm-expected", expected: try Fixtures.array("minilm-expected/sampled.npy"),
                                   rows: ids.sampled!, threads: 2)
    print("all-MiniLM-L6-v2: largest difference to transformers per layer (sampled rows):", largest)
    let summary = try Fixtures.array("minilm-expected/summary.npy"), h = 384
    let tokens = ids.ids.reduce(0) { $0 + $1.count }
    #expect(summary.shape == [7, tokens, 2])
    for layer in 0...6 {
      let packed = model.encoder.hiddenStates(ids.ids, afterLayer: layer, threads: 2).flatMap { $0 }
      for row in 0..<tokens {
        let values = packed[(row * h)..<((row + 1) * h)].map(Double.init)
        let sum = values.reduce(0, +), norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let index = (layer * tokens + row) * 2
        // |Σa − Σb| ≤ h·δ and |‖a‖ − ‖b‖| ≤ ‖a − b‖ ≤ √h·δ when every element is within δ.
        #expect(abs(sum - summary.values[index]) <= Double(h) * Double(Self.tolerance), "layer \(layer) row \(row) sum")
        #expect(abs(norm - summary.values[index + 1]) <= Double(h).squareRoot() * Double(Self.tolerance), "layer \(layer) row \(row) norm")
      }
    }
  }

  @Test("A sequence's states do not depend on the other sequences of its batch (packing is the padding mask), to rounding")
  func packingIsolation() async throws {
    let model = try BertModelFolder(path: Fixtures.path("tiny-bert"))
    let vocabulary = model.encoder.configuration.vocabularySize, h = model.encoder.configuration.hiddenSize
    BLAS.setThreadCount(1)
    await propertyCheck(count: 30, input: Gen.uint64()) { seed in
      var generator = Xoshiro256StarStar(seed: seed)
      let sequences = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
        (0..<Int.random(in: 1...32, using: &generator)).map { _ in Int32.random(in: 0..<Int32(vocabulary), using: &generator) }
      }
      let threads = Int.random(in: 1...3, using: &generator)
      let batch = model.encoder.hiddenStates(sequences, afterLayer: 2, threads: threads)
      for (sequence, states) in zip(sequences, batch) {
        let alone = model.encoder.hiddenStates([sequence], afterLayer: 2)
        #expect(states.count == sequence.count * h)
        #expect(zip(states, alone[0]).allSatisfy { abs($0 - $1) <= 1e-5 }, "seed \(seed)")
      }
    }
  }
}
