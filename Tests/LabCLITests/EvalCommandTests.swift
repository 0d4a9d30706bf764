import Foundation
import LabFormats
import LabNumerics
import LabTestSupport
import Testing

/// End-to-end tests of `lab eval` (SynthSAEBench metrics and ground-truth absorption).
@Suite("lab eval", .serialized)
struct EvalCommandTests {
  /// The sae-lens-written fixture of `Tests/LabTrainingTests/Fixtures/make_synthbench_fixture.py`.
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("LabTrainingTests/Fixtures/synthbench")

  static func path(_ name: String) -> String { fixture.appendingPathComponent(name).path }

  /// A copy of the fixture directory `name` in `directory`.
  static func copy(_ name: String, into directory: URL) throws -> URL {
    let target = directory.appendingPathComponent(name)
    try FileManager.default.copyItem(at: fixture.appendingPathComponent(name), to: target)
    return target
  }

  /// The path of `X.npy` after `lab generate --from-saelens` draws `samples` rows of the fixture's world into `directory`.
  static func generate(_ samples: Int, into directory: URL) throws -> String {
    let data = directory.appendingPathComponent("data").path
    let generated = try LabExecutable.run(["generate", "--from-saelens", path("model"), "--samples", "\(samples)", "--seed", "1", "--out", data, "--quiet"])
    #expect(generated.status == 0, "stderr: \(generated.stderr)")
    return data + "/X.npy"
  }

  /// Runs `lab train` on `data` (one thread, seed 3, batch 100) with the given options, into `directory/name`.
  static func train(_ data: String, _ options: [String], into directory: URL, name: String) throws -> String {
    let sae = directory.appendingPathComponent(name).path
    let trained = try LabExecutable.run(["train", "--data", data, "--batch", "100", "--threads", "1", "--seed", "3"] + options + ["--out", sae, "--quiet"])
    #expect(trained.status == 0, "stderr: \(trained.stderr)")
    return sae
  }

  @Test("on sae-lens's SAE, world and samples, metrics.json agrees with sae-lens to 1e-6 and has one absorption record per edge")
  func golden() throws {
    let directory = try Scratch.directory()
    let out = directory.appendingPathComponent("metrics.json").path
    let result = try LabExecutable.run(["eval", "--sae", Self.path("sae"), "--truth-model", Self.path("model"),
                                          "--eval-data", Self.path("x.npy"), "--eval-codes", Self.path("codes.npy"), "--out", out])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let ours = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
    let theirs = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture.appendingPathComponent("expected.json"))) as? [String: Any])
    for key in ["mcc", "uniqueness", "precision", "recall", "f1", "explainedVariance", "l0", "trueL0", "deadLatents", "shrinkage", "samples"] {
      let a = try #require(ours[key] as? Double, "missing \(key)"), b = try #require(theirs[key] as? Double)
      #expect(abs(a - b) <= 1e-6, "\(key): ours \(a), sae-lens \(b)")
    }
    let absorption = try #require(ours["absorption"] as? [String: Any])
    let edges = try #require(absorption["perEdge"] as? [[String: Any]])
    // hierarchy.json of the fixture: 3 roots, each with 2 children with 2 children each.
    #expect(edges.count == 18 && absorption["edges"] as? Int == 18)
    for edge in edges { #expect(edge["pairTestFails"] as? Bool != nil && edge["parentSplitting"] as? Int != nil) }
  }

  @Test("fresh samples: the same seed writes the same bytes, another seed other numbers; the seed is recorded")
  func fresh() throws {
    let directory = try Scratch.directory()
    func run(_ seed: String, _ name: String) throws -> Data {
      let out = directory.appendingPathComponent(name).path
      let result = try LabExecutable.run(["eval", "--sae", Self.path("sae"), "--truth-model", Self.path("model"), "--samples", "700",
                                            "--seed", seed, "--out", out])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return try Data(contentsOf: URL(fileURLWithPath: out))
    }
    let a = try run("4", "a.json"), b = try run("4", "b.json"), c = try run("5", "c.json")
    #expect(a == b)
    #expect(a != c)
    let json = try #require(try JSONSerialization.jsonObject(with: a) as? [String: Any])
    #expect(json["seed"] as? Int == 4 && json["samples"] as? Int == 700)
  }

  @Test("lab train --truth-model writes lab eval's metrics.json for the SAE as saved, plus batchtopk's training-time encoder")
  func train() throws {
    let directory = try Scratch.directory()
    let data = try Self.generate(1000, into: directory)
    let sae = try Self.train(data, ["--arch", "batchtopk", "--k", "2", "--width", "16", "--steps", "50", "--lr", "0.003",
                                    "--truth-model", Self.path("model"), "--eval-samples", "600"], into: directory, name: "sae")
    var written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sae + "/metrics.json"))) as? [String: Any])
    let trainingEncoder = try #require(written.removeValue(forKey: "trainingEncoder") as? [String: Any])
    #expect(trainingEncoder["l0"] as? Double == 2, "batch-wide top-k keeps k·B codes per batch of B = 100 rows")
    let out = directory.appendingPathComponent("eval.json").path
    let evaluated = try LabExecutable.run(["eval", "--sae", sae, "--truth-model", Self.path("model"), "--samples", "600", "--seed", "3", "--out", out])
    #expect(evaluated.status == 0, "stderr: \(evaluated.stderr)")
    let again = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
    #expect(NSDictionary(dictionary: written).isEqual(to: again))
  }

  @Test("--control-sae adds the hedging rate (width, added latents, finite rate ≥ 0, the same bytes for the same seed); a control that is not narrower exits 2 naming the option")
  func hedging() throws {
    let directory = try Scratch.directory()
    let data = try Self.generate(600, into: directory)
    func train(_ width: Int) throws -> String {
      try Self.train(data, ["--arch", "relu-l1", "--l1", "0.01", "--lr", "0.003", "--width", "\(width)", "--steps", "30"], into: directory, name: "sae\(width)")
    }
    let narrow = try train(8), wide = try train(16)
    func eval(_ sae: String, control: String, _ name: String) throws -> (status: Int32, stderr: String, json: Data?) {
      let out = directory.appendingPathComponent(name).path
      let r = try LabExecutable.run(["eval", "--sae", sae, "--control-sae", control, "--truth-model", Self.path("model"), "--samples", "300",
                                     "--seed", "2", "--out", out])
      return (r.status, r.stderr, FileManager.default.contents(atPath: out))
    }
    let first = try eval(wide, control: narrow, "a.json"), second = try eval(wide, control: narrow, "b.json")
    #expect(first.status == 0, "stderr: \(first.stderr)")
    #expect(first.json != nil && first.json == second.json)
    let record = try #require(try JSONSerialization.jsonObject(with: first.json ?? Data()) as? [String: Any])
    let hedging = try #require(record["hedging"] as? [String: Any])
    #expect(hedging["width"] as? Int == 8 && hedging["addedLatents"] as? Int == 8 && hedging["baselines"] as? Int == 50)
    let rate = try #require(hedging["rate"] as? Double)
    #expect(rate.isFinite && rate >= 0)
    let reversed = try eval(narrow, control: wide, "c.json")
    #expect(reversed.status == 2 && reversed.stderr.contains("'--control-sae'") && reversed.json == nil, "stderr: \(reversed.stderr)")
  }

  @Test("bad input exits with 2 and one line naming the file and field")
  func badInput() throws {
    let directory = try Scratch.directory()
    let out = directory.appendingPathComponent("m.json").path
    func eval(sae: String = Self.path("sae"), model: String = Self.path("model"), extra: [String] = []) throws -> (Int32, String) {
      let r = try LabExecutable.run(["eval", "--sae", sae, "--truth-model", model, "--samples", "50", "--out", out] + extra)
      return (r.status, r.stderr)
    }
    // Dimension: an SAE of d_in 3 against a world of 10 dimensions.
    let standard = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("LabTrainingTests/Fixtures/saelens-sae/standard").path
    var (status, stderr) = try eval(sae: standard)
    #expect(status == 2 && stderr.contains("cfg.json") && stderr.contains("'d_in' 3"), "\(stderr)")
    // dtype.
    let sae = try Self.copy("sae", into: directory)
    let config = sae.appendingPathComponent("cfg.json")
    try String(decoding: try Data(contentsOf: config), as: UTF8.self).replacingOccurrences(of: "\"float32\"", with: "\"bfloat16\"")
      .write(to: config, atomically: false, encoding: .utf8)
    (status, stderr) = try eval(sae: sae.path)
    #expect(status == 2 && stderr.contains("cfg.json") && stderr.contains("'dtype'"), "\(stderr)")
    // A non-finite and a missing tensor of the synthetic model.
    let model = try Self.copy("model", into: directory)
    let weightsPath = model.appendingPathComponent("synthetic_model.safetensors").path
    let weights = try SafeTensors(contentsOf: weightsPath)
    var vectors = try #require(weights.tensors["feature_vectors"])
    vectors.values[5] = .nan
    var broken = weights.tensors
    broken["feature_vectors"] = vectors
    try SafeTensors(tensors: broken).encoded.write(to: URL(fileURLWithPath: weightsPath))
    (status, stderr) = try eval(model: model.path)
    #expect(status == 2 && stderr.contains("synthetic_model.safetensors") && stderr.contains("'feature_vectors'[0, 5] is nan"), "\(stderr)")
    broken["feature_vectors"] = weights.tensors["feature_vectors"]
    broken["bias"] = nil
    try SafeTensors(tensors: broken).encoded.write(to: URL(fileURLWithPath: weightsPath))
    (status, stderr) = try eval(model: model.path)
    #expect(status == 2 && stderr.contains("synthetic_model.safetensors") && stderr.contains("'bias'"), "\(stderr)")
    // Codes of the wrong width, a lone --eval-data, and --out naming an input.
    let wrong = try LabExecutable.run(["eval", "--sae", Self.path("sae"), "--truth-model", Self.path("model"), "--eval-data", Self.path("x.npy"),
                                         "--eval-codes", Self.path("x.npy"), "--out", out])
    #expect(wrong.status == 2 && wrong.stderr.contains("x.npy") && wrong.stderr.contains("'num_features' is 24"), "\(wrong.stderr)")
    let lone = try LabExecutable.run(["eval", "--sae", Self.path("sae"), "--truth-model", Self.path("model"), "--eval-data", Self.path("x.npy"),
                                        "--out", out])
    #expect(lone.status == 2 && lone.stderr.contains("'--eval-codes'"), "\(lone.stderr)")
    let overwrite = try LabExecutable.run(["eval", "--sae", Self.path("sae"), "--truth-model", Self.path("model"), "--eval-data", Self.path("x.npy"),
                                             "--eval-codes", Self.path("codes.npy"), "--out", Self.path("x.npy")])
    #expect(overwrite.status == 2 && overwrite.stderr.contains("'--out'"), "\(overwrite.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
