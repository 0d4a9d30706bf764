import Foundation
import LabTestSupport
import Testing

/// `lab train --arch jumprelu --k K` and `--arch relu-l1 --k K`: the target-L0 controller.
@Suite("lab train target L0", .serialized)
struct TrainTargetL0CommandTests {
  @Test("jumprelu and relu-l1 with --k reach a mean L0 near K on held-out samples, and are saved as jumprelu and standard")
  func reachesTarget() throws {
    let directory = try Scratch.directory()
    let model = EvalCommandTests.path("model")
    let data = directory.appendingPathComponent("data").path
    let generated = try LabExecutable.run(["generate", "--from-saelens", model, "--samples", "4000", "--seed", "1", "--out", data, "--quiet"])
    #expect(generated.status == 0, "stderr: \(generated.stderr)")
    for (arch, saved) in [("jumprelu", "jumprelu"), ("relu-l1", "standard")] {
      let out = directory.appendingPathComponent(arch).path
      let trained = try LabExecutable.run(["train", "--data", data + "/X.npy", "--arch", arch, "--k", "2", "--width", "32", "--batch", "256",
                                             "--steps", "2000", "--lr", "0.003", "--threads", "1", "--truth-model", model,
                                             "--eval-samples", "4000", "--out", out, "--quiet"])
      #expect(trained.status == 0, "stderr: \(trained.stderr)")
      let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))) as? [String: Any])
      let l0 = try #require(metrics["l0"] as? Double)
      #expect(abs(l0 - 2) <= 0.6, "\(arch): held-out L0 \(l0), target 2")
      let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cfg.json"))) as? [String: Any])
      #expect(config["architecture"] as? String == saved)
    }
  }

  @Test("matryoshka trains with --prefixes, is saved as jumprelu with its threshold, and reports the training-time encoder")
  func matryoshka() throws {
    let directory = try Scratch.directory()
    let model = EvalCommandTests.path("model")
    let data = directory.appendingPathComponent("data").path
    _ = try LabExecutable.run(["generate", "--from-saelens", model, "--samples", "1000", "--seed", "1", "--out", data, "--quiet"])
    let out = directory.appendingPathComponent("m").path
    let common = ["train", "--data", data + "/X.npy", "--arch", "matryoshka", "--k", "2", "--width", "16", "--batch", "100", "--steps", "100",
                  "--lr", "0.003", "--threads", "1", "--quiet"]
    let trained = try LabExecutable.run(common + ["--prefixes", "2,6", "--truth-model", model, "--eval-samples", "500", "--out", out])
    #expect(trained.status == 0, "stderr: \(trained.stderr)")
    let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cfg.json"))) as? [String: Any])
    #expect(config["architecture"] as? String == "jumprelu")
    let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))) as? [String: Any])
    #expect((metrics["trainingEncoder"] as? [String: Any])?["l0"] as? Double == 2)
    for bad in ["6,2", "0,4", "4,16"] {
      let refused = try LabExecutable.run(common + ["--prefixes", bad, "--out", out + "x"])
      #expect(refused.status == 2 && refused.stderr.contains("'--prefixes'"), "\(bad): \(refused.stderr)")
    }
    let missing = try LabExecutable.run(common + ["--out", out + "x"])
    #expect(missing.status == 2 && missing.stderr.contains("'--prefixes"), "\(missing.stderr)")
  }

  @Test("matching-pursuit --k K keeps at most K codes per sample, is saved as matching_pursuit and read back by lab eval")
  func matchingPursuit() throws {
    let directory = try Scratch.directory()
    let model = EvalCommandTests.path("model")
    let data = directory.appendingPathComponent("data").path
    _ = try LabExecutable.run(["generate", "--from-saelens", model, "--samples", "1000", "--seed", "1", "--out", data, "--quiet"])
    let out = directory.appendingPathComponent("mp").path
    let trained = try LabExecutable.run(["train", "--data", data + "/X.npy", "--arch", "matching-pursuit", "--k", "2", "--width", "16",
                                           "--batch", "100", "--steps", "100", "--lr", "0.003", "--threads", "1", "--quiet",
                                           "--truth-model", model, "--eval-samples", "500", "--out", out])
    #expect(trained.status == 0, "stderr: \(trained.stderr)")
    let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cfg.json"))) as? [String: Any])
    #expect(config["architecture"] as? String == "matching_pursuit" && config["max_iterations"] as? Int == 2)
    let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))) as? [String: Any])
    let l0 = try #require(metrics["l0"] as? Double)
    #expect(l0 > 0 && l0 <= 2)
  }

  @Test("jumprelu without --k, and --clip with jumprelu, exit with 2 naming the option")
  func refusals() throws {
    let directory = try Scratch.directory()
    let (x, _) = try TrainCommandTests.data(in: directory)
    let common = ["train", "--data", x, "--width", "4", "--batch", "8", "--steps", "2", "--lr", "0.01", "--out", directory.appendingPathComponent("o").path]
    let missing = try LabExecutable.run(common + ["--arch", "jumprelu"])
    #expect(missing.status == 2 && missing.stderr.contains("'--k' must be given for jumprelu"), "\(missing.stderr)")
    let clip = try LabExecutable.run(common + ["--arch", "jumprelu", "--k", "1", "--clip", "1"])
    #expect(clip.status == 2 && clip.stderr.contains("'--clip'"), "\(clip.stderr)")
  }

  @Test("a run with learned state beyond the weights (jumprelu and relu-l1 with the target-L0 controller, matryoshka) resumed from --checkpoint writes the same SAE as one run",
        arguments: [["--arch", "jumprelu", "--k", "1"], ["--arch", "relu-l1", "--k", "1"], ["--arch", "matryoshka", "--k", "1", "--prefixes", "2"]])
  func resume(options: [String]) throws {
    let directory = try Scratch.directory()
    let (x, _) = try TrainCommandTests.data(in: directory)
    func train(_ steps: Int, _ extra: [String], _ name: String) throws -> String {
      let out = directory.appendingPathComponent(name).path
      let r = try LabExecutable.run(["train", "--data", x, "--width", "4", "--batch", "8", "--steps", "\(steps)", "--lr", "0.01", "--seed", "2",
                                     "--threads", "1", "--quiet", "--out", out] + options + extra)
      #expect(r.status == 0, "stderr: \(r.stderr)")
      return out
    }
    let checkpoint = directory.appendingPathComponent("checkpoint").path
    let straight = try train(30, [], "straight")
    _ = try train(15, ["--checkpoint", checkpoint], "half")
    let resumed = try train(30, ["--resume", checkpoint], "resumed")
    for file in ["sae_weights.safetensors", "cfg.json"] {
      #expect(FileManager.default.contents(atPath: straight + "/" + file) == FileManager.default.contents(atPath: resumed + "/" + file), "\(file)")
    }
  }
}
