import Dispatch
import LabNumerics

/// Exact nonnegative lasso codes (``NonnegativeLasso``) for many points, in chunks of rows so that
/// no intermediate is larger than the `N × K` answer, with the points of a chunk shared among
/// `threads` workers. Each point is solved on its own, so the answer does not depend on the
/// thread count or the chunk size.
public enum ExactCodes {
  /// Codes (`N × K`) for every row of `samples` (`N × m`) after subtracting `bias`.
  public static func codes(for samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, lambda: Double,
                           threads: Int = 1, chunkRows: Int = 4096) -> Matrix<Double> {
    precondition(threads >= 1 && chunkRows >= 1, "Exact codes need threads ≥ 1 and chunkRows ≥ 1, got \(threads), \(chunkRows).")
    let lasso = NonnegativeLasso(dictionary: dictionary, lambda: lambda)
    let n = samples.rows, k = dictionary.rows, m = samples.columns
    var result = [Double](repeating: 0, count: n * k)
    var start = 0
    while start < n {
      let count = min(chunkRows, n - start)
      let chunk = Matrix(rows: count, columns: m, storage: Array(samples.storage[(start * m)..<((start + count) * m)]))
      let correlations = SparseCodingProblem.subtractingBias(bias, from: chunk)
        .multiplied(by: dictionary, transposingOther: true).storage
      let offset = start * k
      result.withUnsafeMutableBufferPointer { buffer in
        let output = DisjointRows(base: buffer.baseAddress!)
        let workers = min(threads, count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          var row = worker
          while row < count {
            let code = lasso.solve(correlations: Array(correlations[(row * k)..<((row + 1) * k)]))
            for j in 0..<k { output.base[offset + row * k + j] = code[j] }
            row += workers
          }
        }
      }
      start += count
    }
    return Matrix(rows: n, columns: k, storage: result)
  }
}

/// An output buffer shared by parallel workers; each worker writes only its own rows.
struct DisjointRows: @unchecked Sendable {
  let base: UnsafeMutablePointer<Double>
}
