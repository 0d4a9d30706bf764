import Foundation
import LabFormats
import LabNumerics

/// `lab encode` timed as users run it, for `lab bench encode --whole-process`: a separate process
/// of this executable, from launch to exit (reading the files, coding, the verification pass, the
/// JSON line and writing Z.npy), on the first N points written to a scratch file in their stored
/// precision.
struct EncodeProcessTiming {
  /// The executable of `lab` (this process's own).
  var executable: String
  /// The arguments of `lab encode` after the command name.
  var arguments: [String]

  /// One run: its wall seconds, the coding loop's seconds it reported (`seconds` of its JSON
  /// line) and its mean objective.
  struct Run {
    var wallSeconds: Double
    var loopSeconds: Double
    var objective: Double
  }

  /// Writes the first `rows` rows of `data` (in their stored precision) into `directory` and
  /// prepares the `lab encode` arguments that code them with `dictionary`, λ and `threads`,
  /// writing dense codes into the same directory.
  static func prepare(data: String, rows: Int, dictionary: String, lambda: Double, threads: Int, method: String,
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
                  "--codes-out", "\(directory)/Z.npy", "--quiet"])
  }

  /// This process's executable (`/proc/self/exe`), else the path it was started with.
  static var selfExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }

  /// Runs `lab encode` once and times it.
  func run() throws -> Run {
    let started = DispatchTime.now().uptimeNanoseconds
    let result = try PeerBenchmark.run(executable, ["encode"] + arguments)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    guard result.status == 0 else {
      throw PeerBenchmark.PeerError(message: "lab encode exited with status \(result.status): \(result.stderr.suffix(600))")
    }
    guard let line = result.stdout.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
      let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
      let loop = record["seconds"] as? Double, let objective = record["objective"] as? Double
    else { throw PeerBenchmark.PeerError(message: "lab encode printed no JSON line with 'seconds' and 'objective'") }
    return Run(wallSeconds: wall, loopSeconds: loop, objective: objective)
  }
}
