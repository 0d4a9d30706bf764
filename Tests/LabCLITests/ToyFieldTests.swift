import Foundation
import LabExperiments
import LabTestSupport
import Testing

/// Issue 20, class 3 (an experiment toy's id is a plain name, so nothing is written outside
/// `--out`) and class 9 (a number a field cannot hold is named by its field, not "not valid JSON").
@Suite("Toy ids and toy numbers")
struct ToyFieldTests {
  /// The star toy's file with `field` set to `value`.
  static func star(_ field: String, _ value: Any) throws -> Data {
    var object = try #require(try JSONSerialization.jsonObject(with: ToyLoader.encode(StarToy.default)) as? [String: Any])
    object[field] = value
    return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  }

  static let hostileIds = ["../escape", "a/b", "/tmp/abs", ".hidden", "..", ".", "", "nul\u{0}byte", String(repeating: "x", count: 200)]

  @Test("A toy id that is not a plain name is refused at load: exit 2, the field named, nothing written anywhere", arguments: hostileIds)
  func hostileId(_ id: String) throws {
    let directory = try Scratch.directory()
    let toy = directory.appendingPathComponent("toy.json")
    try Self.star("id", id).write(to: toy)
    let result = try LabExecutable.run(["run", "star", "--toy", toy.path, "--out", "out/reports", "--quiet"], in: directory)
    #expect(result.status == 2 && result.stderr.contains("field 'id' must be a plain file name"), "\(result.stderr)")
    #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["toy.json"])
  }

  /// Numbers that JSON can say but the toy's integer fields cannot hold.
  static let badNumbers: [Double] = [-1, 1.5, 1e30]

  @Test("A number its field cannot hold is named with its field and value", arguments: badNumbers)
  func badNumber(_ value: Double) throws {
    let field = "seed"
    let directory = try Scratch.directory()
    let toy = directory.appendingPathComponent("toy.json")
    try Self.star(field, value).write(to: toy)
    let result = try LabExecutable.run(["run", "star", "--toy", toy.path, "--out", "out", "--quiet"], in: directory)
    #expect(result.status == 2 && result.stderr.contains("field '\(field)' is") && !result.stderr.contains("not valid JSON"), "\(result.stderr)")
  }

  @Test("A fractional count in a nested field of a world toy is named with its path")
  func nestedCount() throws {
    let directory = try Scratch.directory()
    let json = try #require(EmbeddedWorldToys.json(named: "tree"))
    var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    object["sampleCount"] = 10.5
    try JSONSerialization.data(withJSONObject: object).write(to: directory.appendingPathComponent("toy.json"))
    let result = try LabExecutable.run(["generate", "toy.json", "--out", "world"], in: directory)
    #expect(result.status == 2 && result.stderr.contains("field 'sampleCount' is 10.5"), "\(result.stderr)")
  }

  @Test("An option error names the option, never the library's parameter")
  func optionNames() throws {
    let directory = try Scratch.directory()
    _ = try LabExecutable.run(["generate", "tree", "--samples", "20", "--precision", "float64", "--out", "w"], in: directory)
    let cases: [[String]] = [
      ["encode", "--data", "w/X.npy", "--dictionary", "w/dictionary.npy", "--lambda", "0.1", "--method", "topk", "--k", "0", "--codes-out", "z.npy"],
      ["encode", "--data", "w/X.npy", "--dictionary", "w/dictionary.npy", "--lambda", "0.1", "--method", "topk", "--codes-out", "z.npy"],
      ["train", "--data", "w/X.npy", "--arch", "topk", "--k", "0", "--width", "4", "--batch", "4", "--steps", "1", "--lr", "0.1", "--out", "s"],
      ["train", "--data", "w/X.npy", "--arch", "topk", "--k", "1", "--width", "4", "--batch", "0", "--steps", "1", "--lr", "0.1", "--out", "s"],
    ]
    for arguments in cases {
      let result = try LabExecutable.run(arguments, in: directory)
      #expect(result.status == 2 && result.stderr.contains("'--"), "\(arguments): \(result.stderr)")
      for parameter in ["activeCount", "batchSize", "learningRate", "parameter of"] {
        #expect(!result.stderr.contains(parameter), "\(arguments): \(result.stderr)")
      }
    }
  }
}
