import LabNumerics
import LabRandom

// Naive references and error bounds shared by the tests. References are computed in Double from the
// (exactly converted) entries, so for Float inputs the reference itself is accurate to Double precision.
//
// Tolerance model (Higham, "Accuracy and Stability of Numerical Algorithms", §3.5): an inner product of
// length k computed in any order, with or without FMA, satisfies |fl(aᵀb) − aᵀb| ≤ γₖ·|a|ᵀ|b| with
// γₖ = k·u / (1 − k·u) and unit roundoff u = ε/2 (2⁻⁵³ for Double, 2⁻²⁴ for Float). Hence a computed
// product obeys ‖fl(AB) − AB‖_F ≤ γₖ·‖|A|·|B|‖_F, and comparing a BLAS result with a reference that
// carries the same kind of error needs at most 2γₖ·‖|A|·|B|‖_F. For Float (u ≈ 6e-8, k ≤ 37) this is
// about 4.4e-6 relative to ‖|A|·|B|‖; for Double about 8e-15.

/// Unit roundoff of `S` as a Double.
func unitRoundoff<S: LinearAlgebraScalar>(_: S.Type) -> Double {
  Double(S.ulpOfOne) / 2
}

/// Higham's γₖ = k·u / (1 − k·u) for the precision of `S`.
func gamma<S: LinearAlgebraScalar>(_ k: Int, _ type: S.Type) -> Double {
  let ku = Double(k) * unitRoundoff(type)
  return ku / (1 - ku)
}

extension Matrix {
  /// The same matrix with Double entries (exact for Float and Double).
  var inDouble: Matrix<Double> {
    Matrix<Double>(rows: rows, columns: columns, storage: storage.map { Double($0) })
  }

  /// A matrix with entries uniform in [−1, 1), drawn from `generator`.
  static func random(_ rows: Int, _ columns: Int, using generator: inout Xoshiro256StarStar) -> Matrix {
    Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in Scalar(generator.nextUniform(in: -1...1)) })
  }
}

extension Matrix<Double> {
  /// The element-wise absolute value.
  var absolute: Matrix<Double> {
    Matrix(rows: rows, columns: columns, storage: storage.map(abs))
  }

  /// The textbook triple-loop product.
  func naiveTimes(_ other: Matrix<Double>) -> Matrix<Double> {
    precondition(columns == other.rows)
    var product = Matrix<Double>(rows: rows, columns: other.columns)
    for i in 0..<rows {
      for j in 0..<other.columns {
        var sum = 0.0
        for l in 0..<columns { sum += self[i, l] * other[l, j] }
        product[i, j] = sum
      }
    }
    return product
  }

  /// The textbook transpose.
  var naiveTransposed: Matrix<Double> {
    var t = Matrix<Double>(rows: columns, columns: rows)
    for i in 0..<rows {
      for j in 0..<columns { t[j, i] = self[i, j] }
    }
    return t
  }

  /// The naive Frobenius norm √(Σ aᵢⱼ²).
  var naiveNorm: Double {
    storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
  }
}

/// Whether `computed` (any precision) is within `tolerance` of `reference` in the Frobenius norm.
func isClose<S: LinearAlgebraScalar>(_ computed: Matrix<S>, _ reference: Matrix<Double>, within tolerance: Double) -> Bool {
  computed.inDouble.isApproximatelyEqual(to: reference, absoluteTolerance: tolerance, relativeTolerance: 0)
}
