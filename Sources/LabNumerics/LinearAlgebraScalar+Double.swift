internal import CBLASLAPACKE
import RealModule

/// `Double` dispatches to the `d` routines of CBLAS and LAPACKE (row-major storage throughout).
extension Double: LinearAlgebraScalar {
  /// `"d"`.
  public static var lapackPrefix: String { "d" }

  /// `cblas_dgemm`, row-major.
  public static func blasGemm(
    transposingA: Bool, transposingB: Bool, m: Int32, n: Int32, k: Int32,
    alpha: Double, a: UnsafePointer<Double>, lda: Int32, b: UnsafePointer<Double>, ldb: Int32,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int32
  ) {
    cblas_dgemm(
      CblasRowMajor, transposingA ? CblasTrans : CblasNoTrans, transposingB ? CblasTrans : CblasNoTrans,
      m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  }

  /// `cblas_dsyrk`, row-major, upper triangle.
  public static func blasSyrk(
    transposing: Bool, n: Int32, k: Int32, alpha: Double, a: UnsafePointer<Double>, lda: Int32,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int32
  ) {
    cblas_dsyrk(
      CblasRowMajor, CblasUpper, transposing ? CblasTrans : CblasNoTrans, n, k, alpha, a, lda, beta, c, ldc)
  }

  /// `cblas_dgemv`, row-major, unit strides.
  public static func blasGemv(
    transposing: Bool, m: Int32, n: Int32, alpha: Double, a: UnsafePointer<Double>, lda: Int32,
    x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
  ) {
    cblas_dgemv(CblasRowMajor, transposing ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1)
  }

  /// `cblas_dnrm2`, unit stride.
  public static func blasNrm2(count: Int32, x: UnsafePointer<Double>) -> Double {
    cblas_dnrm2(count, x, 1)
  }

  /// `LAPACKE_dpotrf`, row-major, lower.
  public static func lapackPotrf(n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32) -> Int32 {
    LAPACKE_dpotrf(LAPACK_ROW_MAJOR, LAPACKOption.lower, n, a, lda)
  }

  /// `LAPACKE_dpotrs`, row-major, lower.
  public static func lapackPotrs(
    n: Int32, nrhs: Int32, a: UnsafePointer<Double>, lda: Int32, b: UnsafeMutablePointer<Double>, ldb: Int32
  ) -> Int32 {
    LAPACKE_dpotrs(LAPACK_ROW_MAJOR, LAPACKOption.lower, n, nrhs, a, lda, b, ldb)
  }

  /// `LAPACKE_dgels`, row-major, no transpose.
  public static func lapackGels(
    m: Int32, n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Double>, lda: Int32,
    b: UnsafeMutablePointer<Double>, ldb: Int32
  ) -> Int32 {
    LAPACKE_dgels(LAPACK_ROW_MAJOR, LAPACKOption.noTranspose, m, n, nrhs, a, lda, b, ldb)
  }

  /// `LAPACKE_dsyevd`, row-major, eigenvectors, upper triangle.
  public static func lapackSyevd(n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, w: UnsafeMutablePointer<Double>) -> Int32 {
    LAPACKE_dsyevd(LAPACK_ROW_MAJOR, LAPACKOption.vectors, LAPACKOption.upper, n, a, lda, w)
  }

  /// `LAPACKE_dgesvd`, row-major, thin factors (`'S'`, `'S'`).
  public static func lapackGesvd(
    m: Int32, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, s: UnsafeMutablePointer<Double>,
    u: UnsafeMutablePointer<Double>, ldu: Int32, vt: UnsafeMutablePointer<Double>, ldvt: Int32,
    superb: UnsafeMutablePointer<Double>
  ) -> Int32 {
    LAPACKE_dgesvd(LAPACK_ROW_MAJOR, LAPACKOption.thin, LAPACKOption.thin, m, n, a, lda, s, u, ldu, vt, ldvt, superb)
  }
}
