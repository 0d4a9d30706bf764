import Foundation
import LabFormats
import LabNumerics
import LabSolvers
import Testing

/// End-to-end tests of `lab check` on small dog / labrador / cat worlds written as .npy files.
@Suite("lab check", .serialized)
struct CheckCommandTests {
  /// 40 % nothing, 25 % dog, 15 % dog + labrador, 20 % cat, magnitudes in [0.5, 1.5], orthonormal truth.
  static func hierarchyData() -> Matrix<Double> {
    var codes = Matrix<Double>(rows: 100, columns: 3)
    for n in 0..<100 {
      let magnitude = 0.5 + Double((n * 37) % 100) / 100
      switch n {
      case 40..<65: codes[n, 0] = magnitude
      case 65..<80: codes[n, 0] = magnitude; codes[n, 1] = 1.5 - Double((n * 53) % 100) / 100
      case 80..<100: codes[n, 2] = magnitude
      default: break
      }
    }
    return codes
  }

  static func write(_ matrix: Matrix<Double>, _ name: String, in directory: URL, as type: NumPyArray.ElementType = .float64) throws -> String {
    let path = directory.appendingPathComponent(name).path
    try NumPyArray(matrix, as: type).encoded.write(to: URL(fileURLWithPath: path))
    return path
  }

  static func json(_ path: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
  }

  @Test("The hierarchical ground truth gets descent-found, a confirmed descent and the failing pair labrador → dog")
  func hierarchyGroundTruth() throws {
    let directory = try LabCommandTests.scratch()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    let d = try Self.write(.identity(3), "D.npy", in: directory)
    let b = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: [0, 0, 0], as: .float64).encoded.write(to: URL(fileURLWithPath: b))
    let out = directory.appendingPathComponent("out")
    let result = try LabCommandTests.run(["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05",
                                          "--json", out.appendingPathComponent("check.json").path,
                                          "--report", out.appendingPathComponent("check.md").path])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("\"verdict\":\"descent-found\""))
    let record = try Self.json(out.appendingPathComponent("check.json").path)
    for key in ["lambda", "bias", "kkt", "pairs", "lpK", "lpR", "cert", "descent", "newAtom", "verdict"] {
      #expect(record[key] != nil, "the JSON contract needs '\(key)'")
    }
    let kkt = record["kkt"] as! [String: Any]
    #expect(Set(kkt.keys).isSuperset(of: ["codeViolation", "atomGradient", "biasGradient"]))
    let pairs = record["pairs"] as! [[String: Any]]
    #expect(pairs.count == 6)
    let failing = pairs.filter { ($0["pass"] as! Bool) == false }
    #expect(failing.count == 1 && (failing[0]["i"] as! Int) == 1 && (failing[0]["j"] as! Int) == 0)
    #expect((failing[0]["hullLow"] as! Double) == 1 && (failing[0]["hullHigh"] as! Double) == 1)
    let descent = record["descent"] as! [String: Any]
    #expect((descent["found"] as! Bool) && (descent["outcome"] as! String) == "confirmed")
    #expect(((descent["measuredSlopes"] as! [Double])).count == 3)
    #expect(((record["lpK"] as! [String: Any])["value"] as! Double) < 0)
    let report = try String(contentsOf: out.appendingPathComponent("check.md"), encoding: .utf8)
    #expect(report.contains("## Verdict: **descent-found**") && report.contains("![Pair figure](check-pair-1-0.svg)"))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("check-pair-1-0.svg").path))
  }

  @Test("A dictionary trained to a KKT point gets stationary, every pair passes, and CERT = −LP-R/λ")
  func trainedStationary() throws {
    let directory = try LabCommandTests.scratch()
    let data = Self.hierarchyData()
    let fit = BlockMinimization.fit(samples: data, initialDictionary: .identity(3), initialBias: [0, 0, 0], lambda: 0.05)
    let x = try Self.write(data, "X.npy", in: directory)
    let d = try Self.write(fit.problem.dictionary, "D.npy", in: directory)
    let b = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: fit.problem.bias!, as: .float64).encoded.write(to: URL(fileURLWithPath: b))
    let json = directory.appendingPathComponent("check.json").path
    let result = try LabCommandTests.run(["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05", "--json", json])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let record = try Self.json(json)
    #expect((record["verdict"] as! String) == "stationary", "KKT \(fit.kkt.maximum)")
    #expect((record["pairs"] as! [[String: Any]]).allSatisfy { ($0["pass"] as! Bool) })
    let cert = record["cert"] as! [String: Any]
    #expect((cert["dualityHolds"] as! Bool))
    #expect(((record["descent"] as! [String: Any])["found"] as! Bool) == false)
  }

  @Test("Atoms off the unit sphere are rejected with the file and row, unless --normalize; nothing is written")
  func nonUnitAtoms() throws {
    let directory = try LabCommandTests.scratch()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    var scaled = Matrix<Double>.identity(3)
    scaled[1, 1] = 2
    let d = try Self.write(scaled, "D.npy", in: directory)
    let json = directory.appendingPathComponent("out/check.json").path
    let rejected = try LabCommandTests.run(["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--json", json])
    #expect(rejected.status == 2)
    #expect(rejected.stderr.contains("\(d): row 1 has norm 2.0; atoms must have unit norm within 1e-06 (pass --normalize to rescale them)"))
    #expect(!FileManager.default.fileExists(atPath: json))
    let accepted = try LabCommandTests.run(["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--normalize", "--json", json])
    #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
    #expect(FileManager.default.fileExists(atPath: json))
  }

  @Test("Shape mismatches, NaN, negative codes, a missing file and λ ≤ 0 exit with 2 and name the problem")
  func badInput() throws {
    let directory = try LabCommandTests.scratch()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    let d = try Self.write(.identity(3), "D.npy", in: directory)
    let wide = try Self.write(.identity(4), "D4.npy", in: directory)
    var nan = Self.hierarchyData()
    nan[7, 2] = .nan
    let xNaN = try Self.write(nan, "Xnan.npy", in: directory)
    let negative = try Self.write(-1 * Self.hierarchyData(), "Zneg.npy", in: directory)
    let cases: [([String], String)] = [
      (["--data", x, "--dictionary", wide, "--lambda", "0.05"], "\(wide): atoms have 4 entries but the data in \(x) have m = 3"),
      (["--data", xNaN, "--dictionary", d, "--lambda", "0.05"], "\(xNaN): element at row 7, column 2 is nan; every element must be finite"),
      (["--data", x, "--dictionary", d, "--codes", negative, "--lambda", "0.05"], "\(negative): element at row 40, column 0 is -"),
      (["--data", directory.appendingPathComponent("missing.npy").path, "--dictionary", d, "--lambda", "0.05"], "missing.npy: no such file"),
      (["--data", x, "--dictionary", d, "--lambda", "0"], "λ must be a finite number > 0, got 0.0"),
    ]
    for (arguments, message) in cases {
      let result = try LabCommandTests.run(["check"] + arguments)
      #expect(result.status == 2)
      #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }
  }

  @Test("--sae checks a SAELens SAE written by lab train, with re-optimised codes and its own codes beside; a d_in mismatch exits 2")
  func saeDirectory() throws {
    let directory = try LabCommandTests.scratch()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    let sae = directory.appendingPathComponent("sae").path
    let trained = try LabCommandTests.run(["train", "--data", x, "--arch", "relu-l1", "--width", "4", "--l1", "0.05", "--batch", "25",
                                           "--steps", "200", "--lr", "0.01", "--seed", "1", "--out", sae])
    #expect(trained.status == 0, "stderr: \(trained.stderr)")
    let json = directory.appendingPathComponent("check.json").path
    let result = try LabCommandTests.run(["check", "--data", x, "--sae", sae, "--lambda", "0.05", "--json", json])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let record = try Self.json(json)
    #expect((record["codes"] as! String) == "exact-lasso" && (record["bias"] as! Bool))
    let view = record["encoderCodes"] as! [String: Any]
    #expect(["stationary", "descent-found", "inconclusive"].contains(view["verdict"] as! String))
    #expect((record["pairs"] as! [[String: Any]]).count <= 12)
    let wide = try Self.write(Matrix<Double>(rows: 5, columns: 4, repeating: 1), "X4.npy", in: directory)
    let mismatch = try LabCommandTests.run(["check", "--data", wide, "--sae", sae, "--lambda", "0.05"])
    #expect(mismatch.status == 2 && mismatch.stderr.contains("the SAE has d_in = 3 but the data in \(wide) have m = 4"))
    let both = try LabCommandTests.run(["check", "--data", x, "--sae", sae, "--dictionary", x, "--lambda", "0.05"])
    #expect(both.status == 2 && both.stderr.contains("Give exactly one of '--dictionary' and '--sae'."))
  }
}
