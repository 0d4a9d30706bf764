import Foundation
import LabTestSupport
import Testing

/// Issue 19 item 3: `lab train --from-saelens DIR` draws its batches from a SAELens synthetic model
/// with no file in between.
@Suite("lab train --from-saelens", .serialized)
struct TrainStreamTests {
  static let model = EvalCommandTests.path("model")

  static func weights(_ directory: String) -> Data? { FileManager.default.contents(atPath: directory + "/sae_weights.safetensors") }

  @Test("A run within one chunk trains exactly as --data on the samples lab generate --from-saelens writes under the same seed")
  func sameAsFile() throws {
    let directory = try Scratch.directory().path
    // One chunk: 65,536 samples at --batch 256 (256 steps); the run takes 60 of them.
    let generated = try LabExecutable.run(["generate", "--from-saelens", Self.model, "--samples", "65536", "--seed", "3", "--codes", "none",
                                           "--out", directory + "/data", "--quiet"])
    #expect(generated.status == 0, "\(generated.stderr)")
    let common = ["train", "--arch", "topk", "--k", "2", "--width", "16", "--batch", "256", "--steps", "60", "--lr", "0.003", "--seed", "3",
                  "--threads", "1", "--quiet"]
    let file = try LabExecutable.run(common + ["--data", directory + "/data/X.npy", "--out", directory + "/file"])
    let streamed = try LabExecutable.run(common + ["--from-saelens", Self.model, "--out", directory + "/stream"])
    #expect(file.status == 0 && streamed.status == 0, "\(file.stderr) \(streamed.stderr)")
    #expect(Self.weights(directory + "/file") != nil && Self.weights(directory + "/file") == Self.weights(directory + "/stream"))
    #expect(streamed.stdout.contains("\"mmcs\":"), "the model's feature vectors are the truth: \(streamed.stdout)")
  }

  @Test("--random-streams per-batch trains exactly as --data on what lab generate --random-streams per-batch writes (at another thread count)")
  func perBatchSameAsFile() throws {
    let directory = try Scratch.directory().path
    let generated = try LabExecutable.run(["generate", "--from-saelens", Self.model, "--samples", "65536", "--seed", "3", "--codes", "none",
                                           "--random-streams", "per-batch", "--threads", "2", "--out", directory + "/data", "--quiet"])
    #expect(generated.status == 0, "\(generated.stderr)")
    let common = ["train", "--arch", "topk", "--k", "2", "--width", "16", "--batch", "256", "--steps", "60", "--lr", "0.003", "--seed", "3",
                  "--threads", "1", "--quiet"]
    let file = try LabExecutable.run(common + ["--data", directory + "/data/X.npy", "--out", directory + "/file"])
    let streamed = try LabExecutable.run(common + ["--from-saelens", Self.model, "--random-streams", "per-batch", "--out", directory + "/stream"])
    #expect(file.status == 0 && streamed.status == 0, "\(file.stderr) \(streamed.stderr)")
    #expect(Self.weights(directory + "/file") != nil && Self.weights(directory + "/file") == Self.weights(directory + "/stream"))
    #expect(streamed.stdout.contains("\"randomStreams\":\"per-batch\""), "\(streamed.stdout)")
    let single = try LabExecutable.run(common + ["--from-saelens", Self.model, "--out", directory + "/single"])
    #expect(single.status == 0 && Self.weights(directory + "/single") != Self.weights(directory + "/stream"))
    let refused = try LabExecutable.run(common + ["--data", directory + "/data/X.npy", "--random-streams", "per-batch", "--out", directory + "/no"])
    #expect(refused.status == 2 && refused.stderr.contains("'--random-streams' applies to '--from-saelens' only"), "\(refused.stderr)")
  }

  @Test("Across chunks, the same seed gives the same bytes and another seed other bytes")
  func deterministic() throws {
    let directory = try Scratch.directory().path
    // --batch 8192: 8 steps per chunk, so 20 steps draw three chunks.
    func train(_ seed: Int, _ name: String) throws -> Data? {
      let result = try LabExecutable.run(["train", "--from-saelens", Self.model, "--arch", "relu-l1", "--l1", "0.01", "--width", "16",
                                          "--batch", "8192", "--steps", "20", "--lr", "0.003", "--seed", "\(seed)", "--threads", "2", "--quiet",
                                          "--out", directory + "/" + name])
      #expect(result.status == 0, "\(result.stderr)")
      return Self.weights(directory + "/" + name)
    }
    let first = try train(5, "a"), again = try train(5, "b"), other = try train(6, "c")
    #expect(first != nil && first == again)
    #expect(first != other)
  }

  @Test("--from-saelens is refused with --data, --checkpoint, --resume and the deep kind, in one line naming the options", arguments: [
    (["--data", "X.npy"], "exactly one of '--data X.npy' and '--from-saelens DIR'"),
    (["--checkpoint", "ck"], "'--checkpoint' and '--resume' do not support '--from-saelens'"),
    (["--resume", "ck"], "'--checkpoint' and '--resume' do not support '--from-saelens'"),
    (["--arch", "deep"], "'--from-saelens' applies to the SAELens kinds, not deep"),
  ])
  func refused(_ extra: [String], _ message: String) throws {
    let directory = try Scratch.directory()
    var arguments = ["train", "--from-saelens", Self.model, "--k", "2", "--width", "8", "--batch", "8", "--steps", "2", "--lr", "0.01",
                     "--out", "sae"]
    if !extra.contains("--arch") { arguments += ["--arch", "topk"] }
    let result = try LabExecutable.run(arguments + extra, in: directory)
    #expect(result.status == 2 && result.stderr.contains(message), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }
}
