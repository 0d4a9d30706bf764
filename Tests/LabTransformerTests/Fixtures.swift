import Foundation
import LabTestSupport
import LabFormats

/// The committed fixtures (written by Fixtures/make_fixtures.py with `transformers`) and the real
/// model's folder when it has been fetched.
enum Fixtures {
  /// `Fixtures/<path>` of this target.
  static func path(_ path: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(path).path
  }

  /// The folder of all-MiniLM-L6-v2 if it exists: `$SPARSELAB_MINILM_MODEL`, else the folder
  /// scripts/fetch-minilm.sh fills by default (`$SPARSELAB_CACHE/minilm/model` or
  /// `~/.cache/sparselab/minilm/model`). CI runs the script first, so these tests run there.
  static let minilmModel: String? = {
    let environment = ProcessInfo.processInfo.environment
    let cache = environment["SPARSELAB_CACHE"] ?? (NSHomeDirectory() + "/.cache/sparselab")
    let folder = environment["SPARSELAB_MINILM_MODEL"] ?? cache + "/minilm/model"
    return FileManager.default.fileExists(atPath: folder + "/model.safetensors") ? folder : nil
  }()

  /// A fixture's expected ids: each document's sequence at `seq_len`, and for the real model the sampled rows.
  struct ExpectedIDs: Decodable {
    var seq_len: Int
    var ids: [[Int32]]
    var sampled: [Int]?
  }

  static func expectedIDs(_ folder: String) throws -> ExpectedIDs {
    try JSONDecoder().decode(ExpectedIDs.self, from: Data(contentsOf: URL(fileURLWithPath: path(folder + "/ids.json"))))
  }

  /// The lines of a fixture's documents.txt (which ends with a newline).
  static func documents(_ folder: String) throws -> [String] {
    var lines = try String(contentsOfFile: path(folder + "/documents.txt"), encoding: .utf8).components(separatedBy: "\n")
    lines.removeLast()
    return lines
  }

  /// A fixture array.
  static func array(_ file: String) throws -> NumPyArray {
    try NumPyArray(contentsOf: path(file))
  }

  /// A scratch folder.
  static func scratch() throws -> URL {
    let url = try Scratch.directory().appendingPathComponent("lab-transformer-test")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
