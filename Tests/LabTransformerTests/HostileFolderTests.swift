import Foundation
import LabFormats
import LabRandom
import LabTransformer
import PropertyBased
import Testing

@Suite struct HostileFolderTests {
  /// `data` with 1…4 bytes overwritten, inserted or deleted at random.
  static func mutate(_ data: Data, seed: UInt64) -> Data {
    var generator = Xoshiro256StarStar(seed: seed)
    var bytes = [UInt8](data)
    for _ in 0..<Int.random(in: 1...4, using: &generator) {
      let at = Int.random(in: 0..<max(bytes.count, 1), using: &generator)
      switch Int.random(in: 0..<3, using: &generator) {
      case 0 where !bytes.isEmpty: bytes[at] = UInt8.random(in: 0...255, using: &generator)
      case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: min(at, bytes.count))
      default: if !bytes.isEmpty { bytes.remove(at: at) }
      }
    }
    return Data(bytes)
  }

  @Test("Property: a model folder with one damaged file (config.json, vocab.txt or model.safetensors' header) reads or throws a FormatError naming a file of the folder")
  func damagedFolders() async throws {
    let source = Fixtures.path("tiny-bert")
    let files = [BertModelFolder.configurationFile, BertModelFolder.vocabularyFile, BertModelFolder.weightsFile]
    let valid = try files.map { try Data(contentsOf: URL(fileURLWithPath: source + "/" + $0)) }
    let folder = try Fixtures.scratch()
    await propertyCheck(count: 60, input: Gen.uint64()) { seed in
      let target = Int(seed % 3)
      for (index, name) in files.enumerated() {
        var data = valid[index]
        if index == target {
          // The weights' header is the first 8 + about 5,000 bytes; damage there, keep the data.
          let cut = index == 2 ? 6_000 : data.count
          data = Self.mutate(data.prefix(cut), seed: seed) + data.dropFirst(cut)
        }
        try? data.write(to: folder.appendingPathComponent(name))
      }
      do {
        let model = try BertModelFolder(path: folder.path)
        #expect(model.tokenizer.vocabulary.tokens.count == model.encoder.configuration.vocabularySize)
      } catch let error as FormatError {
        #expect(files.contains { error.path == folder.appendingPathComponent($0).path }, "seed \(seed): \(error)")
      } catch {
        Issue.record("seed \(seed): not a FormatError: \(error)")
      }
    }
  }
}
