import Foundation
import Testing
import LabTestSupport

/// End-to-end tests of `lab encode` on small `.npy` files.
@Suite("lab encode", .serialized)
struct EncodeCommandTests {
  /// A `.npy` version 1.0 file (little-endian, C order), written here byte by byte so that the test
  /// does not depend on the reader it checks.
  static func npy(_ values: [Double], shape: [Int], float32: Bool = false) -> Data {
    let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(float32 ? "<f4" : "<f8")', 'fortran_order': False, 'shape': \(dims), }"
    header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
    data.append(contentsOf: Array(header.utf8))
    for value in values {
      if float32 {
        withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { data.append(contentsOf: $0) }
      } else {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
      }
    }
    return data
  }

  /// A directory with X (N = 300 > one BLAS block of 256, m = 4), D (K = 6 unit atoms) and b.
  static func fixture() throws -> URL {
    let directory = try Scratch.directory()
    let atoms: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0.6, 0.8, 0, 0], [0, 0, 0.8, -0.6]]
    let samples = (0..<1200).map { index in sin(Double(index) * 0.7) + 0.5 * cos(Double(index * index % 97)) }
    try npy(atoms.flatMap { $0 }, shape: [6, 4]).write(to: directory.appendingPathComponent("D.npy"))
    try npy(samples, shape: [300, 4], float32: true).write(to: directory.appendingPathComponent("X.npy"))
    try npy([0.1, -0.2, 0, 0.05], shape: [4]).write(to: directory.appendingPathComponent("b.npy"))
    return directory
  }

  static func encode(_ directory: URL, _ extra: [String], out: String = "Z.npy") throws -> LabExecutable.Run {
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    return try LabExecutable.run(["encode", "--data", path("X.npy"), "--dictionary", path("D.npy"), "--codes-out", path(out)] + extra)
  }

  @Test("Codes with bias: exit 0, one JSON line with the figures, a float64 N × K file; the same bytes for 1 and 2 threads")
  func encodes() throws {
    let directory = try Self.fixture()
    let bias = directory.appendingPathComponent("b.npy").path
    let one = try Self.encode(directory, ["--bias", bias, "--lambda", "0.1", "--threads", "1"], out: "Z1.npy")
    #expect(one.status == 0, "stderr: \(one.stderr)")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
    #expect(summary["pointsPerSecond"] is Double && summary["objective"] is Double && summary["meanL0"] is Double)
    let seconds = try #require(summary["seconds"] as? Double), verification = try #require(summary["verificationSeconds"] as? Double)
    #expect(seconds > 0 && verification > 0)
    let kkt = try #require(summary["maxKKTViolation"] as? Double)
    #expect(kkt <= 1e-12)
    #expect(summary["inputType"] as? String == "float32")
    let two = try Self.encode(directory, ["--bias", bias, "--lambda", "0.1", "--threads", "2"], out: "Z2.npy")
    #expect(two.status == 0)
    let first = try Data(contentsOf: directory.appendingPathComponent("Z1.npy"))
    #expect(first == (try Data(contentsOf: directory.appendingPathComponent("Z2.npy"))))
    #expect(String(decoding: first.prefix(128), as: UTF8.self).contains("'descr': '<f8', 'fortran_order': False, 'shape': (300, 6), }"))
    #expect(first.count == 128 + 300 * 6 * 8)
  }

  @Test("Signed codes by every method exit 0; OMP without --signed is refused with exit 2")
  func methods() throws {
    let directory = try Self.fixture()
    for method in ["active-set", "cd", "fista", "threshold", "exact-l1"] {
      let result = try Self.encode(directory, ["--lambda", "0.05", "--signed", "--method", method])
      #expect(result.status == 0, "\(method): \(result.stderr)")
    }
    for method in ["omp", "topk"] {
      let result = try Self.encode(directory, ["--lambda", "0.05", "--signed", "--method", method, "--k", "2"])
      #expect(result.status == 0, "\(method): \(result.stderr)")
    }
    let refused = try Self.encode(directory, ["--lambda", "0.05", "--method", "omp", "--k", "2"], out: "omp.npy")
    #expect(refused.status == 2 && refused.stderr.contains("Non-negative codes are not supported by the 'omp' encoder"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("omp.npy").path))
  }

  @Test("Bad input exits with 2, names the file, field and value, and writes nothing")
  func badInput() throws {
    let directory = try Self.fixture()
    let write = { (name: String, data: Data) in try data.write(to: directory.appendingPathComponent(name)) }
    try write("Dshape.npy", Self.npy([1, 0, 0, 0, 1, 0], shape: [2, 3]))
    try write("Dnorm.npy", Self.npy([1, 0, 0, 0, 0, 1.01, 0, 0], shape: [2, 4]))
    try write("Xnan.npy", Self.npy([1, 2, .nan, 4], shape: [1, 4]))
    try write("b3.npy", Self.npy([0, 0, 0], shape: [3]))
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    let cases: [(arguments: [String], message: String)] = [
      (["--lambda", "0"], "'--lambda' must be a finite number > 0, got 0.0."),
      (["--lambda", "-1"], "'--lambda' must be a finite number > 0, got -1.0."),
      (["--lambda", "0.1", "--method", "lars"], "The value 'lars' is invalid for '--method <name>'. Please provide one of the following: - active-set - cd - fista - omp - topk - threshold - exact-l1"),
      (["--lambda", "0.1", "--bias", path("missing.npy")], "\(path("missing.npy")): no such file"),
      (["--lambda", "0.1", "--bias", path("b3.npy")], "\(path("b3.npy")): the bias b (m) has length 3 but the data X in \(path("X.npy")) has m = 4 columns"),
    ]
    for (arguments, message) in cases {
      let result = try Self.encode(directory, arguments)
      #expect(result.status == 2 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
    let swapped: [(data: String, dictionary: String, message: String)] = [
      ("X.npy", "Dshape.npy", "\(path("Dshape.npy")): the dictionary D (K × m) has shape (2, 3) but the data X in \(path("X.npy")) has m = 4 columns"),
      ("X.npy", "Dnorm.npy", "\(path("Dnorm.npy")): atom 1 (row 1) has norm 1.01; atoms must have unit norm within 1e-06"),
      ("Xnan.npy", "D.npy", "\(path("Xnan.npy")): element at row 0, column 2 is nan; every element must be finite"),
    ]
    for (data, dictionary, message) in swapped {
      let result = try LabExecutable.run(["encode", "--data", path(data), "--dictionary", path(dictionary), "--lambda", "0.1", "--codes-out", path("Z.npy")])
      #expect(result.status == 2 && result.stderr.contains(message), "\(data), \(dictionary): \(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: path("Z.npy")))
  }

  @Test("bench encode without peers reports the lab's figures for each thread count, and says when peers are unavailable")
  func benchWithoutPeers() throws {
    let directory = try Self.fixture()
    let manager = FileManager.default
    try manager.copyItem(at: directory.appendingPathComponent("X.npy"), to: directory.appendingPathComponent("independent_X.npy"))
    try manager.copyItem(at: directory.appendingPathComponent("D.npy"), to: directory.appendingPathComponent("independent_D.npy"))
    let result = try LabExecutable.run(["bench", "encode", "--data-dir", directory.path, "--samples", "40", "--repeats", "1", "--thread-counts", "1,2",
                                          "--python", directory.appendingPathComponent("no-python").path])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("scikit-learn is not importable"))
    let last = try #require(result.stdout.split(separator: "\n").last)
    let record = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    let runs = try #require(record["runs"] as? [[String: Any]])
    #expect(runs.map { $0["threads"] as? Int } == [1, 2])
    #expect(runs.allSatisfy { ($0["points"] as? Int) == 40 && ($0["maxKKTViolation"] as? Double ?? 1) <= 1e-12 && $0["peers"] == nil })
  }

  @Test("The old '--out Z.npy' still writes the codes, with a deprecation note naming --codes-out")
  func deprecatedOut() throws {
    let directory = try Self.fixture()
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    let new = try Self.encode(directory, ["--lambda", "0.1"], out: "new.npy")
    let old = try LabExecutable.run(["encode", "--data", path("X.npy"), "--dictionary", path("D.npy"), "--lambda", "0.1", "--out", path("old.npy")])
    #expect(new.status == 0 && old.status == 0, "\(old.stderr)")
    #expect(old.stderr.contains("'lab encode --out' is deprecated") && old.stderr.contains("use '--codes-out'"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: path("old.npy"))) == Data(contentsOf: URL(fileURLWithPath: path("new.npy"))))
  }
}
