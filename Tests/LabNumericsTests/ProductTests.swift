import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct ProductTests {
  /// Shapes 1…37 cover non-square and non-power-of-two sizes on both sides of OpenBLAS's block sizes.
  static let dimension = Gen.int(in: 1...37)

  func checkProduct<S: LinearAlgebraScalar>(
    _: S.Type, m: Int, k: Int, n: Int, transposingA: Bool, transposingB: Bool, seed: UInt64
  ) {
    var generator = Xoshiro256StarStar(seed: seed)
    let a = transposingA ? Matrix<S>.random(k, m, using: &generator) : Matrix<S>.random(m, k, using: &generator)
    let b = transposingB ? Matrix<S>.random(n, k, using: &generator) : Matrix<S>.random(k, n, using: &generator)
    let opA = transposingA ? a.inDouble.naiveTransposed : a.inDouble
    let opB = transposingB ? b.inDouble.naiveTransposed : b.inDouble
    let product = a.multiplied(by: b, transposingSelf: transposingA, transposingOther: transposingB)
    let tolerance = 2 * gamma(k, S.self) * opA.absolute.naiveTimes(opB.absolute).naiveNorm
    #expect(product.rows == m && product.columns == n)
    #expect(isClose(product, opA.naiveTimes(opB), within: tolerance))
  }

  @Test func gemmMatchesTheNaiveProduct() async {
    await propertyCheck(
      input: Self.dimension, Self.dimension, Self.dimension, Gen.bool, Gen.bool, Gen.uint64()
    ) { m, k, n, transposingA, transposingB, seed in
      checkProduct(Double.self, m: m, k: k, n: n, transposingA: transposingA, transposingB: transposingB, seed: seed)
      checkProduct(Float.self, m: m, k: k, n: n, transposingA: transposingA, transposingB: transposingB, seed: seed)
    }
  }

  @Test func productOperatorIsMultiplication() async {
    await propertyCheck(input: Self.dimension, Self.dimension, Self.dimension, Gen.uint64()) { m, k, n, seed in
      var generator = Xoshiro256StarStar(seed: seed)
      let a = Matrix<Float>.random(m, k, using: &generator)
      let b = Matrix<Float>.random(k, n, using: &generator)
      #expect(a * b == a.multiplied(by: b))
    }
  }

  func checkGram<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int, seed: UInt64) {
    var generator = Xoshiro256StarStar(seed: seed)
    let a = Matrix<S>.random(rows, columns, using: &generator)
    let reference = a.inDouble
    let rowGram = a.rowGram()
    let columnGram = a.columnGram()
    #expect(rowGram == rowGram.transposed)
    #expect(columnGram == columnGram.transposed)
    let rowProduct = reference.naiveTimes(reference.naiveTransposed)
    let columnProduct = reference.naiveTransposed.naiveTimes(reference)
    // |A|·|A|ᵀ has the same norm bound role as |A|·|B| for a general product (see Reference.swift).
    let rowTolerance = 2 * gamma(columns, S.self) * reference.absolute.naiveTimes(reference.absolute.naiveTransposed).naiveNorm
    let columnTolerance = 2 * gamma(rows, S.self) * reference.absolute.naiveTransposed.naiveTimes(reference.absolute).naiveNorm
    #expect(isClose(rowGram, rowProduct, within: rowTolerance))
    #expect(isClose(columnGram, columnProduct, within: columnTolerance))
  }

  @Test func gramMatricesAreSymmetricNaiveProducts() async {
    await propertyCheck(input: Self.dimension, Self.dimension, Gen.uint64()) { rows, columns, seed in
      checkGram(Double.self, rows: rows, columns: columns, seed: seed)
      checkGram(Float.self, rows: rows, columns: columns, seed: seed)
    }
  }

  func checkGemv<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int, transposed: Bool, seed: UInt64) {
    var generator = Xoshiro256StarStar(seed: seed)
    let a = Matrix<S>.random(rows, columns, using: &generator)
    let x = Matrix<S>.random(transposed ? rows : columns, 1, using: &generator)
    let opA = transposed ? a.inDouble.naiveTransposed : a.inDouble
    let y = a.applied(to: x.storage, transposed: transposed)
    let tolerance = 2 * gamma(opA.columns, S.self) * opA.absolute.naiveTimes(x.inDouble.absolute).naiveNorm
    #expect(isClose(Matrix(rows: y.count, columns: 1, storage: y), opA.naiveTimes(x.inDouble), within: tolerance))
  }

  @Test func gemvMatchesTheNaiveProduct() async {
    await propertyCheck(input: Self.dimension, Self.dimension, Gen.bool, Gen.uint64()) { rows, columns, transposed, seed in
      checkGemv(Double.self, rows: rows, columns: columns, transposed: transposed, seed: seed)
      checkGemv(Float.self, rows: rows, columns: columns, transposed: transposed, seed: seed)
    }
  }

  @Test func emptyOperandsGiveZeros() {
    let tall = Matrix<Double>(rows: 3, columns: 0)
    let wide = Matrix<Double>(rows: 0, columns: 4)
    #expect(tall.multiplied(by: wide) == Matrix(rows: 3, columns: 4))
    #expect(wide.multiplied(by: Matrix(rows: 4, columns: 2, repeating: 1)) == Matrix(rows: 0, columns: 2))
    #expect(Matrix<Float>(rows: 2, columns: 5, repeating: 1) * Matrix(rows: 5, columns: 0) == Matrix(rows: 2, columns: 0))
    #expect(wide.multiplied(by: wide, transposingSelf: true) == Matrix(rows: 4, columns: 4))
    #expect(tall.rowGram() == Matrix(rows: 3, columns: 3))
    #expect(tall.columnGram() == Matrix(rows: 0, columns: 0))
    #expect(wide.rowGram() == Matrix(rows: 0, columns: 0))
    #expect(wide.columnGram() == Matrix(rows: 4, columns: 4))
    #expect(tall.applied(to: []) == [0, 0, 0])
    #expect(tall.applied(to: [1, 2, 3], transposed: true) == [])
    #expect(wide.applied(to: [], transposed: true) == [0, 0, 0, 0])
    #expect(wide.frobeniusNorm == 0)
  }

  @Test func shapeMismatchIsAPreconditionFailureNamingBothShapes() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Matrix<Double>(rows: 2, columns: 3).multiplied(by: Matrix(rows: 2, columns: 5))
    }.map { result in
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("2×3") && message.contains("2×5"))
    }
  }
}
