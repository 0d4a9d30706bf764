/// Products through CBLAS. Every call is validated first: shapes must agree, dimensions must fit in
/// 32 bits, and empty operands (a zero dimension) return zeros without calling BLAS, so the leading
/// dimensions passed (the stored row lengths) are always at least 1 and valid.
extension Matrix {
  /// `op(self) · op(other)` through `cblas_?gemm`, where `op` transposes when the matching flag is set.
  ///
  /// A shape mismatch is a precondition failure whose message gives both shapes. When an inner or
  /// outer dimension is zero the result is the zero matrix of the right shape.
  @inlinable
  public func multiplied(by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false) -> Matrix {
    let (m, k) = transposingSelf ? (columns, rows) : (rows, columns)
    let (otherK, n) = transposingOther ? (other.columns, other.rows) : (other.rows, other.columns)
    precondition(
      k == otherK,
      "Cannot multiply \(rows)×\(columns)\(transposingSelf ? " (transposed)" : "") by "
        + "\(other.rows)×\(other.columns)\(transposingOther ? " (transposed)" : ""): inner dimensions \(k) and \(otherK) differ."
    )
    // With β = 0 BLAS writes every entry of C without reading it, so the product is not zeroed
    // first (a pass over it as long as a small product's own work).
    let product = [Scalar](unsafeUninitializedCapacity: m * n) { c, initialized in
      if m > 0 && n > 0 && k > 0 {
        let (m32, n32, k32) = (blasInteger(m), blasInteger(n), blasInteger(k))
        let (lda, ldb) = (blasInteger(columns), blasInteger(other.columns))
        storage.withUnsafeBufferPointer { a in
          other.storage.withUnsafeBufferPointer { b in
            Scalar.blasGemm(
              transposingA: transposingSelf, transposingB: transposingOther, m: m32, n: n32, k: k32,
              alpha: 1, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
              beta: 0, c: c.baseAddress!, ldc: n32)
          }
        }
      } else {
        c.initialize(repeating: 0)
      }
      initialized = m * n
    }
    return Matrix(rows: m, columns: n, storage: product)
  }

  /// The matrix product `lhs · rhs` (see ``multiplied(by:transposingSelf:transposingOther:)``).
  @inlinable
  public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
    lhs.multiplied(by: rhs)
  }

  /// `self · selfᵀ`, the inner products of the rows (rows × rows), through `cblas_?syrk`.
  /// The result is exactly symmetric: the computed upper triangle is mirrored.
  @inlinable
  public func rowGram() -> Matrix {
    gram(transposing: false)
  }

  /// `selfᵀ · self`, the inner products of the columns (columns × columns), through `cblas_?syrk`.
  /// The result is exactly symmetric: the computed upper triangle is mirrored.
  @inlinable
  public func columnGram() -> Matrix {
    gram(transposing: true)
  }

  /// `op(self) · op(self)ᵀ` with `op(self) = selfᵀ` when `transposing`, mirrored from syrk's upper triangle.
  @inlinable
  func gram(transposing: Bool) -> Matrix {
    let (n, k) = transposing ? (columns, rows) : (rows, columns)
    var gram = [Scalar](repeating: 0, count: n * n)
    if n > 0 && k > 0 {
      let (n32, k32, lda) = (blasInteger(n), blasInteger(k), blasInteger(columns))
      storage.withUnsafeBufferPointer { a in
        gram.withUnsafeMutableBufferPointer { c in
          Scalar.blasSyrk(
            transposing: transposing, n: n32, k: k32, alpha: 1, a: a.baseAddress!, lda: lda,
            beta: 0, c: c.baseAddress!, ldc: n32)
          for i in 1..<n {
            for j in 0..<i { c[i * n + j] = c[j * n + i] }
          }
        }
      }
    }
    return Matrix(rows: n, columns: n, storage: gram)
  }

  /// `self · x`, or `selfᵀ · x` when `transposed`, through `cblas_?gemv`.
  ///
  /// `x` must have `columns` elements (`rows` when transposed); the result has `rows` (`columns`).
  /// A matrix with a zero dimension gives a zero vector.
  @inlinable
  public func applied(to x: [Scalar], transposed: Bool = false) -> [Scalar] {
    let (inputCount, outputCount) = transposed ? (rows, columns) : (columns, rows)
    precondition(
      x.count == inputCount,
      "Cannot apply a \(rows)×\(columns) matrix\(transposed ? " (transposed)" : "") to a vector of \(x.count) elements; it needs \(inputCount)."
    )
    var y = [Scalar](repeating: 0, count: outputCount)
    if rows > 0 && columns > 0 {
      let (m32, n32) = (blasInteger(rows), blasInteger(columns))
      storage.withUnsafeBufferPointer { a in
        x.withUnsafeBufferPointer { x in
          y.withUnsafeMutableBufferPointer { y in
            Scalar.blasGemv(
              transposing: transposed, m: m32, n: n32, alpha: 1, a: a.baseAddress!, lda: n32,
              x: x.baseAddress!, beta: 0, y: y.baseAddress!)
          }
        }
      }
    }
    return y
  }

  /// The Frobenius norm `√(Σ aᵢⱼ²)`, through `cblas_?nrm2` (scaled, so it neither overflows nor underflows needlessly).
  @inlinable
  public var frobeniusNorm: Scalar {
    storage.euclideanNorm
  }
}
