import Foundation
import LabFormats
import LabNumerics
import Testing
import LabTestSupport

/// End-to-end tests of `lab train`.
@Suite("lab train", .serialized)
struct TrainCommandTests {
  /// A 256×4 data set of sparse nonnegative combinations of the 4 unit axes, and that dictionary.
  static func data(in directory: URL) throws -> (x: String, truth: String) {
    var x = Matrix<Double>(rows: 256, columns: 4)
    for r in 0..<256 { x[r, r % 4] = 1 + Double(r % 7) / 7 }
    let xPath = directory.appendingPathComponent("X.npy").path, dPath = directory.appendingPathComponent("D.npy").path
    try NumPyArray(x, as: .float32).encoded.write(to: URL(fileURLWithPath: xPath))
    try NumPyArray(Matrix<Double>.identity(4), as: .float64).encoded.write(to: URL(fileURLWithPath: dPath))
    return (xPath, dPath)
  }

  @Test("trains relu-l1 and topk, writes a SAELens directory and prints the JSON line")
  func trains() throws {
    let directory = try Scratch.directory()
    let (x, truth) = try Self.data(in: directory)
    for (arch, option) in [("relu-l1", ["--l1", "0.01"]), ("topk", ["--k", "1"])] {
      let out = directory.appendingPathComponent(arch).path
      let result = try LabExecutable.run(["train", "--data", x, "--arch", arch, "--width", "8"] + option +
                                           ["--batch", "32", "--steps", "300", "--lr", "0.01", "--threads", "1", "--truth", truth, "--out", out])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
      for key in ["samplesPerSecond", "mse", "l0", "deadLatents", "mmcs"] { #expect(json?[key] != nil, "missing \(key)") }
      // MMCS against the identity, recomputed from the written decoder: mean_i max_j W_dec[j, i] / ‖W_dec[j]‖.
      let weights = try SafeTensors(contentsOf: out + "/sae_weights.safetensors")
      let decoder = try #require(weights.tensors["W_dec"])
      #expect(decoder.shape == [8, 4])
      let rows = (0..<8).map { Array(decoder.values[($0 * 4)..<($0 * 4 + 4)]) }
      let expected = (0..<4).map { i in rows.map { $0[i] / $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }.max()! }.reduce(0, +) / 4
      #expect(abs((json?["mmcs"] as? Double ?? .nan) - expected) <= 1e-6, "mmcs \(json?["mmcs"] ?? "none") vs \(expected)")
      #expect(FileManager.default.fileExists(atPath: out + "/cfg.json") && FileManager.default.fileExists(atPath: out + "/sae_weights.safetensors"))
    }
  }

  @Test("with --truth, relu-l1 reports stationarity at λ = C/2, its encoder view equal to lab check --sae's; topk does not")
  func stationarity() throws {
    let directory = try Scratch.directory()
    let (x, truth) = try Self.data(in: directory)
    let out = directory.appendingPathComponent("sae").path
    let trained = try LabExecutable.run(["train", "--data", x, "--arch", "relu-l1", "--width", "8", "--l1", "0.02", "--batch", "32",
                                           "--steps", "200", "--lr", "0.01", "--threads", "1", "--truth", truth, "--out", out])
    #expect(trained.status == 0, "stderr: \(trained.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(trained.stdout.utf8)) as? [String: Any]
    let stationarity = try #require(json?["stationarity"] as? [String: Any])
    #expect(stationarity["lambda"] as? Double == 0.01)
    let encoder = try #require(stationarity["encoderCodes"] as? [String: Any])
    let exact = try #require(stationarity["exactCodes"] as? [String: Any])
    #expect(["stationary", "descent-found", "inconclusive"].contains(exact["verdict"] as? String ?? ""))
    let checkJSON = directory.appendingPathComponent("check.json").path
    let checked = try LabExecutable.run(["check", "--data", x, "--sae", out, "--lambda", "0.01", "--json-out", checkJSON])
    #expect(checked.status != 2, "stderr: \(checked.stderr)")
    let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkJSON))) as? [String: Any]
    let view = try #require(record?["encoderCodes"] as? [String: Any])
    #expect(view["verdict"] as? String == encoder["verdict"] as? String)
    #expect(view["lpK"] as? Double == encoder["lpK"] as? Double && view["loss"] as? Double == encoder["loss"] as? Double)
    let topk = try LabExecutable.run(["train", "--data", x, "--arch", "topk", "--width", "8", "--k", "1", "--batch", "32", "--steps", "50",
                                        "--lr", "0.01", "--threads", "1", "--truth", truth, "--out", out + "-topk"])
    #expect(topk.status == 0 && !topk.stdout.contains("stationarity"))
  }

  @Test("bad input exits 2, names the option and writes nothing")
  func badInput() throws {
    let directory = try Scratch.directory()
    let (x, _) = try Self.data(in: directory)
    let out = directory.appendingPathComponent("out").path
    let cases: [([String], String)] = [
      (["--arch", "gated", "--l1", "1"], "gated"), (["--arch", "relu-l1"], "--l1"), (["--arch", "topk", "--k", "9"], "--k"),
      (["--arch", "relu-l1", "--l1", "1", "--k", "2"], "--k"),
    ]
    for (options, needle) in cases {
      let result = try LabExecutable.run(["train", "--data", x, "--width", "8", "--batch", "32", "--steps", "1", "--lr", "0.01", "--out", out] + options)
      #expect(result.status == 2 && result.stderr.contains(needle), "\(options): \(result.status) \(result.stderr)")
    }
    let tooBig = try LabExecutable.run(["train", "--data", x, "--arch", "topk", "--k", "1", "--width", "8", "--batch", "999",
                                          "--steps", "1", "--lr", "0.01", "--out", out])
    #expect(tooBig.status == 2 && tooBig.stderr.contains("--batch"))
    let missing = try LabExecutable.run(["train", "--data", directory.appendingPathComponent("none.npy").path, "--arch", "topk", "--k", "1",
                                           "--width", "8", "--batch", "8", "--steps", "1", "--lr", "0.01", "--out", out])
    #expect(missing.status == 2 && missing.stderr.contains("none.npy"))
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("trains relu-l1-unit, batchtopk and nsae with the schedule options; batchtopk is saved as jumprelu")
  func trainsNewArchitectures() throws {
    let directory = try Scratch.directory()
    let (x, truth) = try Self.data(in: directory)
    let cases: [(String, [String], String)] = [
      ("relu-l1-unit", ["--l1", "0.01", "--lr-schedule", "cosine", "--lr-warmup", "20", "--l1-warmup", "50"], "standard"),
      ("batchtopk", ["--k", "1", "--clip", "1", "--resample-every", "100"], "jumprelu"),
      ("topk", ["--k", "1", "--aux-k", "2", "--dead-window", "5"], "topk"),
      ("nsae", ["--alpha", "0.01", "--noise-sigma", "0.5", "--lr-schedule", "linear"], "sparselab_nsae"),
    ]
    for (arch, options, saeLensName) in cases {
      let out = directory.appendingPathComponent(arch).path
      let result = try LabExecutable.run(["train", "--data", x, "--arch", arch, "--width", "8"] + options +
                                           ["--batch", "32", "--steps", "200", "--lr", "0.01", "--threads", "1", "--truth", truth, "--out", out])
      #expect(result.status == 0, "\(arch) stderr: \(result.stderr)")
      #expect(result.stderr.isEmpty, "no progress line when stderr is not a terminal")
      let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
      for key in ["samplesPerSecond", "mse", "l0", "deadLatents", "mmcs"] { #expect(json?[key] != nil, "\(arch): missing \(key)") }
      let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cfg.json"))) as? [String: Any]
      #expect(config?["architecture"] as? String == saeLensName)
      if arch == "batchtopk" { #expect((json?["threshold"] as? Double ?? 0) > 0) }
    }
  }

  @Test("10 steps with --checkpoint, then --resume to 20, writes the same bytes as 20 straight steps; another --threads is refused")
  func resumes() throws {
    let directory = try Scratch.directory()
    let (x, _) = try Self.data(in: directory)
    let common = ["train", "--data", x, "--arch", "nsae", "--alpha", "0.01", "--width", "8", "--batch", "32", "--lr", "0.01",
                  "--lr-warmup", "5", "--threads", "1", "--seed", "7"]
    let straight = directory.appendingPathComponent("straight").path, split = directory.appendingPathComponent("split").path
    let checkpoint = directory.appendingPathComponent("ckpt").path
    let a = try LabExecutable.run(common + ["--steps", "20", "--out", straight])
    let b = try LabExecutable.run(common + ["--steps", "10", "--checkpoint", checkpoint, "--out", split])
    let c = try LabExecutable.run(common + ["--steps", "20", "--resume", checkpoint, "--checkpoint", checkpoint, "--out", split])
    for r in [a, b, c] { #expect(r.status == 0, "stderr: \(r.stderr)") }
    let json = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any]
    #expect(json?["resumedAtStep"] as? Int == 10)
    for file in ["cfg.json", "sae_weights.safetensors"] {
      #expect(try Data(contentsOf: URL(fileURLWithPath: straight + "/" + file)) == Data(contentsOf: URL(fileURLWithPath: split + "/" + file)), "\(file)")
    }
    let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint + "/state.json"))) as? [String: Any]
    #expect(state?["step"] as? Int == 20)
    let wrong = try LabExecutable.run(["train", "--data", x, "--arch", "nsae", "--alpha", "0.01", "--width", "9", "--batch", "32",
                                         "--lr", "0.01", "--steps", "20", "--resume", checkpoint, "--out", directory.appendingPathComponent("w").path])
    #expect(wrong.status == 2 && wrong.stderr.contains("'width'"), "\(wrong.stderr)")
    // --threads 2 splits each batch into two row blocks, which rounds differently: refused.
    var otherThreads = common
    otherThreads[otherThreads.firstIndex(of: "--threads")! + 1] = "2"
    let threads = try LabExecutable.run(otherThreads + ["--steps", "20", "--resume", checkpoint, "--out", directory.appendingPathComponent("t").path])
    #expect(threads.status == 2 && threads.stderr.contains("'batch_blocks' is 1 but this run has 2"), "\(threads.stderr)")
  }

  @Test("bad new options exit 2 and name the option")
  func badNewOptions() throws {
    let directory = try Scratch.directory()
    let (x, _) = try Self.data(in: directory)
    let out = directory.appendingPathComponent("out").path
    let cases: [([String], String)] = [
      (["--arch", "relu-l1", "--l1", "1", "--lr-schedule", "step"], "--lr-schedule"), (["--arch", "relu-l1", "--l1", "1", "--alpha", "1"], "--alpha"),
      (["--arch", "nsae"], "--alpha"), (["--arch", "nsae", "--alpha", "1", "--noise-sigma", "-1"], "--noise-sigma"),
      (["--arch", "topk", "--k", "1", "--clip", "0"], "--clip"), (["--arch", "relu-l1", "--l1", "1", "--aux-k", "2"], "--aux-k"), (["--arch", "topk", "--k", "1", "--checkpoint-every", "5"], "--checkpoint"),
      (["--arch", "batchtopk", "--k", "1", "--resume", directory.appendingPathComponent("none").path], "state.json"),
    ]
    for (options, needle) in cases {
      let result = try LabExecutable.run(["train", "--data", x, "--width", "8", "--batch", "32", "--steps", "1", "--lr", "0.01", "--out", out] + options)
      #expect(result.status == 2 && result.stderr.contains(needle), "\(options): \(result.status) \(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  /// The first half runs with --steps 10, so the schedule is a warm-up only (a decay would differ between 10 and 20 steps).
  @Test("deep: 10 steps with --checkpoint, then --resume to 20 (resampling, AuxK, clipping, warm-up), writes the same bytes as 20 straight steps")
  func resumesDeep() throws {
    let directory = try Scratch.directory()
    let (x, _) = try Self.data(in: directory)
    let common = ["train", "--data", x, "--arch", "deep", "--k", "1", "--width", "8", "--hidden-layers", "4", "--input-scale", "2",
                  "--batch", "32", "--lr", "0.01", "--lr-warmup", "3", "--clip", "1", "--sparse-adam",
                  "--resample-every", "4", "--aux-k", "2", "--dead-window", "1", "--threads", "1", "--seed", "7"]
    let straight = directory.appendingPathComponent("straight").path, split = directory.appendingPathComponent("split").path
    let checkpoint = directory.appendingPathComponent("ckpt").path
    let a = try LabExecutable.run(common + ["--steps", "20", "--out", straight])
    let b = try LabExecutable.run(common + ["--steps", "10", "--checkpoint", checkpoint, "--checkpoint-every", "4", "--out", split])
    let c = try LabExecutable.run(common + ["--steps", "20", "--resume", checkpoint, "--checkpoint", checkpoint, "--out", split])
    for r in [a, b, c] { #expect(r.status == 0, "stderr: \(r.stderr)") }
    let first = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any]
    let json = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any]
    #expect(json?["resumedAtStep"] as? Int == 10)
    #expect((first?["resampledLatents"] as? Int ?? 0) > 0, "the run should exercise resampling")
    for file in ["cfg.json", "sae_weights.safetensors"] {
      #expect(try Data(contentsOf: URL(fileURLWithPath: straight + "/" + file)) == Data(contentsOf: URL(fileURLWithPath: split + "/" + file)), "\(file)")
    }
    let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint + "/state.json"))) as? [String: Any]
    #expect(state?["step"] as? Int == 20 && state?["kind"] as? String == "deep")
    var otherK = common
    otherK[otherK.firstIndex(of: "--k")! + 1] = "2"
    let wrong = try LabExecutable.run(otherK + ["--steps", "20", "--resume", checkpoint, "--out", directory.appendingPathComponent("w").path])
    #expect(wrong.status == 2 && wrong.stderr.contains("'k'"), "\(wrong.stderr)")
  }

  @Test("trains deep SAEs (encoder only and encoder + decoder), written as sparselab_deep; refuses shallow-only options")
  func trainsDeep() throws {
    let directory = try Scratch.directory()
    let (x, truth) = try Self.data(in: directory)
    for (name, layers) in [("encoder", ["--hidden-layers", "4"]), ("both", ["--hidden-layers", "6,4", "--decoder-layers", "5"])] {
      let out = directory.appendingPathComponent(name).path
      let result = try LabExecutable.run(["train", "--data", x, "--arch", "deep", "--k", "1", "--width", "8", "--input-scale", "10"] + layers +
                                           ["--batch", "32", "--steps", "100", "--lr", "0.004", "--sparse-adam", "--threads", "1", "--truth", truth,
                                            "--out", out])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
      for key in ["samplesPerSecond", "mse", "l0", "deadLatents"] { #expect(json?[key] != nil, "missing \(key)") }
      #expect((json?["mmcs"] != nil) == (name == "encoder"), "MMCS only when the decoder is linear")
      #expect((json?["l0"] as? Double ?? 9) <= 1)
      let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cfg.json"))) as? [String: Any]
      #expect(config?["architecture"] as? String == "sparselab_deep")
    }
    let out = directory.appendingPathComponent("bad").path
    let cases: [([String], String)] = [
      (["--hidden-layers", "3"], "--hidden-layers"), (["--hidden-layers", "4,x"], "--hidden-layers"), (["--l1", "1"], "--l1"),
      (["--l1-warmup", "5"], "--l1-warmup"), (["--aux-k", "2", "--decoder-layers", "4"], "--aux-k"), (["--aux-k", "99"], "--aux-k"),
      ([], "--k"),
    ]
    for (options, needle) in cases {
      let k = options.isEmpty ? [] : ["--k", "1"]
      let result = try LabExecutable.run(["train", "--data", x, "--arch", "deep", "--width", "8", "--batch", "32", "--steps", "1",
                                            "--lr", "0.01", "--out", out] + k + options)
      #expect(result.status == 2 && result.stderr.contains(needle), "\(options): \(result.status) \(result.stderr)")
    }
    let relu = try LabExecutable.run(["train", "--data", x, "--arch", "relu-l1", "--l1", "1", "--input-scale", "2", "--width", "8",
                                        "--batch", "32", "--steps", "1", "--lr", "0.01", "--out", out])
    #expect(relu.status == 2 && relu.stderr.contains("--input-scale"))
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
