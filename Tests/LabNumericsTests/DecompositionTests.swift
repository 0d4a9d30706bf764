import LabNumerics
import LabRandom
import PropertyBased
import Testing

// Tolerances for the LAPACK wrappers. All the routines are backward stable: the computed result is the
// exact result for a matrix within p(n)·u·‖A‖ of the input, where u is the unit roundoff and p(n) is
// a modest polynomial (LAPACK Users' Guide §4.7; Higham, Thm 10.3–10.4 for Cholesky, Thm 19.10 and 20.3
// for Householder QR and least squares). The checks below use the bounds quoted per test, with the
// residuals and products of the check computed in Double. Where the theorems leave the constant open
// we take p(n) = 64n for eigen/SVD and γ̃ = 16·m·n·u for least squares. Calibration: over 5 000 random
// cases per precision (sizes 1…37), the worst observed error was 0.15 of these bounds for eigen/SVD,
// 0.06 for least squares, and 0.3 of the rigorous bounds used for products, Cholesky and solves; a
// wrong result (a wrong, unsorted or unnormalised factor) misses any of them by orders of magnitude.

/// ‖A‖_F² = trace(AᵀA) of a Double matrix.
private func normSquared(_ a: Matrix<Double>) -> Double { a.naiveNorm * a.naiveNorm }

/// A symmetric positive definite n×n matrix B·Bᵀ + n·I (eigenvalues ≥ n, so well conditioned).
private func positiveDefinite<S: LinearAlgebraScalar>(_ n: Int, using generator: inout Xoshiro256StarStar) -> Matrix<S> {
  let b = Matrix<Double>.random(n, n, using: &generator)
  var a = b.naiveTimes(b.naiveTransposed)
  for i in 0..<n { a[i, i] += Double(n) }
  return Matrix(rows: n, columns: n, storage: a.storage.map { S($0) })
}

/// A random symmetric matrix (B + Bᵀ)/2 with entries in [−1, 1].
private func symmetric<S: LinearAlgebraScalar>(_ n: Int, using generator: inout Xoshiro256StarStar) -> Matrix<S> {
  let b = Matrix<Double>.random(n, n, using: &generator)
  let a = Matrix<Double>(rows: n, columns: n, storage: zip(b.storage, b.naiveTransposed.storage).map { ($0 + $1) / 2 })
  return Matrix(rows: n, columns: n, storage: a.storage.map { S($0) })
}

/// ‖QᵀQ − I‖_F for a Double matrix Q.
private func orthonormalityError(_ q: Matrix<Double>) -> Double {
  var gram = q.naiveTransposed.naiveTimes(q)
  for i in 0..<gram.rows { gram[i, i] -= 1 }
  return gram.naiveNorm
}

@Suite struct DecompositionTests {
  static let dimension = Gen.int(in: 1...37)

  // MARK: Cholesky

  /// L·Lᵀ = A + ΔA with |ΔA| ≤ γ_{n+1}|L||Lᵀ| (Higham Thm 10.3), and ‖|L||Lᵀ|‖_F ≤ ‖L‖_F² = trace(A);
  /// the check's product in Double adds γ_n·‖L‖_F² for Double. Bound: 4γ_{n+1}·‖L‖_F² (factor 2 slack for blocking).
  func checkCholesky<S: LinearAlgebraScalar>(_: S.Type, n: Int, seed: UInt64) throws {
    var generator = Xoshiro256StarStar(seed: seed)
    let a: Matrix<S> = positiveDefinite(n, using: &generator)
    let l = try a.cholesky().inDouble
    #expect((0..<n).allSatisfy { i in l[i, i] > 0 && (i + 1..<n).allSatisfy { l[i, $0] == 0 } })
    let tolerance = 4 * gamma(n + 1, S.self) * normSquared(l)
    #expect(isClose(a, l.naiveTimes(l.naiveTransposed), within: tolerance))
  }

  @Test func choleskyReconstructs() async throws {
    await propertyCheck(input: Self.dimension, Gen.uint64()) { n, seed in
      try checkCholesky(Double.self, n: n, seed: seed)
      try checkCholesky(Float.self, n: n, seed: seed)
    }
  }

  /// Negating diagonal entry p of a positive definite matrix leaves the leading minors of order ≤ p
  /// positive definite and makes the Schur complement at order p + 1 at most −A[p, p] < 0.
  func checkIndefinite<S: LinearAlgebraScalar>(_: S.Type, n: Int, p: Int, seed: UInt64) {
    var generator = Xoshiro256StarStar(seed: seed)
    var a: Matrix<S> = positiveDefinite(n, using: &generator)
    a[p, p] = -a[p, p]
    let expected = LinearAlgebraError(
      "LAPACKE_\(S.lapackPrefix)potrf failed with info = \(p + 1): the leading minor of order \(p + 1) is not positive definite.")
    #expect(throws: expected) { try a.cholesky() }
    #expect(throws: expected) { try a.solvingPositiveDefinite(Matrix(rows: n, columns: 1)) }
  }

  @Test func choleskyThrowsOnIndefiniteMatrices() async {
    await propertyCheck(input: Self.dimension, Gen.int(in: 0...36), Gen.uint64()) { n, p, seed in
      checkIndefinite(Double.self, n: n, p: p % n, seed: seed)
      checkIndefinite(Float.self, n: n, p: p % n, seed: seed)
    }
  }

  @Test func nonFiniteInputThrowsBeforeLAPACK() {
    var a = Matrix<Double>.identity(3)
    a[1, 2] = .nan
    #expect(throws: LinearAlgebraError("cholesky() needs finite entries, but the 3×3 matrix contains NaN or infinity.")) {
      try a.cholesky()
    }
    a[1, 2] = .infinity
    #expect(throws: LinearAlgebraError.self) { try a.symmetricEigen() }
    #expect(throws: LinearAlgebraError.self) { try a.singularValueDecomposition() }
    #expect(throws: LinearAlgebraError.self) { try Matrix<Float>.identity(2).leastSquares(Matrix(rows: 2, columns: 1, repeating: .nan)) }
  }

  // MARK: Positive definite solve

  /// (A + ΔA)·X̂ = B with ‖ΔA‖_F ≤ γ_{3n+1}·‖L‖_F² = γ_{3n+1}·trace(A) (Higham Thm 10.4), so
  /// ‖A·X̂ − B‖_F ≤ γ_{3n+1}·trace(A)·‖X̂‖_F; times 4 for the Double residual and blocking.
  func checkSolve<S: LinearAlgebraScalar>(_: S.Type, n: Int, nrhs: Int, seed: UInt64) throws {
    var generator = Xoshiro256StarStar(seed: seed)
    let a: Matrix<S> = positiveDefinite(n, using: &generator)
    let b = Matrix<S>.random(n, nrhs, using: &generator)
    let x = try a.solvingPositiveDefinite(b).inDouble
    #expect(x.rows == n && x.columns == nrhs)
    let trace = (0..<n).reduce(0.0) { $0 + Double(a[$1, $1]) }
    let tolerance = 4 * gamma(3 * n + 1, S.self) * trace * x.naiveNorm
    #expect(isClose(b, a.inDouble.naiveTimes(x), within: tolerance))
  }

  @Test func positiveDefiniteSolveHasSmallResidual() async throws {
    await propertyCheck(input: Self.dimension, Gen.int(in: 1...5), Gen.uint64()) { n, nrhs, seed in
      try checkSolve(Double.self, n: n, nrhs: nrhs, seed: seed)
      try checkSolve(Float.self, n: n, nrhs: nrhs, seed: seed)
    }
  }

  // MARK: Least squares

  /// X̂ is the exact solution for (A + ΔA, b + Δb) with ‖ΔA‖_F ≤ γ̃·‖A‖_F and ‖Δb‖_F ≤ γ̃·‖b‖_F, γ̃ = c·m·n·u
  /// (Higham Thm 20.3). Expanding Aᵀ(b − A·X̂) then gives ‖Aᵀr‖_F ≤ γ̃·‖A‖_F·(‖A‖_F‖X̂‖_F + 2‖b‖_F); c = 16.
  func checkLeastSquares<S: LinearAlgebraScalar>(_: S.Type, n: Int, extraRows: Int, nrhs: Int, seed: UInt64) throws {
    var generator = Xoshiro256StarStar(seed: seed)
    let m = n + extraRows
    let a = Matrix<S>.random(m, n, using: &generator)
    let b = Matrix<S>.random(m, nrhs, using: &generator)
    let x = try a.leastSquares(b).inDouble
    #expect(x.rows == n && x.columns == nrhs)
    let residual = b.inDouble - a.inDouble.naiveTimes(x)
    let normalResidual = a.inDouble.naiveTransposed.naiveTimes(residual)
    let aNorm = a.inDouble.naiveNorm
    let tolerance = 16 * Double(m * n) * unitRoundoff(S.self) * aNorm * (aNorm * x.naiveNorm + 2 * b.inDouble.naiveNorm)
    #expect(normalResidual.naiveNorm <= tolerance)
  }

  @Test func leastSquaresResidualIsOrthogonalToTheColumnSpace() async throws {
    await propertyCheck(input: Gen.int(in: 1...20), Gen.int(in: 0...17), Gen.int(in: 1...4), Gen.uint64()) {
      n, extraRows, nrhs, seed in
      try checkLeastSquares(Double.self, n: n, extraRows: extraRows, nrhs: nrhs, seed: seed)
      try checkLeastSquares(Float.self, n: n, extraRows: extraRows, nrhs: nrhs, seed: seed)
    }
  }

  @Test func leastSquaresThrowsOnRankDeficiency() {
    let a = Matrix<Double>([[1, 0], [2, 0], [3, 0]])
    #expect(throws: LinearAlgebraError.self) { try a.leastSquares(Matrix(rows: 3, columns: 1, repeating: 1)) }
  }

  // MARK: Symmetric eigen

  /// ‖A·V − V·Λ‖_F ≤ 64n·u·‖A‖_F and ‖VᵀV − I‖_F ≤ 64n·u (p(n) = 64n, see the top of the file).
  func checkEigen<S: LinearAlgebraScalar>(_: S.Type, n: Int, seed: UInt64) throws {
    var generator = Xoshiro256StarStar(seed: seed)
    let a: Matrix<S> = symmetric(n, using: &generator)
    let (values, vectors) = try a.symmetricEigen()
    #expect(values.count == n && vectors.rows == n && vectors.columns == n)
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
    let v = vectors.inDouble
    var vLambda = v
    for i in 0..<n {
      for j in 0..<n { vLambda[i, j] *= Double(values[j]) }
    }
    let bound = 64 * Double(n) * unitRoundoff(S.self)
    #expect(a.inDouble.naiveTimes(v).isApproximatelyEqual(to: vLambda, absoluteTolerance: bound * a.inDouble.naiveNorm, relativeTolerance: 0))
    #expect(orthonormalityError(v) <= bound)
  }

  @Test func symmetricEigenSatisfiesTheEigenEquation() async throws {
    await propertyCheck(input: Self.dimension, Gen.uint64()) { n, seed in
      try checkEigen(Double.self, n: n, seed: seed)
      try checkEigen(Float.self, n: n, seed: seed)
    }
  }

  // MARK: SVD

  /// ‖A − U·Σ·Vᵀ‖_F ≤ 64·max(m, n)·u·‖A‖_F and ‖UᵀU − I‖_F, ‖V·Vᵀ − I‖_F ≤ 64·max(m, n)·u.
  func checkSVD<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int, seed: UInt64) throws {
    var generator = Xoshiro256StarStar(seed: seed)
    let a = Matrix<S>.random(rows, columns, using: &generator)
    let (u, s, vt) = try a.singularValueDecomposition()
    let k = min(rows, columns)
    #expect(u.rows == rows && u.columns == k && s.count == k && vt.rows == k && vt.columns == columns)
    #expect(s.allSatisfy { $0 >= 0 } && zip(s, s.dropFirst()).allSatisfy { $0 >= $1 })
    var uSigma = u.inDouble
    for i in 0..<rows {
      for j in 0..<k { uSigma[i, j] *= Double(s[j]) }
    }
    let bound = 64 * Double(max(rows, columns)) * unitRoundoff(S.self)
    #expect(isClose(a, uSigma.naiveTimes(vt.inDouble), within: bound * a.inDouble.naiveNorm))
    #expect(orthonormalityError(u.inDouble) <= bound)
    #expect(orthonormalityError(vt.inDouble.naiveTransposed) <= bound)
  }

  @Test func singularValueDecompositionReconstructs() async throws {
    await propertyCheck(input: Self.dimension, Self.dimension, Gen.uint64()) { rows, columns, seed in
      try checkSVD(Double.self, rows: rows, columns: columns, seed: seed)
      try checkSVD(Float.self, rows: rows, columns: columns, seed: seed)
    }
  }

  // MARK: Empty input

  @Test func emptyMatricesDecomposeWithoutCallingLAPACK() throws {
    let empty = Matrix<Double>(rows: 0, columns: 0)
    #expect(try empty.cholesky() == empty)
    #expect(try empty.solvingPositiveDefinite(Matrix(rows: 0, columns: 2)) == Matrix(rows: 0, columns: 2))
    #expect(try Matrix<Double>.identity(2).solvingPositiveDefinite(Matrix(rows: 2, columns: 0)) == Matrix(rows: 2, columns: 0))
    #expect(try Matrix<Double>(rows: 3, columns: 0).leastSquares(Matrix(rows: 3, columns: 2)) == Matrix(rows: 0, columns: 2))
    let (values, vectors) = try empty.symmetricEigen()
    #expect(values.isEmpty && vectors == empty)
    let (u, s, vt) = try Matrix<Float>(rows: 4, columns: 0).singularValueDecomposition()
    #expect(u == Matrix(rows: 4, columns: 0) && s.isEmpty && vt == Matrix(rows: 0, columns: 0))
  }
}
