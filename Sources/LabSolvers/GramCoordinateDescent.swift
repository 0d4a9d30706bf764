import Dispatch
import LabNumerics

/// Nonnegative lasso codes by cyclic coordinate descent in covariance form, for the mini-batches
/// of online learning, where codes to a tolerance suffice and exact codes (``NonnegativeLasso``)
/// would cost most of the run.
///
/// For one point with correlations c = D(x − b) and G = D·Dᵀ it keeps the negative gradient
/// g = c − λ − Gz and, for k = 1…K in order, sets z_k ← max(z_k + g_k/G_kk, 0), the exact
/// minimiser in z_k, updating g with one row of G. A sweep costs O(K) plus O(K) per changed
/// code, so sparse codes are cheap; between full sweeps only the nonzero codes are swept (as
/// glmnet does). It stops when a full sweep moves no code by more than `tolerance`, or after
/// `maxSweeps` sweeps in all. Every update lowers the objective or leaves it unchanged.
public enum GramCoordinateDescent {
  /// Codes (`n × K`) for every row of `correlations` (`n × K`, row n is D(x_n − b)), from z = 0,
  /// with the rows shared among `threads` workers (the answer does not depend on the thread count).
  public static func codes(correlations: Matrix<Double>, gram: Matrix<Double>, lambda: Double, tolerance: Double,
                           maxSweeps: Int, threads: Int = 1) -> Matrix<Double> {
    let n = correlations.rows, k = correlations.columns
    precondition(gram.rows == k && gram.columns == k && threads >= 1 && maxSweeps >= 1,
                 "Covariance CD shapes: C \(n)×\(k), G \(gram.rows)×\(gram.columns); threads \(threads), sweeps \(maxSweeps).")
    var result = [Double](repeating: 0, count: n * k)
    guard n > 0, k > 0 else { return Matrix(rows: n, columns: k, storage: result) }
    correlations.storage.withUnsafeBufferPointer { c in
      gram.storage.withUnsafeBufferPointer { g in
        result.withUnsafeMutableBufferPointer { buffer in
          let input = SharedRows(correlations: c.baseAddress!, gram: g.baseAddress!, output: buffer.baseAddress!)
          let workers = min(threads, n)
          DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var gradient = [Double](repeating: 0, count: k)
            var active: [Int] = []
            gradient.withUnsafeMutableBufferPointer { gradient in
              var row = worker
              while row < n {
                solve(point: row, atoms: k, rows: input, gradient: gradient.baseAddress!, active: &active,
                      lambda: lambda, tolerance: tolerance, maxSweeps: maxSweeps)
                row += workers
              }
            }
          }
        }
      }
    }
    return Matrix(rows: n, columns: k, storage: result)
  }

  /// One point: full sweeps alternate with sweeps over the nonzero codes until a full sweep moves
  /// no code by more than `tolerance`. During the sweeps over the nonzero codes only their gradient
  /// entries are kept current (O(s) per update for s nonzero codes); the whole gradient is
  /// recomputed from z before the next full sweep.
  private static func solve(point: Int, atoms k: Int, rows: SharedRows, gradient: UnsafeMutablePointer<Double>,
                            active: inout [Int], lambda: Double, tolerance: Double, maxSweeps: Int) {
    let z = rows.output + point * k, c = rows.correlations + point * k, g = rows.gram
    for j in 0..<k { gradient[j] = c[j] - lambda }
    /// Sets z_atom to its exact minimiser; returns the change.
    @inline(__always) func step(_ atom: Int) -> Double {
      let diagonal = g[atom * k + atom]
      guard diagonal > 0 else { return 0 }
      let old = z[atom]
      z[atom] = max(old + gradient[atom] / diagonal, 0)
      return z[atom] - old
    }
    var sweeps = 0
    while sweeps < maxSweeps {
      sweeps += 1
      var largest = 0.0
      for atom in 0..<k {
        let delta = step(atom)
        guard delta != 0 else { continue }
        let row = g + atom * k
        for j in 0..<k { gradient[j] -= delta * row[j] }
        largest = max(largest, abs(delta))
      }
      if largest <= tolerance { return }
      active.removeAll(keepingCapacity: true)
      for atom in 0..<k where z[atom] > 0 { active.append(atom) }
      while sweeps < maxSweeps {
        sweeps += 1
        var moved = 0.0
        for atom in active {
          let delta = step(atom)
          guard delta != 0 else { continue }
          let row = g + atom * k
          for j in active { gradient[j] -= delta * row[j] }
          moved = max(moved, abs(delta))
        }
        if moved <= tolerance { break }
      }
      for j in 0..<k { gradient[j] = c[j] - lambda }
      for atom in active where z[atom] != 0 {
        let row = g + atom * k
        for j in 0..<k { gradient[j] -= z[atom] * row[j] }
      }
    }
  }
}

/// The read-only inputs and the output of ``GramCoordinateDescent`` shared by its workers, each of
/// which writes only its own rows of `output`.
private struct SharedRows: @unchecked Sendable {
  let correlations: UnsafePointer<Double>
  let gram: UnsafePointer<Double>
  let output: UnsafeMutablePointer<Double>
}
