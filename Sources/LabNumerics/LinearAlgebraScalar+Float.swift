internal import CBLASLAPACKE
import RealModule

/// `Float` dispatches to the `s` routines of CBLAS and LAPACKE (row-major storage throughout).
extension Float: LinearAlgebraScalar {
  /// `"s"`.
  public static var lapackPrefix: String { "s" }

  /// `cblas_sgemm`, row-major.
  public static func blasGemm(
    transposingA: Bool, transposingB: Bool, m: Int32, n: Int32, k: Int32,
    alpha: Float, a: UnsafePointer<Float>, lda: Int32, b: UnsafePointer<Float>, ldb: Int32,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int32
  ) {
    cblas_sgemm(
      CblasRowMajor, transposingA ? CblasTrans : CblasNoTrans, transposingB ? CblasTrans : CblasNoTrans,
      m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  }

  /// `cblas_ssyrk`, row-major, upper triangle.
  public static func blasSyrk(
    transposing: Bool, n: Int32, k: Int32, alpha: Float, a: UnsafePointer<Float>, lda: Int32,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int32
  ) {
    cblas_ssyrk(
      CblasRowMajor, CblasUpper, transposing ? CblasTrans : CblasNoTrans, n, k, alpha, a, lda, beta, c, ldc)
  }

  /// `cblas_sgemv`, row-major, unit strides.
  public static func blasGemv(
    transposing: Bool, m: Int32, n: Int32, alpha: Float, a: UnsafePointer<Float>, lda: Int32,
    x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
  ) {
    cblas_sgemv(CblasRowMajor, transposing ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1)
  }

  /// `cblas_snrm2`, unit stride.
  public static func blasNrm2(count: Int32, x: UnsafePointer<Float>) -> Float {
    cblas_snrm2(count, x, 1)
  }

  /// `LAPACKE_spotrf`, row-major, lower.
  public static func lapackPotrf(n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32) -> Int32 {
    LAPACKE_spotrf(LAPACK_ROW_MAJOR, LAPACKOption.lower, n, a, lda)
  }

  /// `LAPACKE_spotrs`, row-major, lower.
  public static func lapackPotrs(
    n: Int32, nrhs: Int32, a: UnsafePointer<Float>, lda: Int32, b: UnsafeMutablePointer<Float>, ldb: Int32
  ) -> Int32 {
    LAPACKE_spotrs(LAPACK_ROW_MAJOR, LAPACKOption.lower, n, nrhs, a, lda, b, ldb)
  }

  /// `LAPACKE_sgels`, row-major, no transpose.
  public static func lapackGels(
    m: Int32, n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Float>, lda: Int32,
    b: UnsafeMutablePointer<Float>, ldb: Int32
  ) -> Int32 {
    LAPACKE_sgels(LAPACK_ROW_MAJOR, LAPACKOption.noTranspose, m, n, nrhs, a, lda, b, ldb)
  }

  /// `LAPACKE_ssyevd`, row-major, eigenvectors, upper triangle.
  public static func lapackSyevd(n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, w: UnsafeMutablePointer<Float>) -> Int32 {
    LAPACKE_ssyevd(LAPACK_ROW_MAJOR, LAPACKOption.vectors, LAPACKOption.upper, n, a, lda, w)
  }

  /// `LAPACKE_sgesvd`, row-major, thin factors (`'S'`, `'S'`).
  public static func lapackGesvd(
    m: Int32, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, s: UnsafeMutablePointer<Float>,
    u: UnsafeMutablePointer<Float>, ldu: Int32, vt: UnsafeMutablePointer<Float>, ldvt: Int32,
    superb: UnsafeMutablePointer<Float>
  ) -> Int32 {
    LAPACKE_sgesvd(LAPACK_ROW_MAJOR, LAPACKOption.thin, LAPACKOption.thin, m, n, a, lda, s, u, ldu, vt, ldvt, superb)
  }
}
