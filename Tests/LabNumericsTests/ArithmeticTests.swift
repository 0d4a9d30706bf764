import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct ArithmeticTests {
  static let dimension = Gen.int(in: 0...37)

  func checkElementwise<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int, seed: UInt64) {
    var generator = Xoshiro256StarStar(seed: seed)
    let a = Matrix<S>.random(rows, columns, using: &generator)
    let b = Matrix<S>.random(rows, columns, using: &generator)
    let c = S(generator.nextUniform(in: -3...3))
    // Each element is one correctly rounded operation, so the results are exact matches.
    #expect((a + b).storage == zip(a.storage, b.storage).map { $0 + $1 })
    #expect((a - b).storage == zip(a.storage, b.storage).map { $0 - $1 })
    #expect((c * a).storage == a.storage.map { c * $0 })
    #expect((a + b).rows == rows && (a - b).columns == columns && (c * a).rows == rows)
  }

  @Test func elementwiseOperationsMatchTheNaiveLoops() async {
    await propertyCheck(input: Self.dimension, Self.dimension, Gen.uint64()) { rows, columns, seed in
      checkElementwise(Double.self, rows: rows, columns: columns, seed: seed)
      checkElementwise(Float.self, rows: rows, columns: columns, seed: seed)
    }
  }

  /// A sum of N nonnegative squares has relative error at most γ_N (plus one rounding for each square),
  /// and the square root halves a relative error; with the reference in Double, (N + 2)·u bounds the gap.
  func checkNorm<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int, seed: UInt64) {
    var generator = Xoshiro256StarStar(seed: seed)
    let a = Matrix<S>.random(rows, columns, using: &generator)
    let reference = a.inDouble.naiveNorm
    let tolerance = Double(rows * columns + 2) * unitRoundoff(S.self) * reference
    #expect(abs(Double(a.frobeniusNorm) - reference) <= tolerance)
    #expect(a.storage.euclideanNorm == a.frobeniusNorm)
  }

  @Test func frobeniusNormMatchesTheNaiveSum() async {
    await propertyCheck(input: Self.dimension, Self.dimension, Gen.uint64()) { rows, columns, seed in
      checkNorm(Double.self, rows: rows, columns: columns, seed: seed)
      checkNorm(Float.self, rows: rows, columns: columns, seed: seed)
    }
  }

  @Test func frobeniusNormDoesNotOverflow() {
    let huge = Matrix<Float>(rows: 2, columns: 2, repeating: 1e30)
    #expect(huge.frobeniusNorm.isApproximatelyEqual(to: 2e30, relativeTolerance: 1e-6))
  }
}

@Suite struct ApproximateEqualityTests {
  @Test func followsRealModuleSemanticsOnTheNorm() {
    let a = Matrix<Double>([[3, 0], [0, 4]])  // ‖a‖ = 5
    let nudged = Matrix<Double>([[3, 0], [0, 4.001]])  // ‖a − nudged‖ = 0.001
    #expect(a.isApproximatelyEqual(to: a))
    #expect(!a.isApproximatelyEqual(to: nudged))
    #expect(a.isApproximatelyEqual(to: nudged, relativeTolerance: 0.001 / 5 + 1e-12))
    #expect(!a.isApproximatelyEqual(to: nudged, relativeTolerance: 0.001 / 5.0009))
    #expect(a.isApproximatelyEqual(to: nudged, absoluteTolerance: 0.0011, relativeTolerance: 0))
    #expect(!a.isApproximatelyEqual(to: nudged, absoluteTolerance: 0.0009, relativeTolerance: 0))
  }

  @Test func shapesAndNonFiniteValuesAreNeverClose() {
    let row = Matrix<Float>(rows: 1, columns: 4)
    let column = Matrix<Float>(rows: 4, columns: 1)
    #expect(!row.isApproximatelyEqual(to: column, absoluteTolerance: 1))
    #expect(![Float(1), 2].isApproximatelyEqual(to: [1, 2, 0], absoluteTolerance: 1))
    #expect(![Double.nan].isApproximatelyEqual(to: [Double.nan], absoluteTolerance: 1))
    #expect(![Double.infinity].isApproximatelyEqual(to: [1], absoluteTolerance: 1))
    #expect([Double.infinity].isApproximatelyEqual(to: [Double.infinity]))
  }

  @Test func zeroNeedsAnAbsoluteTolerance() {
    let zero = [Double](repeating: 0, count: 3)
    let tiny = [1e-20, 0, 0]
    #expect(!zero.isApproximatelyEqual(to: tiny))
    #expect(zero.isApproximatelyEqual(to: tiny, absoluteTolerance: 1e-19))
    #expect([Float]().isApproximatelyEqual(to: []))
  }

  @Test func agreesWithRealModuleOnScalars() async {
    await propertyCheck(input: Gen.double(in: -10...10), Gen.double(in: -10...10), Gen.double(in: 0...1)) {
      x, y, relativeTolerance in
      #expect(
        [x].isApproximatelyEqual(to: [y], absoluteTolerance: 0.5, relativeTolerance: relativeTolerance)
          == x.isApproximatelyEqual(to: y, absoluteTolerance: 0.5, relativeTolerance: relativeTolerance))
    }
  }
}
