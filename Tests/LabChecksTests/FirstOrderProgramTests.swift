import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

@Suite("LP-K and LP-R (THEORY §5.2–5.3)")
struct FirstOrderProgramTests {
  @Test("LP-K solved by GLPK equals its closed form and is verified")
  func lpKClosedForm() async {
    await propertyCheck(count: 60, input: Gen.int(in: 2...4), Gen.int(in: 2...5), Gen.int(in: 3...15), Gen.int(in: 0...Int(Int32.max))) { m, k, n, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var problem = RandomCandidates.make(instance: seed, dimension: m, atoms: k, points: n, firing: 0.5, &rng)
      problem.lambda = rng.nextUniform(in: 0.05...0.5)
      for index in problem.samples.storage.indices { problem.samples.storage[index] += 0.1 * rng.nextNormal() }
      let closed = KKTLinearProgram.closedFormValue(problem)
      let lp = try? KKTLinearProgram.solve(problem)
      #expect(lp?.isTrusted == true)
      #expect(abs((lp?.value ?? .nan) - closed) <= 1e-9 * max(1, abs(closed)), "GLPK \(lp?.value ?? .nan) vs closed form \(closed)")
      #expect(closed <= 0)
    }
  }

  @Test("At a KKT point LP-K and LP-R are zero up to the KKT residual; away from it they find descent that the steps confirm")
  func stationaryVersusDescent() throws {
    // An orthogonal, exclusive world is globally optimal (Thm 6.8): training reaches KKT ~ 0.
    var rng = Xoshiro256StarStar(seed: 11)
    var codes = Matrix<Double>(rows: 60, columns: 3)
    for n in 0..<60 where n % 5 != 0 { codes[n, n % 3] = rng.nextUniform(in: 0.5...1.5) }
    let x = codes * Matrix<Double>.identity(3)
    let fit = BlockMinimization.fit(samples: x, initialDictionary: Matrix([[1, 0.2, 0], [0, 1, 0.2], [0.2, 0, 1]]),
                                    initialBias: [0, 0, 0], lambda: 0.05)
    let scale = 0.05 * fit.problem.codes.storage.reduce(0, +)
    let lpK = try KKTLinearProgram.solve(fit.problem)
    let lpR = try ReconstructionPreservingProgram.solve(fit.problem, weight: 0.05)
    #expect(lpK.isTrusted && lpR.isTrusted)
    #expect(lpK.value > -1e-7 * scale && lpR.value > -1e-7 * scale, "LP-K \(lpK.value), LP-R \(lpR.value), scale \(scale)")

    // A hierarchical dictionary (child ⊆ parent) is not stationary: both LPs find descent, and the steps confirm it.
    var hierarchical = codes
    for n in 0..<60 where n % 3 == 1 { hierarchical[n, 0] = rng.nextUniform(in: 0.5...1.5) }
    let data = hierarchical * Matrix<Double>.identity(3)
    let lasso = NonnegativeLasso(dictionary: .identity(3), lambda: 0.05)
    let candidate = SparseCodingProblem(samples: data, dictionary: .identity(3), bias: [0, 0, 0],
                                        codes: lasso.codes(for: data, bias: [0, 0, 0]), lambda: 0.05)
    for test in [try KKTLinearProgram.solve(candidate), try ReconstructionPreservingProgram.solve(candidate, weight: 0.05)] {
      #expect(test.isTrusted && test.value < -1e-3)
      let steps = SelfVerification.measure(candidate, along: test.direction!, predictedSlope: test.value)
      #expect(steps.outcome == .confirmed, "slopes \(steps.steps.map(\.slope)) vs \(test.value)")
    }
  }
}
