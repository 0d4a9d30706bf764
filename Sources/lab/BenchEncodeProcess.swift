import Foundation
import LabFormats
import LabNumerics

/// `lab encode` timed as users run it, for `lab bench encode --whole-process`: a separate process
/// of this executable, from launch to exit (reading the files, coding, the verification pass, the
/// JSON line and writing the codes), on the first N points written to a scratch file in their stored
/// precision.
struct EncodeProcessTiming {
  /// The executable of `lab` (this process's own).
  var executable: String
  /// The arguments of `lab encode` after the command name.
  var arguments: [String]

  /// One run: its wall seconds, the coding loop's and the verification's seconds it reported
  /// (`seconds` and `verificationSeconds` of its JSON line) and its mean objective.
  struct Run {
    var wallSeconds: Double
    var loopSeconds: Double
    var verificationSeconds: Double
    var objective: Double
  }

  /// Writes the first `rows` rows of `data` (in their stored precision) into `directory` and
  /// prepares the `lab encode` arguments that code them with `dictionary`, λ and `threads`,
  /// writing the codes into the same directory (Z.npy dense or Z.npz sparse).
  static func prepare(data: String, rows: Int, dictionary: String, lambda: Double, threads: Int, method: String, codes: CodesFormat,
                      directory: String) throws -> EncodeProcessTiming {
    let array = try NumPyArray(contentsOf: data)
    let columns = array.shape.count == 2 ? array.shape[1] : 1
    let kept = min(rows, array.shape.first ?? 0)
    let head = NumPyArray(shape: [kept, columns], elementType: array.elementType, values: Array(array.values[0..<(kept * columns)]))
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let input = "\(directory)/X-\(kept).npy"
    try head.encoded.write(to: URL(fileURLWithPath: input))
    return EncodeProcessTiming(
      executable: selfExecutable,
      arguments: ["--data", input, "--dictionary", dictionary, "--lambda", "\(lambda)", "--threads", "\(threads)", "--method", method,
                  "--codes-out", "\(directory)/Z.\(codes.rawValue)", "--quiet"])
  }

  /// This process's executable (`/proc/self/exe`), else the path it was started with.
  static var selfExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }

  /// Runs `lab encode` once and times it, from the spawn to its exit (``ChildProcess``).
  func run() throws -> Run {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-encode-\(UUID().uuidString)").path
    defer {
      try? FileManager.default.removeItem(atPath: output + ".out")
      try? FileManager.default.removeItem(atPath: output + ".err")
    }
    let child = try ChildProcess.run(executable, ["encode"] + arguments, standardOutput: .file(output + ".out"), standardError: .file(output + ".err"))
    guard child.status == 0 else {
      let stderr = (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? ""
      throw PeerBenchmark.PeerError(message: "lab encode exited with status \(child.status): \(stderr.suffix(600))")
    }
    let stdout = (try? String(contentsOfFile: output + ".out", encoding: .utf8)) ?? ""
    guard let line = stdout.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
      let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
      let loop = record["seconds"] as? Double, let verification = record["verificationSeconds"] as? Double,
      let objective = record["objective"] as? Double
    else { throw PeerBenchmark.PeerError(message: "lab encode printed no JSON line with 'seconds', 'verificationSeconds' and 'objective'") }
    return Run(wallSeconds: child.wallSeconds, loopSeconds: loop, verificationSeconds: verification, objective: objective)
  }
}
