import RealModule

/// The scalar types the lab's matrices hold: `Double` and `Float`.
///
/// Each conforming type routes products and decompositions to the BLAS/LAPACK routine of its
/// precision (`d…` for `Double`, `s…` for `Float`). The requirements are implemented in
/// `LinearAlgebraScalar+Double.swift` and `LinearAlgebraScalar+Float.swift`.
///
/// The `blas…` and `lapack…` requirements are thin row-major wrappers over CBLAS and LAPACKE that
/// perform **no validation**: every dimension must be at least 1 and every leading dimension valid,
/// or the C library prints an error on stdout. Use the checked ``Matrix`` API instead of calling them.
public protocol LinearAlgebraScalar: Real, BinaryFloatingPoint, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
  /// The BLAS/LAPACK precision letter of this type (`"d"` or `"s"`), used in error messages.
  static var lapackPrefix: String { get }

  /// `c = alpha · op(a) · op(b) + beta · c` with `op(a)` m×k and `op(b)` k×n (`cblas_?gemm`).
  static func blasGemm(
    transposingA: Bool, transposingB: Bool, m: Int32, n: Int32, k: Int32,
    alpha: Self, a: UnsafePointer<Self>, lda: Int32, b: UnsafePointer<Self>, ldb: Int32,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int32)

  /// The upper triangle of `c = alpha · op(a) · op(a)ᵀ + beta · c` with `op(a)` n×k, where
  /// `op(a) = aᵀ` when `transposing` (`cblas_?syrk` with `CblasUpper`). The strict lower triangle is not written.
  static func blasSyrk(
    transposing: Bool, n: Int32, k: Int32, alpha: Self, a: UnsafePointer<Self>, lda: Int32,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int32)

  /// `y = alpha · op(a) · x + beta · y` for the m×n matrix `a`, unit strides (`cblas_?gemv`).
  static func blasGemv(
    transposing: Bool, m: Int32, n: Int32, alpha: Self, a: UnsafePointer<Self>, lda: Int32,
    x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)

  /// The Euclidean norm of `count` contiguous elements, with scaling against overflow (`cblas_?nrm2`).
  static func blasNrm2(count: Int32, x: UnsafePointer<Self>) -> Self

  /// Overwrites the lower triangle of the n×n matrix `a` with its Cholesky factor (`LAPACKE_?potrf`, `'L'`);
  /// returns LAPACK's `info`.
  static func lapackPotrf(n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32) -> Int32

  /// Solves `a · x = b` in place of `b` (n×nrhs) from the lower Cholesky factor in `a` (`LAPACKE_?potrs`, `'L'`);
  /// returns `info`.
  static func lapackPotrs(
    n: Int32, nrhs: Int32, a: UnsafePointer<Self>, lda: Int32, b: UnsafeMutablePointer<Self>, ldb: Int32
  ) -> Int32

  /// Least squares by QR for the m×n matrix `a` (`LAPACKE_?gels`, `'N'`); the solution replaces the first
  /// n rows of `b` (max(m, n)×nrhs). Returns `info`.
  static func lapackGels(
    m: Int32, n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Self>, lda: Int32,
    b: UnsafeMutablePointer<Self>, ldb: Int32
  ) -> Int32

  /// Eigenvalues (ascending, into `w`) and eigenvectors (into the columns of `a`) of the symmetric n×n
  /// matrix whose upper triangle is in `a` (`LAPACKE_?syevd`, `'V'`, `'U'`). Returns `info`.
  static func lapackSyevd(n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, w: UnsafeMutablePointer<Self>) -> Int32

  /// Thin SVD of the m×n matrix `a` (`LAPACKE_?gesvd`, `'S'`, `'S'`): `s` gets min(m, n) descending singular
  /// values, `u` is m×min(m, n), `vt` is min(m, n)×n, `superb` needs min(m, n) − 1 elements; `a` is destroyed.
  /// Returns `info`.
  static func lapackGesvd(
    m: Int32, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, s: UnsafeMutablePointer<Self>,
    u: UnsafeMutablePointer<Self>, ldu: Int32, vt: UnsafeMutablePointer<Self>, ldvt: Int32,
    superb: UnsafeMutablePointer<Self>
  ) -> Int32
}
