import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

@Suite("CERT, the new-atom test and the residual relations")
struct CertificateAndResidualTests {
  @Test("Prediction 11: CERT = −value(LIN, ω = 1), two separately solved and verified LPs, on random candidates")
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
    }
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

  @Test("Prediction 5: at exact codes ‖x̂ − b‖ ≤ (‖x − b‖ − λ)₊ for every point and dictionary")
  func wideBound() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...5), Gen.int(in: 1...8), Gen.double(in: 0.01...1), Gen.int(in: 0...Int(Int32.max))) { m, k, lambda, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let d = BlockMinimization.normalizedRows(Matrix(rows: k, columns: m, storage: (0..<(k * m)).map { _ in rng.nextNormal() }))
      let x = Matrix<Double>(rows: 20, columns: m, storage: (0..<(20 * m)).map { _ in 2 * rng.nextNormal() })
      let bias = (0..<m).map { _ in 0.3 * rng.nextNormal() }
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: bias)
      let relations = ResidualRelations(SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: lambda))
      #expect(relations.wideBoundExcess <= 1e-9)
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
