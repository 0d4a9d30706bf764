import Foundation
import LabTestSupport
import Testing

/// `lab generate --random-streams single|per-batch`.
@Suite("lab generate random streams", .serialized)
struct GenerateRandomStreamsTests {
  @Test("--random-streams per-batch: the same bytes at 1 and 2 threads, other samples than single, recorded in world.json and saelens-sample.json")
  func perBatch() throws {
    let directory = try Scratch.directory()
    func generate(_ name: String, _ arguments: [String]) throws -> URL {
      let out = directory.appendingPathComponent(name)
      let result = try LabExecutable.run(["generate"] + arguments + ["--samples", "3000", "--seed", "4", "--out", out.path, "--quiet"])
      #expect(result.status == 0, "\(result.stderr)")
      return out
    }
    func contents(_ directory: URL, _ name: String) -> Data? { FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) }
    let one = try generate("one", ["tree", "--random-streams", "per-batch", "--threads", "1"])
    let two = try generate("two", ["tree", "--random-streams", "per-batch", "--threads", "2"])
    let single = try generate("single", ["tree", "--threads", "2"])
    for name in ["X.npy", "codes.npy", "world.json"] { #expect(contents(one, name) != nil && contents(one, name) == contents(two, name), "\(name)") }
    #expect(contents(one, "X.npy") != contents(single, "X.npy"))
    let world = try #require(try JSONSerialization.jsonObject(with: contents(one, "world.json") ?? Data()) as? [String: Any])
    #expect(world["randomStreams"] as? String == "per-batch")
    let singleWorld = try #require(try JSONSerialization.jsonObject(with: contents(single, "world.json") ?? Data()) as? [String: Any])
    #expect(singleWorld["randomStreams"] == nil)

    let model = directory.appendingPathComponent("model")
    let written = try LabExecutable.run(["generate", "tree", "--saelens-out", model.path, "--quiet"])
    #expect(written.status == 0, "\(written.stderr)")
    let fromOne = try generate("from-one", ["--from-saelens", model.path, "--random-streams", "per-batch", "--threads", "1"])
    let fromTwo = try generate("from-two", ["--from-saelens", model.path, "--random-streams", "per-batch", "--threads", "2"])
    #expect(contents(fromOne, "X.npy") != nil && contents(fromOne, "X.npy") == contents(fromTwo, "X.npy"))
    let record = try #require(try JSONSerialization.jsonObject(with: contents(fromOne, "saelens-sample.json") ?? Data()) as? [String: Any])
    #expect(record["randomStreams"] as? String == "per-batch")

    let bad = try LabExecutable.run(["generate", "tree", "--random-streams", "many", "--out", directory.appendingPathComponent("bad").path])
    #expect(bad.status == 2 && bad.stderr.contains("--random-streams") && bad.stderr.contains("many"), "\(bad.stderr)")
  }
}
