import Foundation
import LabFormats
import LabNumerics
import LabTestSupport
import Testing

/// `lab check`'s plan options and the JSON contract of issue 16, on the hierarchy world of ``CheckCommandTests``.
@Suite("lab check: plan, next step, --save-move", .serialized)
struct CheckPlanCommandTests {
  static func inputs() throws -> (directory: URL, arguments: [String]) {
    let directory = try Scratch.directory()
    let x = try CheckCommandTests.write(CheckCommandTests.hierarchyData(), "X.npy", in: directory)
    let d = try CheckCommandTests.write(.identity(3), "D.npy", in: directory)
    let b = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: [0, 0, 0], as: .float64).encoded.write(to: URL(fileURLWithPath: b))
    return (directory, ["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05"])
  }

  @Test("A verified LP-K descent settles the verdict: LP-R, CERT and the stars are skipped with the reason, the contract fields hold, and the next step is the move; --full runs them")
  func settledByLPK() throws {
    let (directory, arguments) = try Self.inputs()
    let json = directory.appendingPathComponent("check.json").path
    let result = try LabExecutable.run(arguments + ["--json-out", json])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    for key in ["\"verdict\"", "\"lpK\"", "\"lpR\"", "\"descentOutcome\""] { #expect(result.stdout.contains(key)) }
    let record = try CheckCommandTests.json(json)
    #expect(record["verdict"] as? String == "descent-found" && record["scale"] is Double)
    let lpK = try #require(record["lpK"] as? [String: Any]), lpR = try #require(record["lpR"] as? [String: Any])
    #expect(lpK["value"] is Double && lpK["verified"] as? Bool == true)
    #expect(lpR["value"] == nil && lpR["verified"] as? Bool == false && lpR["status"] as? String == "not-run")
    #expect((lpR["skipped"] as? String)?.contains("verified LP-K descent settles the verdict") == true)
    let descent = try #require(record["descent"] as? [String: Any])
    #expect(descent["outcome"] as? String == "confirmed" && descent["source"] as? String == "lp-k")
    #expect((record["inputs"] as? [String: Any])?["precision"] as? String == "float64")
    let skipped = try #require(record["skipped"] as? [[String: Any]]).compactMap { $0["part"] as? String }
    #expect(Set(skipped) == ["lp-r", "cert", "stars"])
    let next = try #require(record["nextStep"] as? [String: Any])
    #expect(next["action"] as? String == "apply-descent" && (next["lossChange"] as? Double ?? 0) < 0)

    let full = try LabExecutable.run(arguments + ["--json-out", json, "--full"])
    #expect(full.status == 0, "stderr: \(full.stderr)")
    let fullRecord = try CheckCommandTests.json(json)
    #expect((fullRecord["lpR"] as? [String: Any])?["verified"] as? Bool == true && (fullRecord["skipped"] as? [Any])?.isEmpty == true)
  }

  @Test("--skip lp-r on a stationary candidate leaves the verdict inconclusive, naming LP-R and the skip; a bad --skip exits 2")
  func skippingLPR() throws {
    let directory = try Scratch.directory()
    let x = try CheckCommandTests.write(.identity(3), "X.npy", in: directory)
    let d = try CheckCommandTests.write(.identity(3), "D.npy", in: directory)
    let json = directory.appendingPathComponent("check.json").path
    let base = ["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--json-out", json]
    let stationary = try LabExecutable.run(base)
    #expect(stationary.status == 0 && stationary.stdout.contains("\"verdict\":\"stationary\""), "\(stationary.stdout) \(stationary.stderr)")
    let skipped = try LabExecutable.run(base + ["--skip", "lp-r"])
    #expect(skipped.status == 1 && skipped.stdout.contains("\"verdict\":\"inconclusive\""))
    let record = try CheckCommandTests.json(json)
    #expect(record["undecided"] as? String == "LP-R was not run: skipped on request (--skip lp-r)")
    #expect((record["nextStep"] as? [String: Any])?["action"] as? String == "investigate")
    let bad = try LabExecutable.run(base + ["--skip", "lin"])
    #expect(bad.status == 2 && bad.stderr.contains("'--skip'") && bad.stderr.contains("lin"))
  }

  @Test("--save-move writes the moved dictionary and bias, which lab learn --init reads, and the moved dictionary has a lower loss")
  func saveMove() throws {
    let (directory, arguments) = try Self.inputs()
    let move = directory.appendingPathComponent("move").path
    let json = directory.appendingPathComponent("check.json").path
    let result = try LabExecutable.run(arguments + ["--json-out", json, "--save-move", move])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let before = try #require(CheckCommandTests.json(json)["loss"] as? Double)
    let moved = try NumPyArray(contentsOf: move + "/dictionary.npy")
    #expect(moved.shape == [3, 3] && FileManager.default.fileExists(atPath: move + "/bias.npy"))
    let after = try LabExecutable.run(["check", "--data", arguments[2], "--dictionary", move + "/dictionary.npy", "--bias", move + "/bias.npy",
                                         "--lambda", "0.05", "--json-out", json])
    #expect(after.status == 0 || after.status == 1)
    let loss = try #require(CheckCommandTests.json(json)["loss"] as? Double)
    #expect(loss < before, "L_λ \(before) → \(loss) after the saved move (exact codes)")
    let learn = try LabExecutable.run(["learn", "--data", arguments[2], "--atoms", "3", "--lambda", "0.05", "--bias", "--method", "block",
                                         "--epochs", "1", "--init", move, "--out", directory.appendingPathComponent("learned").path])
    #expect(learn.status == 0 || learn.status == 1, "stderr: \(learn.stderr)")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("learned/dictionary.npy").path))
    let overwrite = try LabExecutable.run(["check", "--data", arguments[2], "--dictionary", move + "/dictionary.npy", "--lambda", "0.05",
                                             "--save-move", move])
    #expect(overwrite.status == 2 && overwrite.stderr.contains("'--save-move'") && overwrite.stderr.contains("would overwrite the input"),
            "stderr: \(overwrite.stderr)")
  }

  @Test("SGD-trained SAEs checked with --sae (λ = C/2 from cfg.json) are decided on both views and never fail their self-verification", arguments: [0, 1, 2])
  func trainedSAEsAreDecided(seed: Int) throws {
    let directory = try Scratch.directory()
    var x = Matrix<Double>(rows: 400, columns: 8)
    for n in 0..<400 {
      for k in 0..<6 where (n * 7 + k * 5 + seed) % 9 < 2 {
        for i in 0..<8 { x[n, i] += (0.5 + Double((n * 13 + k) % 10) / 10) * cos(Double(i * (k + 1) + seed)) }
      }
    }
    let data = try CheckCommandTests.write(x, "X.npy", in: directory, as: .float32)
    let sae = directory.appendingPathComponent("sae").path
    let train = try LabExecutable.run(["train", "--data", data, "--arch", "relu-l1", "--l1", "0.1", "--width", "12", "--batch", "32",
                                         "--steps", "300", "--lr", "0.01", "--seed", "\(seed)", "--out", sae, "--quiet"])
    #expect(train.status == 0, "stderr: \(train.stderr)")
    let json = directory.appendingPathComponent("check.json").path
    let check = try LabExecutable.run(["check", "--data", data, "--sae", sae, "--json-out", json, "--quiet"])
    let record = try CheckCommandTests.json(json)
    #expect(record["lambda"] as? Double == 0.05)
    #expect(record["verdict"] as? String != "inconclusive", "\(record["undecided"] ?? "")")
    #expect((record["descent"] as? [String: Any])?["outcome"] as? String != "failed")
    #expect((record["encoderCodes"] as? [String: Any])?["verdict"] as? String != "inconclusive")
    #expect(check.status == 0, "stderr: \(check.stderr)")
  }
}
