import Foundation
import Testing
import LabTestSupport

/// End-to-end tests of `lab learn` on a small `.npy` data file.
@Suite("lab learn", .serialized)
struct LearnCommandTests {
  /// A directory with X (N = 300, m = 4): nonnegative sparse combinations of five fixed directions
  /// plus an offset, so that every learner has something to find and a bias something to fit.
  static func fixture() throws -> URL {
    let directory = try Scratch.directory()
    let atoms: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0.5, 0.5, 0.5, 0.5]]
    var samples: [Double] = []
    for n in 0..<300 {
      var point = [0.2, -0.1, 0.05, 0.1]
      for (k, atom) in atoms.enumerated() where (n * 7 + k * 3) % 5 < 2 {
        let magnitude = 0.5 + abs(sin(Double(n * 5 + k)))
        for i in 0..<4 { point[i] += magnitude * atom[i] }
      }
      samples += point
    }
    try EncodeCommandTests.npy(samples, shape: [300, 4]).write(to: directory.appendingPathComponent("X.npy"))
    return directory
  }

  static func learn(_ directory: URL, out: String, _ extra: [String]) throws -> LabExecutable.Run {
    try LabExecutable.run(["learn", "--data", directory.appendingPathComponent("X.npy").path, "--atoms", "5",
                             "--lambda", "0.05", "--out", directory.appendingPathComponent(out).path] + extra)
  }

  static func summary(_ directory: URL, _ out: String) throws -> [String: Any] {
    let data = try Data(contentsOf: directory.appendingPathComponent(out).appendingPathComponent("summary.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// A run with a user budget exits 0 when certified and 1, with a note on standard error, when not.
  static func expectBudgetStatus(_ run: LabExecutable.Run) throws {
    let line = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let certified = try #require(line["certified"] as? Bool)
    #expect(run.status == (certified ? 0 : 1), "stderr: \(run.stderr)")
    #expect(certified || run.stderr.contains("lab learn: not certified: the --epochs budget stopped the run first"), "stderr: \(run.stderr)")
  }

  @Test("Every method writes dictionary (K × m), codes (N × K) and a summary with history, KKT, termination and the certificate",
        arguments: ["online", "block", "mod"])
  func learns(method: String) throws {
    let directory = try Self.fixture()
    let run = try Self.learn(directory, out: "fit", ["--method", method, "--epochs", "5"])
    try Self.expectBudgetStatus(run)
    let line = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    #expect(line["termination"] is String)
    let fit = directory.appendingPathComponent("fit")
    let dictionary = try Data(contentsOf: fit.appendingPathComponent("dictionary.npy"))
    #expect(String(decoding: dictionary.prefix(128), as: UTF8.self).contains("'shape': (5, 4), }"))
    let codes = try Data(contentsOf: fit.appendingPathComponent("codes.npy"))
    #expect(String(decoding: codes.prefix(128), as: UTF8.self).contains("'shape': (300, 5), }"))
    #expect(!FileManager.default.fileExists(atPath: fit.appendingPathComponent("bias.npy").path))
    let summary = try Self.summary(directory, "fit")
    let history = try #require(summary["objectiveHistory"] as? [Double])
    #expect(!history.isEmpty && history.allSatisfy(\.isFinite))
    let kkt = try #require(summary["kkt"] as? [String: Double])
    #expect(kkt["K1"] != nil && kkt["K2"] != nil && kkt["maximum"] != nil)
    #expect(["converged", "stalled", "iteration-limit", "time-limit"].contains(summary["termination"] as? String ?? ""))
    #expect(summary["method"] as? String == method && summary["bias"] as? Bool == false)
  }

  @Test("Without a budget the online learner ends certified (block polishing): exit 0, certified true, verdict stationary; --epochs 1 stops it first: exit 1, a note on standard error, the result written")
  func certifiedByDefault() throws {
    let directory = try Self.fixture()
    let run = try Self.learn(directory, out: "fit", ["--bias"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let summary = try Self.summary(directory, "fit")
    #expect(summary["certified"] as? Bool == true && summary["verdict"] as? String == "stationary", "\(summary["kktRelative"] ?? "?")")
    #expect((summary["skipped"] as? [Any])?.isEmpty == true)
    #expect(try #require(summary["kktRelative"] as? Double) <= 1e-6 && summary["polishing"] is [String: Any])
    let stopped = try Self.learn(directory, out: "short", ["--bias", "--epochs", "1"])
    #expect(stopped.status == 1 && stopped.stderr.contains("lab learn: not certified: the --epochs budget stopped the run first"),
            "status \(stopped.status), stderr: \(stopped.stderr)")
    #expect(try Self.summary(directory, "short")["certified"] as? Bool == false)
  }

  @Test("A --time-limit that has passed before the first sweep ends stops block, MOD and the polished online run at once: exit 1, one line naming the budget on standard error, the result written, certified false, the verdict skipped and listed as such",
        arguments: ["block", "mod", "online"])
  func timeLimitStopsInsideTheFirstIteration(method: String) throws {
    let directory = try Self.fixture()
    let run = try Self.learn(directory, out: "fit", ["--method", method, "--bias", "--time-limit", "1e-9"])
    #expect(run.status == 1 && run.stderr.hasPrefix("lab learn: not certified: the --time-limit budget stopped the run first"),
            "status \(run.status), stderr: \(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("the verdict was skipped"), "stderr: \(run.stderr)")
    let summary = try Self.summary(directory, "fit")
    #expect(summary["certified"] as? Bool == false && summary["termination"] as? String == "time-limit")
    #expect(summary["verdict"] is NSNull, "\(summary["verdict"] ?? "?")")
    let skipped = try #require(summary["skipped"] as? [[String: String]])
    #expect(skipped.map { $0["part"] } == ["verdict"] && skipped[0]["reason"]?.contains("--time-limit") == true)
    // Stopped inside the first iteration: the full-batch learners never finished one.
    if method != "online" { #expect(summary["iterations"] as? Int ?? -1 <= 1, "\(summary["iterations"] ?? "?")") }
    let history = try #require(summary["objectiveHistory"] as? [Double])
    #expect(!history.isEmpty && history.allSatisfy(\.isFinite))
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("fit/dictionary.npy").path))
  }

  @Test("A short --time-limit on a problem far larger than it allows (N = 3,000, m = 8, K = 48, block) stops the run: exit 1, one line on standard error, time-limit, the result written with codes for the dictionary written")
  func shortTimeLimitOnALargerProblem() throws {
    let directory = try Scratch.directory()
    var samples: [Double] = []
    for n in 0..<3_000 {
      samples += (0..<8).map { i in max(0, sin(Double(n * 13 + i * 7)) + 0.6 * sin(Double(n * (i + 2)))) }
    }
    try EncodeCommandTests.npy(samples, shape: [3_000, 8]).write(to: directory.appendingPathComponent("X.npy"))
    // The default block run is 1,000 sweeps over 48 atoms and 3,000 points: far more than 0.3 s on any machine.
    let run = try LabExecutable.run(["learn", "--data", directory.appendingPathComponent("X.npy").path, "--atoms", "48",
                                     "--lambda", "0.1", "--method", "block", "--time-limit", "0.3",
                                     "--out", directory.appendingPathComponent("fit").path])
    #expect(run.status == 1 && run.stderr.split(separator: "\n").count == 1, "status \(run.status), stderr: \(run.stderr)")
    #expect(run.stderr.hasPrefix("lab learn: not certified: the --time-limit budget stopped the run first"), "stderr: \(run.stderr)")
    let summary = try Self.summary(directory, "fit")
    #expect(summary["termination"] as? String == "time-limit" && summary["certified"] as? Bool == false)
    #expect((summary["kkt"] as? [String: Double])?["K1"].map { $0 <= 1e-9 } == true, "the codes written are not exact for the dictionary written")
    let codes = try Data(contentsOf: directory.appendingPathComponent("fit/codes.npy"))
    #expect(String(decoding: codes.prefix(128), as: UTF8.self).contains("'shape': (3000, 48), }"))
  }

  @Test("With --bias the full-batch learner writes bias.npy and reaches KKT (K1)–(K3) below 1e-6")
  func fitsBias() throws {
    let directory = try Self.fixture()
    let run = try Self.learn(directory, out: "fit", ["--method", "block", "--bias", "--epochs", "2000"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let bias = try Data(contentsOf: directory.appendingPathComponent("fit/bias.npy"))
    #expect(String(decoding: bias.prefix(128), as: UTF8.self).contains("'shape': (4,), }"))
    let summary = try Self.summary(directory, "fit")
    #expect(summary["bias"] as? Bool == true)
    let kkt = try #require(summary["kkt"] as? [String: Double])
    #expect(try #require(kkt["maximum"]) < 1e-6, "KKT \(kkt), termination \(summary["termination"] ?? "?")")
  }

  @Test("The same seed gives the same dictionary bytes, for 1 and 2 threads; another seed a different start")
  func deterministic() throws {
    let directory = try Self.fixture()
    for (out, extra) in [("a", ["--threads", "1"]), ("b", ["--threads", "2"]), ("c", ["--threads", "1", "--seed", "7"])] {
      let run = try Self.learn(directory, out: out, ["--method", "online", "--epochs", "3"] + extra)
      try Self.expectBudgetStatus(run)
    }
    let bytes = { (out: String) in try Data(contentsOf: directory.appendingPathComponent(out).appendingPathComponent("dictionary.npy")) }
    #expect(try bytes("a") == bytes("b"))
    #expect(try bytes("a") != bytes("c"))
  }

  @Test("--init continues from a saved fit: its history starts at the saved state's loss and never ends above it")
  func continues() throws {
    let directory = try Self.fixture()
    try Self.expectBudgetStatus(try Self.learn(directory, out: "first", ["--method", "block", "--epochs", "3"]))
    let saved = try #require(try Self.summary(directory, "first")["objective"] as? Double)
    let run = try Self.learn(directory, out: "second", ["--method", "block", "--epochs", "3",
                                                        "--init", directory.appendingPathComponent("first").path])
    try Self.expectBudgetStatus(run)
    let summary = try Self.summary(directory, "second")
    let history = try #require(summary["objectiveHistory"] as? [Double])
    let objective = try #require(summary["objective"] as? Double)
    #expect(abs(history[0] - saved) <= 1e-9 * saved, "history \(history.prefix(3)), saved \(saved)")
    #expect(objective <= saved * (1 + 1e-12))
  }

  @Test("Bad options and files exit 2 with a message naming them, and write nothing",
        arguments: [(["--method", "lars"], "'--method <method>'"), (["--atoms", "0"], "'--atoms'"), (["--epochs", "0"], "'--epochs'"),
                    (["--lambda=-1"], "'--lambda'"), (["--threads", "0"], "'--threads'"),
                    (["--memory", "0"], "'--memory <batches|peers>'")])
  func rejects(extra: [String], named: String) throws {
    let directory = try Self.fixture()
    let run = try Self.learn(directory, out: "fit", extra)
    #expect(run.status == 2)
    #expect(run.stderr.contains(named), "stderr: \(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("fit").path))
  }

  @Test("A missing data file exits 2 naming the path")
  func missingData() throws {
    let directory = try Scratch.directory()
    let run = try Self.learn(directory, out: "fit", [])
    #expect(run.status == 2)
    #expect(run.stderr.contains("X.npy"), "stderr: \(run.stderr)")
  }

  @Test("--escape reports the measured escape moves, --memory is recorded, and the default run has no escapeMoves field")
  func escapeMoves() throws {
    let directory = try Self.fixture()
    let run = try Self.learn(directory, out: "fit", ["--escape", "--memory", "peers", "--epochs", "2"])
    try Self.expectBudgetStatus(run)
    let summary = try Self.summary(directory, "fit")
    let moves = try #require(summary["escapeMoves"] as? [String: Any])
    let proposed = try #require(moves["proposed"] as? Int), accepted = try #require(moves["accepted"] as? Int)
    #expect(accepted <= proposed && (moves["measuredDecrease"] as? Double ?? -1) >= 0)
    #expect(summary["memory"] as? String == "peers")
    _ = try Self.learn(directory, out: "plain", ["--epochs", "2"])
    let plain = try Self.summary(directory, "plain")
    #expect(plain["escapeMoves"] == nil && plain["memory"] as? String == "20")
  }
}
