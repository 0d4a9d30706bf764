import Foundation
import LabFormats
import LabNumerics

/// Helpers shared by the benchmark commands.
enum BenchSupport {
  /// The project's peer benchmarks, `scripts/bench/` of the package this binary was built from,
  /// so a clone's own scripts run, not a copy elsewhere.
  static let peerScripts = packageRoot.appendingPathComponent("scripts/bench")

  /// The root of the package this binary was built from (found from this source file's path).
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The path of the peer script `name`.
  static func peerScript(_ name: String) -> String { peerScripts.appendingPathComponent(name).path }

  /// How to make the benchmark data, for error messages.
  static let dataHint = "generate the data with: /tmp/benchenv/bin/python \(peerScript("bench_data.py")) --out DIR"

  /// A float matrix from `directory/name`, or exit 2 naming the file.
  static func matrix(_ directory: String, _ name: String, role: String) throws -> Matrix<Double> {
    let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
    do { return try NumPyArray(contentsOf: path).matrix(path: path, role: role) } catch {
      throw BadInput.fail("\(error) (\(dataHint))")
    }
  }

  /// Rows `range` of `matrix`.
  static func rows(_ matrix: Matrix<Double>, _ range: Range<Int>) -> Matrix<Double> {
    let m = matrix.columns
    return Matrix(rows: range.count, columns: m, storage: Array(matrix.storage[(range.lowerBound * m)..<(range.upperBound * m)]))
  }

  /// Mean over the true atoms of the largest (signed) cosine to a learned atom, as the peers' `mmcs`.
  static func meanMaxCosine(truth: Matrix<Double>, learned: Matrix<Double>) -> Double {
    let t = unitRows(truth), l = unitRows(learned)
    let cosines = t.multiplied(by: l, transposingOther: true)
    let best = (0..<cosines.rows).map { cosines.row($0).max() ?? -1 }
    return best.reduce(0, +) / Double(best.count)
  }

  /// Peak resident set size of this process so far, in MiB (`getrusage`, kilobytes on Linux).
  static var peakResidentMegabytes: Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
  }

  /// Seconds taken by `body`, with its result.
  static func timed<T>(_ body: () throws -> T) rethrows -> (seconds: Double, value: T) {
    let clock = ContinuousClock()
    var value: T?
    let duration = try clock.measure { value = try body() }
    return (seconds(duration), value!)
  }

  /// The median of repeated timings, the upper middle one of an even count (the benchmarks' figure).
  static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

  /// A duration in seconds.
  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }

  private static func unitRows(_ matrix: Matrix<Double>) -> Matrix<Double> {
    var result = matrix
    for k in 0..<matrix.rows {
      let row = matrix.row(k)
      let norm = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
      result.setRow(k, to: row.map { $0 / norm })
    }
    return result
  }
}
