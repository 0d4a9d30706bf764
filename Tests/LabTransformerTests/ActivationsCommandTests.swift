import Foundation
import LabFormats
import Testing

@Suite("lab activations", .serialized)
struct ActivationsCommandTests {
  /// The `lab` binary built beside the test bundle.
  static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lab")

  static func lab(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = ["activations"] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }

  struct TokensFile: Decodable, Equatable {
    struct Entry: Decodable, Equatable { var doc: Int, pos: Int, id: Int32, token: String }
    var tokens: [Entry]
  }

  @Test("Rows of every non-special token equal transformers' at the layer, tokens.json names them, the same run writes the same bytes")
  func rowsAndTokens() throws {
    let directory = try Fixtures.scratch(), model = Fixtures.path("tiny-bert"), text = Fixtures.path("tiny-bert-expected/documents.txt")
    let ids = try Fixtures.expectedIDs("tiny-bert-expected"), expected = try Fixtures.array("tiny-bert-expected/states.npy")
    let vocabulary = try String(contentsOfFile: model + "/vocab.txt", encoding: .utf8).split(separator: "\n").map(String.init)
    let tokens = ids.ids.reduce(0) { $0 + $1.count }, h = 32
    for layer in [0, 2] {
      let out = directory.appendingPathComponent("x\(layer).npy").path, json = directory.appendingPathComponent("t\(layer).json").path
      let run = try Self.lab(["--model", model, "--text", text, "--layer", "\(layer)", "--seq-len", "\(ids.seq_len)", "--out", out,
                              "--tokens", json, "--threads", "2"])
      #expect(run.status == 0, "\(run.stderr)")
      var wanted: [TokensFile.Entry] = [], rows: [Int] = [], offset = 0
      for (d, sequence) in ids.ids.enumerated() {
        for p in 1..<(sequence.count - 1) {
          wanted.append(.init(doc: d, pos: p, id: sequence[p], token: vocabulary[Int(sequence[p])]))
          rows.append(offset + p)
        }
        offset += sequence.count
      }
      let x = try NumPyArray(contentsOf: out)
      #expect(x.elementType == .float32 && x.shape == [rows.count, h])
      var largest = 0.0
      for (k, row) in rows.enumerated() {
        for j in 0..<h { largest = max(largest, abs(x.values[k * h + j] - expected.values[(layer * tokens + row) * h + j])) }
      }
      #expect(largest <= 1e-4, "layer \(layer): \(largest)")
      let written = try JSONDecoder().decode(TokensFile.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
      #expect(written.tokens == wanted)
      let again = directory.appendingPathComponent("again.npy").path
      #expect(try Self.lab(["--model", model, "--text", text, "--layer", "\(layer)", "--seq-len", "\(ids.seq_len)", "--out", again]).status == 0)
      #expect(FileManager.default.contents(atPath: again) == FileManager.default.contents(atPath: out))
    }
    let capped = directory.appendingPathComponent("capped.npy").path, full = directory.appendingPathComponent("x2.npy").path
    #expect(try Self.lab(["--model", model, "--text", text, "--layer", "2", "--seq-len", "\(ids.seq_len)", "--out", capped, "--max-tokens", "13"]).status == 0)
    let head = try NumPyArray(contentsOf: capped), all = try NumPyArray(contentsOf: full)
    #expect(head.shape == [13, h] && head.values == Array(all.values.prefix(13 * h)))
  }

  @Test("Bad input exits with 2 and one line naming the file, line or option; nothing is written")
  func badInput() throws {
    let directory = try Fixtures.scratch(), model = Fixtures.path("tiny-bert"), out = directory.appendingPathComponent("x.npy").path
    let text = directory.appendingPathComponent("docs.txt")
    try Data("fine\n".utf8 + [0x66, 0xC3, 0x28, 0x0A] + Data("also fine\n".utf8)).write(to: text)
    let binary = try Self.lab(["--model", model, "--text", text.path, "--layer", "1", "--seq-len", "24", "--out", out])
    #expect(binary.status == 2 && binary.stderr == "error: '--text': \(text.path): line 2 is not UTF-8\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["docs.txt"])
    try Data("fine\n".utf8).write(to: text)
    let missing = try Self.lab(["--model", directory.path, "--text", text.path, "--layer", "1", "--seq-len", "24", "--out", out])
    #expect(missing.status == 2 && missing.stderr.contains("\(directory.path)/config.json: does not exist") && missing.stderr.contains("scripts/fetch-minilm.sh"))
    let layer = try Self.lab(["--model", model, "--text", text.path, "--layer", "3", "--seq-len", "24", "--out", out])
    #expect(layer.status == 2 && layer.stderr.contains("'--layer' must be in 0...2"))
    let length = try Self.lab(["--model", model, "--text", text.path, "--layer", "1", "--seq-len", "33", "--out", out])
    #expect(length.status == 2 && length.stderr.contains("'--seq-len' must be in 3...32"))
    let overwrite = try Self.lab(["--model", model, "--text", text.path, "--layer", "1", "--seq-len", "24", "--out", out, "--tokens", text.path])
    #expect(overwrite.status == 2 && overwrite.stderr.contains("'--tokens' \(text.path) is an input"))
    let folder = try Self.lab(["--model", model, "--text", text.path, "--layer", "1", "--seq-len", "24", "--out", directory.appendingPathComponent("no/x.npy").path])
    #expect(folder.status == 2 && folder.stderr.contains("folder \(directory.path)/no does not exist"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["docs.txt"])
  }
}
