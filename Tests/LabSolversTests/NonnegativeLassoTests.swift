import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing
import LabTestSupport

@Suite("Nonnegative lasso (active set)")
struct NonnegativeLassoTests {
  /// (K1) tolerance for the exact solver: THEORY §5.8 reaches 1e-12 and better; correlations here are O(10),
  /// so 1e-10 leaves two orders of magnitude for rounding in the Cholesky solves of ill-conditioned supports.
  static let kktTolerance = 1e-10

  @Test("Codes are nonnegative and satisfy (K1) on random under- and overcomplete instances")
  func kktOnRandomInstances() async {
    await propertyCheck(count: 200, input: Gen.int(in: 1...10), Gen.int(in: 1...7), Gen.double(in: 0.01...1),
                        Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, lambda, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let d = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      let x = RandomMatrices.gaussian(5, dimension, &rng)
      let bias = (0..<dimension).map { _ in 0.3 * rng.nextNormal() }
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: bias)
      #expect(z.storage.allSatisfy { $0 >= 0 })
      let kkt = KKTResiduals(SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: lambda))
      #expect(kkt.codes <= Self.kktTolerance, "K1 = \(kkt.codes) for K=\(atoms), m=\(dimension), λ=\(lambda), seed \(seed)")
    }
  }

  @Test("Its objective is never above a long coordinate-descent run's")
  func notWorseThanCoordinateDescent() async {
    await propertyCheck(count: 100, input: Gen.int(in: 1...8), Gen.int(in: 1...6), Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let d = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
      let x = RandomMatrices.gaussian(4, dimension, &rng)
      let lambda = 0.1
      let exact = SparseCodingProblem(samples: x, dictionary: d, bias: nil,
                                      codes: NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: nil), lambda: lambda)
      var codes = Matrix<Double>(rows: x.rows, columns: atoms)
      var residual = x
      CoordinateDescent.sweep(codes: &codes, residual: &residual, dictionary: d, lambda: lambda, maxSweeps: 20_000, tolerance: 1e-15)
      let descent = SparseCodingProblem(samples: x, dictionary: d, bias: nil, codes: codes, lambda: lambda)
      #expect(exact.loss <= descent.loss + 1e-12 * max(1, descent.loss))
    }
  }

  @Test("A point inside the cone of an orthonormal basis gets the soft-thresholded code")
  func orthonormalClosedForm() {
    let d = Matrix<Double>.identity(3)
    let x = Matrix<Double>([[2.0, 0.5, -1.0]])
    let z = NonnegativeLasso(dictionary: d, lambda: 0.25).codes(for: x, bias: nil)
    #expect(z.storage.isApproximatelyEqual(to: [1.75, 0.25, 0], absoluteTolerance: 1e-15))
  }
}
