import Foundation
import LabTestSupport
import Testing

/// World toys resolve by name from any directory (issue 20, class 11), a local `toys/NAME.json`
/// comes first, and `lab generate --list` names the built-in ones.
@Suite("built-in world toys")
struct BuiltInToysTests {
  static let treeToy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../toys/tree.json").standardized

  @Test("lab generate NAME works outside the repository; a local toys/NAME.json comes first; --list names them")
  func anyDirectory() throws {
    let directory = try Scratch.directory()
    let built = try LabExecutable.run(["generate", "tree", "--out", "world", "--quiet"], in: directory)
    #expect(built.status == 0, "\(built.stderr)")
    let world = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("world/world.json"))) as? [String: Any]
    let builtInCount = world?["samples"] as? Int ?? (world?["shapes"] as? [String: Any]).flatMap { ($0["X"] as? [Int])?.first }

    var local = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.treeToy)) as? [String: Any] ?? [:]
    local["sampleCount"] = 7
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("toys"), withIntermediateDirectories: true)
    try JSONSerialization.data(withJSONObject: local).write(to: directory.appendingPathComponent("toys/tree.json"))
    let fromLocal = try LabExecutable.run(["generate", "tree", "--out", "local", "--quiet"], in: directory)
    #expect(fromLocal.status == 0, "\(fromLocal.stderr)")
    let header = try Data(contentsOf: directory.appendingPathComponent("local/X.npy")).prefix(128)
    #expect(String(decoding: header, as: UTF8.self).contains("'shape': (7, 12)"), "the local toy's 7 samples")
    #expect(builtInCount != 7)

    let listed = try LabExecutable.run(["generate", "--list"], in: directory)
    #expect(listed.status == 0 && listed.stdout.split(separator: "\n").count == 9, "\(listed.stdout)")
    #expect(listed.stdout.contains("tree\ttree\t9 features\t12 dimensions\t"))
    let unknown = try LabExecutable.run(["generate", "trea", "--out", "w"], in: directory)
    #expect(unknown.status == 2 && unknown.stderr.contains("Did you mean 'tree'?"), "\(unknown.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("w").path))
  }

  @Test("a folder named like a built-in toy (the output of lab generate tree --out tree) does not hide it")
  func folderOfTheSameName() throws {
    let directory = try Scratch.directory()
    let first = try LabExecutable.run(["generate", "tree", "--out", "tree", "--quiet"], in: directory)
    #expect(first.status == 0, "\(first.stderr)")
    let again = try LabExecutable.run(["generate", "tree", "--out", "again", "--quiet"], in: directory)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(FileManager.default.contents(atPath: directory.appendingPathComponent("tree/X.npy").path)
      == FileManager.default.contents(atPath: directory.appendingPathComponent("again/X.npy").path))
  }
}
