import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

@Suite("CERT, the new-atom test and the residual relations")
struct CertificateAndResidualTests {
  @Test("Prediction 11: CERT = −value(LIN, ω = 1), two separately solved and verified LPs, and LIN's row multipliers attain CERT (1e-6), on random candidates")
  func certificateDuality() async {
    await propertyCheck(count: 40, input: Gen.int(in: 2...4), Gen.int(in: 2...5), Gen.int(in: 4...20), Gen.int(in: 0...Int(Int32.max))) { m, k, n, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let problem = RandomCandidates.make(instance: seed, dimension: m, atoms: k, points: n, firing: 0.5, &rng)
      let cert = try? CertificateProgram.solve(problem)
      let lin = try? ReconstructionPreservingProgram.solve(problem, weight: 1)
      #expect(cert?.isTrusted == true && lin?.isTrusted == true)
      let certValue = cert?.value ?? .nan, linValue = lin?.value ?? .nan
      #expect(certValue >= -1e-12)
      #expect(abs(certValue + linValue) <= 1e-7 * (1 + abs(certValue)), "CERT \(certValue) vs LIN \(linValue)")
      // THEORY §5.4: LIN's row multipliers are an optimal certificate — ν_n from rows (i, n), κ_k from the atom rows.
      let violation = Self.certificateViolation(problem, linDuals: lin?.rowDuals ?? [])
      #expect(abs(violation - certValue) <= 1e-6 * (1 + abs(certValue)), "LIN's multipliers violate the certificate by \(violation), CERT \(certValue)")
    }
  }

  /// CERT's objective (THEORY §5.4) at ν_n,i = the multiplier of LIN's row (i, n) and κ_k = that of its
  /// row k, with every slack at its least value: Σ_active |d_kᵀν_n − 1| + Σ_inactive (d_kᵀν_n − 1)₊
  /// + Σ_{i,k} |Σ_n z_nk ν_n,i + κ_k D_ki| (+ Σ_i |Σ_n ν_n,i| with a bias). Nonnegative codes.
  static func certificateViolation(_ problem: SparseCodingProblem, linDuals y: [Double]) -> Double {
    let d = problem.dictionary, z = problem.codes
    let (m, k, n) = (d.columns, d.rows, z.rows)
    guard y.count == m * n + k else { return .nan }
    func nu(_ point: Int) -> [Double] { Array(y[(m * point)..<(m * point + m)]) }
    var total = 0.0
    for point in 0..<n {
      for atom in 0..<k {
        let product = zip(d.row(atom), nu(point)).reduce(0) { $0 + $1.0 * $1.1 }
        total += z[point, atom] > 0 ? abs(product - 1) : max(product - 1, 0)
      }
    }
    for atom in 0..<k {
      for i in 0..<m {
        total += abs((0..<n).reduce(0) { $0 + z[$1, atom] * y[m * $1 + i] } + y[m * n + atom] * d[atom, i])
      }
    }
    if problem.hasBias { for i in 0..<m { total += abs((0..<n).reduce(0) { $0 + y[m * $1 + i] }) } }
    return total
  }

  @Test("Prop. 6.7: when max‖r_n‖ > λ the atom r_n/‖r_n‖ lowers the loss; when ≤ λ the test says no")
  func newAtomTest() async {
    await propertyCheck(count: 40, input: Gen.int(in: 2...4), Gen.int(in: 1...4), Gen.double(in: 0.05...1.5), Gen.int(in: 0...Int(Int32.max))) { m, k, lambda, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var d = Matrix<Double>(rows: k, columns: m, storage: (0..<(k * m)).map { _ in rng.nextNormal() })
      d = BlockMinimization.normalizedRows(d)
      let x = Matrix<Double>(rows: 12, columns: m, storage: (0..<(12 * m)).map { _ in rng.nextNormal() })
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: nil)
      let test = NewAtomTest(SparseCodingProblem(samples: x, dictionary: d, bias: nil, codes: z, lambda: lambda))
      #expect(test.improves == (test.maxResidualNorm > lambda))
      if let after = test.lossWithNewAtom {
        #expect(after < test.loss, "max‖r‖ \(test.maxResidualNorm) > λ \(lambda) but the loss went \(test.loss) → \(after)")
      } else {
        #expect(!test.improves)
      }
    }
  }

  @Test("Prediction 5: on 20 random dictionaries, with nonnegative and with signed exact codes, ‖x − b‖² = ‖x̂ − b‖² + ‖r‖² + 2λ‖z‖₁ (relative 1e-9) and ‖x̂ − b‖ ≤ (‖x − b‖ − λ)₊ + 1e-9 for every point",
        arguments: [CodeConstraint.nonnegative, .signed])
  func normIdentityAndShrinkage(constraint: CodeConstraint) async {
    await propertyCheck(count: 20, input: Gen.int(in: 1...5), Gen.int(in: 1...8), Gen.double(in: 0.01...1), Gen.int(in: 0...Int(Int32.max))) { m, k, lambda, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let d = BlockMinimization.normalizedRows(Matrix(rows: k, columns: m, storage: (0..<(k * m)).map { _ in rng.nextNormal() }))
      let x = Matrix<Double>(rows: 20, columns: m, storage: (0..<(20 * m)).map { _ in 2 * rng.nextNormal() })
      let bias = (0..<m).map { _ in 0.3 * rng.nextNormal() }
      let z = ExactCodes.codes(for: x, dictionary: d, bias: bias, lambda: lambda, constraint: constraint)
      let problem = SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: lambda, constraint: constraint)
      // Prop 2.2, point by point.
      let centred = problem.centredSamples, fit = z * d, r = problem.residual
      func squared(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 } }
      for n in 0..<x.rows {
        let left = squared(centred.row(n))
        let right = squared(fit.row(n)) + squared(r.row(n)) + 2 * lambda * z.row(n).reduce(0) { $0 + abs($1) }
        #expect(abs(left - right) <= 1e-9 * left, "point \(n): ‖x − b‖² \(left) vs \(right)")
      }
      // Thm 8.3.
      #expect(ResidualRelations(problem).wideBoundExcess <= 1e-9)
    }
  }

  @Test("The mop-up identity (R1) holds at a trained stationary point and fails at a hierarchical ground truth")
  func mopUp() {
    var rng = Xoshiro256StarStar(seed: 5)
    var codes = Matrix<Double>(rows: 90, columns: 3)
    for n in 0..<90 {
      switch n % 6 {
      case 1, 2: codes[n, 0] = rng.nextUniform(in: 0.5...1.5)
      case 3: codes[n, 0] = rng.nextUniform(in: 0.5...1.5); codes[n, 1] = rng.nextUniform(in: 0.5...1.5)
      case 4: codes[n, 2] = rng.nextUniform(in: 0.5...1.5)
      default: break
      }
    }
    let x = codes * Matrix<Double>.identity(3)
    let truthCodes = NonnegativeLasso(dictionary: .identity(3), lambda: 0.05).codes(for: x, bias: nil)
    let truth = ResidualRelations(SparseCodingProblem(samples: x, dictionary: .identity(3), bias: nil, codes: truthCodes, lambda: 0.05))
    #expect((truth.mopUp[0] ?? 0) > 0.1, "the dog atom's residuals keep the labrador direction")
    let fit = BlockMinimization.fit(samples: x, initialDictionary: .identity(3), initialBias: nil, lambda: 0.05)
    let trained = ResidualRelations(fit.problem)
    #expect(trained.mopUp.compactMap { $0 }.allSatisfy { $0 < 1e-6 }, "mop-up gaps \(trained.mopUp) at KKT \(fit.kkt.maximum)")
  }
}
