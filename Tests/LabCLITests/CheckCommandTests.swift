import Foundation
import LabFormats
import LabNumerics
import LabSolvers
import Testing
import LabTestSupport

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
    let directory = try Scratch.directory()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    let d = try Self.write(.identity(3), "D.npy", in: directory)
    let b = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: [0, 0, 0], as: .float64).encoded.write(to: URL(fileURLWithPath: b))
    let out = directory.appendingPathComponent("out")
    let result = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05",
                                          "--json-out", out.appendingPathComponent("check.json").path,
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
    let directory = try Scratch.directory()
    let data = Self.hierarchyData()
    let fit = BlockMinimization.fit(samples: data, initialDictionary: .identity(3), initialBias: [0, 0, 0], lambda: 0.05)
    let x = try Self.write(data, "X.npy", in: directory)
    let d = try Self.write(fit.problem.dictionary, "D.npy", in: directory)
    let b = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: fit.problem.bias!, as: .float64).encoded.write(to: URL(fileURLWithPath: b))
    let json = directory.appendingPathComponent("check.json").path
    let result = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05", "--json-out", json])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let record = try Self.json(json)
    #expect((record["verdict"] as! String) == "stationary", "KKT \(fit.kkt.maximum)")
    #expect((record["pairs"] as! [[String: Any]]).allSatisfy { ($0["pass"] as! Bool) })
    let cert = record["cert"] as! [String: Any]
    #expect((cert["dualityHolds"] as! Bool))
    #expect(((record["descent"] as! [String: Any])["found"] as! Bool) == false)
  }

  @Test("The same problems in other units (X, b → sX, sb and λ → sλ) get the same verdicts and failing pairs", arguments: [1e-2, 1e3])
  func unitsDoNotChangeVerdicts(scale: Double) throws {
    let directory = try Scratch.directory()
    let data = Self.hierarchyData()
    let fit = BlockMinimization.fit(samples: data, initialDictionary: .identity(3), initialBias: [0, 0, 0], lambda: 0.05)
    let x = try Self.write(scale * data, "X.npy", in: directory)
    let truth = try Self.write(.identity(3), "D.npy", in: directory)
    let trained = try Self.write(fit.problem.dictionary, "Dfit.npy", in: directory)
    let zero = directory.appendingPathComponent("b0.npy").path, bias = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: [0, 0, 0], as: .float64).encoded.write(to: URL(fileURLWithPath: zero))
    try NumPyArray(vector: fit.problem.bias!.map { scale * $0 }, as: .float64).encoded.write(to: URL(fileURLWithPath: bias))
    for (dictionary, b, verdict, failing) in [(truth, zero, "descent-found", 1), (trained, bias, "stationary", 0)] {
      let json = directory.appendingPathComponent("check-\(verdict).json").path
      let result = try LabExecutable.run(["check", "--data", x, "--dictionary", dictionary, "--bias", b, "--lambda", "\(0.05 * scale)",
                                            "--json-out", json])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let record = try Self.json(json)
      #expect((record["verdict"] as! String) == verdict, "scale \(scale): \(result.stdout)")
      #expect((record["pairs"] as! [[String: Any]]).filter { !($0["pass"] as! Bool) }.count == failing)
    }
  }

  /// Four unit atoms in R³ (rows of `atoms`, normalised) and 20 points X = Z D with about half
  /// the codes active: rounded draws of numpy's default_rng(0), on which LP-R once failed its
  /// verification at X·10³ (its rounding grew with the data and crossed the verifier's 1e-9 floor).
  static func randomFactorisation() -> (samples: Matrix<Double>, dictionary: Matrix<Double>) {
    let atoms: [[Double]] = [[0.189, -0.198, 0.962], [0.16, -0.818, 0.552], [0.742, 0.539, -0.4], [-0.897, -0.442, 0.029]]
    let codes: [[Double]] = [
      [0, 0, 1.25, 0], [0, 0, 0.41, 1.04], [0, 0, 0.67, 0], [0.9, 0, 0.74, 0], [0, 0.22, 0, 0.21], [0, 0, 0, 0.36],
      [0, 0.13, 0.78, 1.49], [0, 0, 1.35, 0.78], [0, 0.31, 1.46, 1.96], [0, 0, 0, 0], [0, 0.66, 0, 0], [0, 0.7, 0, 0],
      [0, 1.17, 1.74, 0], [0.33, 0, 1.58, 0], [0.63, 2.2, 0.05, 0], [1, 0, 0, 1.32], [0, 0.94, 0.05, 2], [0.19, 0, 0, 1.09],
      [1.28, 0, 0, 0], [0.75, 0, 0.29, 1.57],
    ]
    var d = Matrix<Double>(rows: 4, columns: 3)
    for (k, row) in atoms.enumerated() {
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      d.setRow(k, to: row.map { $0 / norm })
    }
    return (Matrix(rows: 20, columns: 4, storage: codes.flatMap { $0 }).multiplied(by: d), d)
  }

  @Test("A random factorisation in other units (X → sX, λ → sλ) gets the verdict it gets at s = 1", arguments: [1e3, 1e4])
  func randomFactorisationUnits(scale: Double) throws {
    let directory = try Scratch.directory()
    let (data, atoms) = Self.randomFactorisation()
    let d = try Self.write(atoms, "D.npy", in: directory)
    var verdicts: [String] = []
    for s in [1, scale] {
      let x = try Self.write(s * data, "X.npy", in: directory)
      let json = directory.appendingPathComponent("check.json").path
      let result = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--lambda", "\(0.1 * s)", "--json-out", json])
      #expect(result.status == 0, "scale \(s): \(result.stdout) \(result.stderr)")
      verdicts.append(try Self.json(json)["verdict"] as! String)
    }
    #expect(verdicts == ["descent-found", "descent-found"], "verdicts at 1 and \(scale): \(verdicts)")
  }

  @Test("Atoms off the unit sphere are rejected with the file and row, unless --normalize; nothing is written")
  func nonUnitAtoms() throws {
    let directory = try Scratch.directory()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    var scaled = Matrix<Double>.identity(3)
    scaled[1, 1] = 2
    let d = try Self.write(scaled, "D.npy", in: directory)
    let json = directory.appendingPathComponent("out/check.json").path
    let rejected = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--json-out", json])
    #expect(rejected.status == 2)
    #expect(rejected.stderr.contains("\(d): row 1 has norm 2.0; atoms must have unit norm within 1e-06 (pass --normalize to rescale them)"))
    #expect(!FileManager.default.fileExists(atPath: json))
    let accepted = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--normalize", "--json-out", json])
    #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
    #expect(FileManager.default.fileExists(atPath: json))
  }

  @Test("Shape mismatches, NaN, huge values, negative codes, a missing file and λ ≤ 0 exit with 2 and name the problem")
  func badInput() throws {
    let directory = try Scratch.directory()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    let d = try Self.write(.identity(3), "D.npy", in: directory)
    let wide = try Self.write(.identity(4), "D4.npy", in: directory)
    var nan = Self.hierarchyData()
    nan[7, 2] = .nan
    let xNaN = try Self.write(nan, "Xnan.npy", in: directory)
    let negative = try Self.write(-1 * Self.hierarchyData(), "Zneg.npy", in: directory)
    var huge = Self.hierarchyData()
    huge[5, 1] = -3e14
    let xHuge = try Self.write(huge, "Xhuge.npy", in: directory)
    let zHuge = try Self.write(1e13 * Self.hierarchyData(), "Zhuge.npy", in: directory)
    let bHuge = directory.appendingPathComponent("bhuge.npy").path
    try NumPyArray(vector: [0, 2e12, 0], as: .float64).encoded.write(to: URL(fileURLWithPath: bHuge))
    let cases: [([String], String)] = [
      (["--data", x, "--dictionary", wide, "--lambda", "0.05"], "\(wide): atoms have 4 entries but the data in \(x) have m = 3"),
      (["--data", xNaN, "--dictionary", d, "--lambda", "0.05"], "\(xNaN): element at row 7, column 2 is nan; every element must be finite"),
      (["--data", x, "--dictionary", d, "--codes", negative, "--lambda", "0.05"], "\(negative): element at row 40, column 0 is -"),
      (["--data", directory.appendingPathComponent("missing.npy").path, "--dictionary", d, "--lambda", "0.05"], "missing.npy: no such file"),
      (["--data", x, "--dictionary", d, "--lambda", "0"], "λ must be a finite number > 0, got 0.0"),
      (["--data", xHuge, "--dictionary", d, "--lambda", "0.05"],
       "\(xHuge): row 5, column 1 is -300000000000000.0; magnitudes above 1e12 are refused"),
      (["--data", x, "--dictionary", d, "--bias", bHuge, "--lambda", "0.05"], "\(bHuge): element 1 is 2000000000000.0; magnitudes above 1e12"),
      (["--data", x, "--dictionary", d, "--codes", zHuge, "--lambda", "0.05"], "\(zHuge): row 40, column 0 is "),
    ]
    for (arguments, message) in cases {
      let result = try LabExecutable.run(["check"] + arguments)
      #expect(result.status == 2)
      #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }
  }

  /// The hierarchy data as `X.npy` in `directory` and a 4-latent ReLU-L1 SAE (C = 0.05) `lab train` wrote on it.
  static func trainedSAE(in directory: URL) throws -> (x: String, sae: String) {
    let x = try write(hierarchyData(), "X.npy", in: directory)
    let sae = directory.appendingPathComponent("sae").path
    let trained = try LabExecutable.run(["train", "--data", x, "--arch", "relu-l1", "--width", "4", "--l1", "0.05", "--batch", "25",
                                           "--steps", "200", "--lr", "0.01", "--seed", "1", "--out", sae, "--quiet"])
    #expect(trained.status == 0, "stderr: \(trained.stderr)")
    return (x, sae)
  }

  @Test("--sae checks a SAELens SAE written by lab train, with re-optimised codes and its own codes beside; a d_in mismatch exits 2")
  func saeDirectory() throws {
    let directory = try Scratch.directory()
    let (x, sae) = try Self.trainedSAE(in: directory)
    let json = directory.appendingPathComponent("check.json").path
    let result = try LabExecutable.run(["check", "--data", x, "--sae", sae, "--lambda", "0.05", "--json-out", json])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let record = try Self.json(json)
    #expect((record["codes"] as! String) == "exact-lasso" && (record["bias"] as! Bool))
    let view = record["encoderCodes"] as! [String: Any]
    #expect(["stationary", "descent-found", "inconclusive"].contains(view["verdict"] as! String))
    #expect((record["pairs"] as! [[String: Any]]).count <= 12)
    let wide = try Self.write(Matrix<Double>(rows: 5, columns: 4, repeating: 1), "X4.npy", in: directory)
    let mismatch = try LabExecutable.run(["check", "--data", wide, "--sae", sae, "--lambda", "0.05"])
    #expect(mismatch.status == 2 && mismatch.stderr.contains("the SAE has d_in = 3 but the data in \(wide) have m = 4"))
    let both = try LabExecutable.run(["check", "--data", x, "--sae", sae, "--dictionary", x, "--lambda", "0.05"])
    #expect(both.status == 2 && both.stderr.contains("Give exactly one of '--dictionary' and '--sae'."))
  }

  /// The hierarchy world with signs: dog and cat alternate in sign, labrador fires only with dog and
  /// with dog's sign (a signed child, which fails the zonotope pair condition, THEORY §4.6).
  static func signedHierarchyData() -> Matrix<Double> {
    var codes = hierarchyData()
    for n in 0..<codes.rows where n % 2 == 1 { codes.setRow(n, to: codes.row(n).map { -$0 }) }
    return codes
  }

  /// Exclusive features on orthonormal atoms, each value paired with its negative: with b = 0 and the
  /// exact signed codes (soft thresholds) every residual sum vanishes, so (K1±)–(K3) hold exactly.
  static func signedExclusiveData() -> Matrix<Double> {
    var codes = Matrix<Double>(rows: 60, columns: 3)
    for n in 0..<60 where (n / 2) % 5 != 0 { codes[n, (n / 2) % 3] = (n % 2 == 0 ? 1 : -1) * (0.5 + Double((n / 2 * 37) % 100) / 100) }
    return codes
  }

  @Test("--signed: a signed hierarchy gets descent-found with a confirmed descent and the zonotope pair labrador → dog failing")
  func signedDescent() throws {
    let directory = try Scratch.directory()
    let x = try Self.write(Self.signedHierarchyData(), "X.npy", in: directory)
    let d = try Self.write(.identity(3), "D.npy", in: directory)
    let b = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: [0, 0, 0], as: .float64).encoded.write(to: URL(fileURLWithPath: b))
    let json = directory.appendingPathComponent("check.json").path
    let report = directory.appendingPathComponent("check.md").path
    let result = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05", "--signed",
                                          "--json-out", json, "--report", report, "--full"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("\"signed\":true") && result.stdout.contains("\"verdict\":\"descent-found\""))
    let record = try Self.json(json)
    for key in ["lambda", "bias", "kkt", "pairs", "stars", "lpK", "lpR", "cert", "descent", "newAtom", "verdict", "signed"] {
      #expect(record[key] != nil, "the JSON contract needs '\(key)'")
    }
    #expect((record["signed"] as! Bool) && (record["codes"] as! String) == "exact-lasso")
    let pairs = record["pairs"] as! [[String: Any]]
    #expect(pairs.count == 6 && pairs.allSatisfy { $0["hullLow"] == nil && $0["zonotopeExcess"] is Double })
    let labToDog = pairs.first { ($0["i"] as! Int) == 1 && ($0["j"] as! Int) == 0 }!
    #expect((labToDog["pass"] as! Bool) == false && (labToDog["zonotopeExcess"] as! Double) > 0)
    let descent = record["descent"] as! [String: Any]
    #expect((descent["found"] as! Bool) && (descent["outcome"] as! String) == "confirmed")
    #expect((record["cert"] as! [String: Any])["dualityHolds"] as! Bool)
    let markdown = try String(contentsOf: URL(fileURLWithPath: report), encoding: .utf8)
    #expect(markdown.contains("signed (P±_λ, docs/theory-guide.md §6)") && markdown.contains("codes Z + tW: **confirmed**") && !markdown.contains("![Pair figure]"))
  }

  @Test("--signed: a sign-symmetric exclusive world is stationary, with exact or given signed codes; negative codes need --signed")
  func signedStationary() throws {
    let directory = try Scratch.directory()
    let data = Self.signedExclusiveData()
    let x = try Self.write(data, "X.npy", in: directory)
    let d = try Self.write(.identity(3), "D.npy", in: directory)
    let b = directory.appendingPathComponent("b.npy").path
    try NumPyArray(vector: [0, 0, 0], as: .float64).encoded.write(to: URL(fileURLWithPath: b))
    var soft = data
    soft.storage = data.storage.map { $0 > 0.05 ? $0 - 0.05 : ($0 < -0.05 ? $0 + 0.05 : 0) }
    let z = try Self.write(soft, "Z.npy", in: directory)
    for codes in [[], ["--codes", z]] {
      let json = directory.appendingPathComponent("check\(codes.count).json").path
      let result = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05", "--signed",
                                            "--json-out", json] + codes)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let record = try Self.json(json)
      #expect((record["signed"] as! Bool) && (record["verdict"] as! String) == "stationary", "LP-K \(record["lpK"] ?? "–")")
      #expect((record["pairs"] as! [[String: Any]]).allSatisfy { ($0["pass"] as! Bool) })
      #expect((record["stars"] as! [[String: Any]]).allSatisfy { ($0["pass"] as! Bool) })
      #expect(((record["descent"] as! [String: Any])["found"] as! Bool) == false)
      #expect((record["cert"] as! [String: Any])["dualityHolds"] as! Bool)
    }
    let unsigned = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--bias", b, "--lambda", "0.05", "--codes", z])
    #expect(unsigned.status == 2 && unsigned.stderr.contains("\(z): element at row 3, column 1 is -0.82") && unsigned.stderr.contains("pass --signed"),
            "stderr: \(unsigned.stderr)")
    let plain = directory.appendingPathComponent("plain.json").path
    #expect(try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--json-out", plain]).status == 0)
    #expect((try Self.json(plain)["signed"] as! Bool) == false)
    let sae = try LabExecutable.run(["check", "--data", x, "--sae", directory.path, "--lambda", "0.05", "--signed"])
    #expect(sae.status == 2 && sae.stderr.contains("'--signed' needs '--dictionary'"))
  }

  @Test("--json prints the full record on stdout, the bytes --json-out writes; the old '--json PATH' still writes the file, with a note")
  func jsonFlagAndFile() throws {
    let directory = try Scratch.directory()
    let x = try Self.write(Self.hierarchyData(), "X.npy", in: directory)
    let d = try Self.write(.identity(3), "D.npy", in: directory)
    let file = directory.appendingPathComponent("check.json").path, old = directory.appendingPathComponent("old.json").path
    let common = ["check", "--data", x, "--dictionary", d, "--lambda", "0.05"]
    let printed = try LabExecutable.run(common + ["--json", "--json-out", file])
    #expect(printed.status == 0, "\(printed.stderr)")
    #expect(Data(printed.stdout.utf8) == (try Data(contentsOf: URL(fileURLWithPath: file))))
    let summary = try LabExecutable.run(common)
    #expect(summary.stdout.hasPrefix("{\"") && summary.stdout.split(separator: "\n").count == 1 && summary.stdout != printed.stdout)
    let deprecated = try LabExecutable.run(common + ["--json", old])
    #expect(deprecated.status == 0 && deprecated.stdout == summary.stdout)
    #expect(deprecated.stderr.contains("'lab check --json' is deprecated") && deprecated.stderr.contains("use '--json-out'"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: old)) == Data(contentsOf: URL(fileURLWithPath: file)))
  }
}
