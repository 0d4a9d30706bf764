import LabNumerics

/// Exact lasso codes for many points, nonnegative or signed: the Gram-based active-set ``SparseEncoder``
/// (the same exact solution as ``NonnegativeLasso``, which it uses itself for degenerate points;
/// signed codes are the nonnegative ones over the doubled atoms [D; −D]),
/// in chunks of rows so that no intermediate is larger than the `N × K` answer. Each point is solved
/// on its own, so the answer does not depend on the thread count or the chunk size.
public enum ExactCodes {
  /// Codes (`N × K`) for every row of `samples` (`N × m`) after subtracting `bias`; `blockSize` as
  /// in ``SparseEncoder/encode(_:bias:blockSize:)``.
  public static func codes(for samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, lambda: Double,
                           constraint: CodeConstraint = .nonnegative, threads: Int = 1, chunkRows: Int = 4096,
                           blockSize: Int = SparseEncoder.blockSize) -> Matrix<Double> {
    Solver(dictionary: dictionary, lambda: lambda, constraint: constraint, threads: threads, chunkRows: chunkRows, blockSize: blockSize)
      .codes(for: samples, bias: bias)
  }

  /// As ``codes(for:dictionary:bias:lambda:constraint:threads:chunkRows:blockSize:)``, or nil once
  /// `deadline` has passed (asked before every chunk of `chunkRows` points).
  public static func codes(for samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, lambda: Double,
                           constraint: CodeConstraint = .nonnegative, threads: Int = 1, chunkRows: Int = 4096,
                           deadline: LearningDeadline?) -> Matrix<Double>? {
    Solver(dictionary: dictionary, lambda: lambda, constraint: constraint, threads: threads, chunkRows: chunkRows)
      .codes(for: samples, bias: bias, deadline: deadline)
  }

  /// Exact codes against one dictionary for any number of batches: the encoder and its Gram matrix
  /// (K² numbers, the largest cost at K = 16,384) are built once.
  public struct Solver: Sendable {
    let dictionary: Matrix<Double>
    let lambda: Double
    let constraint: CodeConstraint
    let chunkRows: Int
    let blockSize: Int
    let encoder: SparseEncoder?

    /// A solver for `dictionary` at `lambda`; arguments as in ``ExactCodes/codes(for:dictionary:bias:lambda:constraint:threads:chunkRows:blockSize:)``.
    public init(dictionary: Matrix<Double>, lambda: Double, constraint: CodeConstraint = .nonnegative, threads: Int = 1,
                chunkRows: Int = 4096, blockSize: Int = SparseEncoder.blockSize) {
      precondition(threads >= 1 && chunkRows >= 1, "Exact codes need threads ≥ 1 and chunkRows ≥ 1, got \(threads), \(chunkRows).")
      self.dictionary = dictionary
      self.lambda = lambda
      self.constraint = constraint
      self.chunkRows = chunkRows
      self.blockSize = blockSize
      let configuration = try? SparseEncoder.Configuration(method: .activeSet, lambda: lambda, constraint: constraint, threads: threads)
      encoder = configuration.flatMap { try? SparseEncoder(dictionary: dictionary, configuration: $0) }
    }

    /// Codes (`N × K`) for every row of `samples` after subtracting `bias`.
    public func codes(for samples: Matrix<Double>, bias: [Double]?) -> Matrix<Double> {
      codes(for: samples, bias: bias, deadline: nil)!
    }

    /// As ``codes(for:bias:)``, or nil once `deadline` has passed: it is asked before every chunk of
    /// `chunkRows` points, so a learner's exact-codes check stops within one chunk of its deadline.
    public func codes(for samples: Matrix<Double>, bias: [Double]?, deadline: LearningDeadline?) -> Matrix<Double>? {
      let n = samples.rows, k = dictionary.rows, m = samples.columns
      var result: [Double] = []
      result.reserveCapacity(n * k)
      var start = 0
      while start < n {
        if let deadline, deadline.hasPassed { return nil }
        let count = min(chunkRows, n - start)
        let chunk = count == n ? samples : Matrix(rows: count, columns: m, storage: Array(samples.storage[(start * m)..<((start + count) * m)]))
        let codes = (try? encoder?.encode(chunk, bias: bias, blockSize: blockSize).codes)
          ?? ExactCodes.reference(chunk, dictionary: dictionary, bias: bias, lambda: lambda, constraint: constraint)
        result.append(contentsOf: codes.storage)
        start += count
      }
      return Matrix(rows: n, columns: k, storage: result)
    }
  }

  /// ``NonnegativeLasso`` codes, over [D; −D] with z = z⁺ − z⁻ for signed codes.
  fileprivate static func reference(_ samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, lambda: Double,
                                constraint: CodeConstraint) -> Matrix<Double> {
    guard constraint == .signed else { return NonnegativeLasso(dictionary: dictionary, lambda: lambda).codes(for: samples, bias: bias) }
    let k = dictionary.rows
    let doubled = Matrix(rows: 2 * k, columns: dictionary.columns, storage: dictionary.storage + dictionary.storage.map { -$0 })
    let split = NonnegativeLasso(dictionary: doubled, lambda: lambda).codes(for: samples, bias: bias)
    var codes = Matrix<Double>(rows: samples.rows, columns: k)
    for n in 0..<samples.rows { for a in 0..<k { codes[n, a] = split[n, a] - split[n, k + a] } }
    return codes
  }
}
