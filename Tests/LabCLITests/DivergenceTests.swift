import Foundation
import LabFormats
import LabTestSupport
import Testing

/// Issue 20, class 8: a training run whose loss, gradient or weights stop being finite stops with
/// exit code 1, saying at which step, writes no SAE, and keeps the last checkpoint (whose weights
/// are finite); and no command writes a non-finite number into JSON or writes its files before
/// knowing that its summary can be written.
@Suite("Divergence and non-finite results", .serialized)
struct DivergenceTests {
  static func world() throws -> URL {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["generate", "tree", "--samples", "200", "--precision", "float64", "--out", "w"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    return directory
  }

  /// One architecture's options at a learning rate that overflows float32 within a few steps.
  static let diverging: [[String]] = [
    ["--arch", "relu-l1", "--l1", "0.1"], ["--arch", "topk", "--k", "2"], ["--arch", "batchtopk", "--k", "2"],
    ["--arch", "relu-l1-unit", "--l1", "0.1"], ["--arch", "deep", "--k", "2"],
  ]

  @Test("Training that overflows stops with exit 1 at a named step, writes no SAE and keeps the last finite checkpoint", arguments: diverging)
  func diverges(_ architecture: [String]) throws {
    let directory = try Self.world()
    let result = try LabExecutable.run(["train", "--data", "w/X.npy", "--width", "16", "--batch", "16", "--steps", "200", "--lr", "1e30",
                                        "--checkpoint", "ck", "--checkpoint-every", "1", "--out", "sae"] + architecture, in: directory)
    #expect(result.status == 1, "\(architecture): \(result.status) \(result.stderr)")
    let step = try #require(result.stderr.firstMatch(of: #/training diverged at step (\d+)/#).flatMap { Int($0.output.1) },
                            "\(architecture): \(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("sae").path), "an SAE was written")
    #expect(result.stdout.isEmpty)
    guard step > 1 else {
      #expect(result.stderr.contains("no checkpoint was written"), "\(result.stderr)")
      return
    }
    #expect(result.stderr.contains("the last finite checkpoint (step \(step - 1)) is kept in ck"), "\(result.stderr)")
    let state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("ck/state.json"))) as? [String: Any])
    #expect(state["step"] as? Int == step - 1)
    let tensors = try SafeTensors(contentsOf: directory.appendingPathComponent("ck/state.safetensors").path)
    let parameters = try #require(tensors.tensors["parameters"])
    let finite = parameters.values.allSatisfy { $0.isFinite }
    #expect(finite, "the kept checkpoint has non-finite weights")
  }

  @Test("A finite but diverging run (--lr 100) stops with exit 1 at a window's last step, naming both losses, and keeps the checkpoint before it",
        arguments: [["--arch", "relu-l1", "--l1", "0.1"], ["--arch", "topk", "--k", "2"]])
  func lossGrowth(_ architecture: [String]) throws {
    let directory = try Self.world()
    let result = try LabExecutable.run(["train", "--data", "w/X.npy", "--width", "16", "--batch", "16", "--steps", "200", "--lr", "100",
                                        "--checkpoint", "ck", "--checkpoint-every", "10", "--out", "sae"] + architecture, in: directory)
    #expect(result.status == 1, "\(architecture): \(result.status) \(result.stderr)")
    #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    let step = try #require(result.stderr.firstMatch(of: #/training diverged at step (\d+)/#).flatMap { Int($0.output.1) }, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("sae").path), "an SAE was written")
    guard result.stderr.contains("more than 10 times the first window's") else { return }  // else a value became non-finite first
    #expect(step % 2 == 0, "the window of 200 steps is 2 steps: \(result.stderr)")
    let kept = (step - 1) / 10 * 10
    if kept > 0 {
      #expect(result.stderr.contains("checkpoint (step \(kept)) is kept in ck"), "\(result.stderr)")
    } else {
      #expect(result.stderr.contains("no checkpoint was written"), "\(result.stderr)")
    }
  }

  @Test("A sane learning rate is not stopped")
  func converges() throws {
    let directory = try Self.world()
    let result = try LabExecutable.run(["train", "--data", "w/X.npy", "--arch", "topk", "--k", "2", "--width", "16", "--batch", "16",
                                        "--steps", "50", "--lr", "0.01", "--out", "sae"], in: directory)
    #expect(result.status == 0 && !result.stderr.contains("diverged"), "\(result.stderr)")
  }

  @Test("lab encode --method exact-l1 prints valid JSON (a non-finite measurement as null) and writes Z")
  func exactL1Summary() throws {
    let directory = try Self.world()
    let result = try LabExecutable.run(["encode", "--data", "w/X.npy", "--dictionary", "w/dictionary.npy", "--lambda", "0.05",
                                        "--method", "exact-l1", "--codes-out", "z.npy"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    for (key, value) in summary { if let number = value as? Double { #expect(number.isFinite, "\(key)") } }
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("z.npy").path))
  }
}
