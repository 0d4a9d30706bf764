/// Decompositions and solves through LAPACKE.
///
/// Shapes are checked with preconditions before any call (LAPACKE prints argument errors on stdout),
/// so the leading dimensions passed are the stored row lengths, always at least 1. Inputs containing
/// NaN or infinity throw before LAPACK is called; a nonzero `info` from LAPACK throws a
/// ``LinearAlgebraError`` naming the routine and the `info` value.
extension Matrix {
  /// The lower-triangular Cholesky factor `L` with `self = L · Lᵀ` (`?potrf`).
  ///
  /// Only the lower triangle of `self` is read. Throws when the matrix is not positive definite
  /// (the message names the first leading minor that is not) or is not finite.
  public func cholesky() throws -> Matrix {
    precondition(rows == columns, "cholesky() needs a square matrix, got \(rows)×\(columns).")
    try requireFinite("cholesky()")
    var factor = self
    try factor.factorCholeskyInPlace()
    for i in 0..<rows {
      for j in (i + 1)..<columns { factor[i, j] = 0 }
    }
    return factor
  }

  /// The solution `X` of `self · X = b` for a symmetric positive definite `self` (`?potrf` + `?potrs`).
  ///
  /// `b` must have as many rows as `self`; only the lower triangle of `self` is read. Throws like ``cholesky()``.
  public func solvingPositiveDefinite(_ b: Matrix) throws -> Matrix {
    precondition(rows == columns, "solvingPositiveDefinite(_:) needs a square matrix, got \(rows)×\(columns).")
    precondition(
      b.rows == rows, "Cannot solve a \(rows)×\(columns) system for a right-hand side of shape \(b.rows)×\(b.columns).")
    try requireFinite("solvingPositiveDefinite(_:)")
    try b.requireFinite("solvingPositiveDefinite(_:) (right-hand side)")
    var factor = self
    try factor.factorCholeskyInPlace()
    var solution = b
    guard rows > 0 && b.columns > 0 else { return solution }
    let (n, nrhs) = (blasInteger(rows), blasInteger(b.columns))
    let info = factor.storage.withUnsafeBufferPointer { a in
      solution.storage.withUnsafeMutableBufferPointer { x in
        Scalar.lapackPotrs(n: n, nrhs: nrhs, a: a.baseAddress!, lda: n, b: x.baseAddress!, ldb: nrhs)
      }
    }
    try Self.check(info, routine: "potrs") { _ in "" }
    return solution
  }

  /// The least-squares solution `X = argmin ‖self · X − b‖` (Frobenius norm) by Householder QR (`?gels`).
  ///
  /// `self` must be square or tall (`rows ≥ columns`) and of full column rank, and `b` must have as many
  /// rows as `self`; the result is `columns × b.columns`. Throws when `self` is exactly rank deficient
  /// (LAPACK finds a zero on the diagonal of R) or an input is not finite. Nearly rank-deficient input
  /// gives an ill-conditioned, not an erroneous, result.
  public func leastSquares(_ b: Matrix) throws -> Matrix {
    precondition(
      rows >= columns, "leastSquares(_:) needs a square or tall matrix, got \(rows)×\(columns).")
    precondition(
      b.rows == rows,
      "Cannot fit a \(rows)×\(columns) matrix to a right-hand side of shape \(b.rows)×\(b.columns).")
    try requireFinite("leastSquares(_:)")
    try b.requireFinite("leastSquares(_:) (right-hand side)")
    guard columns > 0 && b.columns > 0 else { return Matrix(rows: columns, columns: b.columns) }
    var a = storage
    var x = b.storage
    let (m, n, nrhs) = (blasInteger(rows), blasInteger(columns), blasInteger(b.columns))
    let info = a.withUnsafeMutableBufferPointer { a in
      x.withUnsafeMutableBufferPointer { x in
        Scalar.lapackGels(m: m, n: n, nrhs: nrhs, a: a.baseAddress!, lda: n, b: x.baseAddress!, ldb: nrhs)
      }
    }
    try Self.check(info, routine: "gels") {
      ": the diagonal element \($0) of the triangular factor is zero, so the matrix does not have full column rank"
    }
    return Matrix(rows: columns, columns: b.columns, storage: Array(x[0..<(columns * b.columns)]))
  }

  /// Eigenvalues in ascending order and orthonormal eigenvectors, `self · V = V · diag(values)`,
  /// of a symmetric matrix (`?syevd`, divide and conquer).
  ///
  /// Only the upper triangle of `self` is read. The eigenvectors are the **columns** of `vectors`,
  /// in the order of `values`. Throws when LAPACK fails to converge or the input is not finite.
  public func symmetricEigen() throws -> (values: [Scalar], vectors: Matrix) {
    precondition(rows == columns, "symmetricEigen() needs a square matrix, got \(rows)×\(columns).")
    try requireFinite("symmetricEigen()")
    guard rows > 0 else { return ([], self) }
    var vectors = storage
    var values = [Scalar](repeating: 0, count: rows)
    let n = blasInteger(rows)
    let info = vectors.withUnsafeMutableBufferPointer { a in
      values.withUnsafeMutableBufferPointer { w in
        Scalar.lapackSyevd(n: n, a: a.baseAddress!, lda: n, w: w.baseAddress!)
      }
    }
    try Self.check(info, routine: "syevd") { ": \($0) off-diagonal elements did not converge to zero" }
    return (values, Matrix(rows: rows, columns: columns, storage: vectors))
  }

  /// The thin singular value decomposition `self = u · diag(singularValues) · vt` (`?gesvd`).
  ///
  /// With `k = min(rows, columns)`: `u` is `rows × k` with orthonormal columns, `singularValues` has
  /// `k` nonnegative values in descending order, and `vt` is `k × columns` with orthonormal rows.
  /// Throws when the QR iteration fails to converge or the input is not finite.
  public func singularValueDecomposition() throws -> (u: Matrix, singularValues: [Scalar], vt: Matrix) {
    try requireFinite("singularValueDecomposition()")
    let k = Swift.min(rows, columns)
    guard k > 0 else { return (Matrix(rows: rows, columns: 0), [], Matrix(rows: 0, columns: columns)) }
    var a = storage
    var s = [Scalar](repeating: 0, count: k)
    var u = [Scalar](repeating: 0, count: rows * k)
    var vt = [Scalar](repeating: 0, count: k * columns)
    var superdiagonal = [Scalar](repeating: 0, count: k)  // LAPACKE needs k − 1; one spare keeps it non-empty.
    let (m, n, k32) = (blasInteger(rows), blasInteger(columns), blasInteger(k))
    let info = a.withUnsafeMutableBufferPointer { a in
      s.withUnsafeMutableBufferPointer { s in
        u.withUnsafeMutableBufferPointer { u in
          vt.withUnsafeMutableBufferPointer { vt in
            superdiagonal.withUnsafeMutableBufferPointer { superb in
              Scalar.lapackGesvd(
                m: m, n: n, a: a.baseAddress!, lda: n, s: s.baseAddress!, u: u.baseAddress!, ldu: k32,
                vt: vt.baseAddress!, ldvt: n, superb: superb.baseAddress!)
            }
          }
        }
      }
    }
    try Self.check(info, routine: "gesvd") { ": \($0) superdiagonals of the bidiagonal form did not converge to zero" }
    return (Matrix(rows: rows, columns: k, storage: u), s, Matrix(rows: k, columns: columns, storage: vt))
  }

  /// Overwrites the lower triangle with the Cholesky factor (`?potrf`); the strict upper triangle is left as it was.
  private mutating func factorCholeskyInPlace() throws {
    guard rows > 0 else { return }
    let n = blasInteger(rows)
    let info = storage.withUnsafeMutableBufferPointer { Scalar.lapackPotrf(n: n, a: $0.baseAddress!, lda: n) }
    try Self.check(info, routine: "potrf") { ": the leading minor of order \($0) is not positive definite" }
  }

  /// Throws unless every element is finite (LAPACK would reject NaN with a negative `info`, and
  /// silently return garbage for infinities).
  private func requireFinite(_ operation: String) throws {
    guard isFinite else {
      throw LinearAlgebraError("\(operation) needs finite entries, but the \(rows)×\(columns) matrix contains NaN or infinity.")
    }
  }

  /// Throws a ``LinearAlgebraError`` naming `LAPACKE_<prefix><routine>` and `info` when `info != 0`;
  /// `meaning` explains a positive `info`.
  private static func check(_ info: Int32, routine: String, meaning: (Int32) -> String) throws {
    guard info != 0 else { return }
    let name = "LAPACKE_\(Scalar.lapackPrefix)\(routine)"
    let detail = info < 0 ? ": argument \(-info) had an illegal value" : meaning(info)
    throw LinearAlgebraError("\(name) failed with info = \(info)\(detail).")
  }
}
