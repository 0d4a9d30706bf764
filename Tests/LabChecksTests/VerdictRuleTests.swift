@testable import LabChecks
import LabNumerics
import LabOptimization
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §5.1 (amended): the decision rule on every combination of evidence, and LP-K's verified
/// closed-form answer against GLPK's.
@Suite("The §5.1 verdict rule and the verified closed form of LP-K")
struct VerdictRuleTests {
  @Test("A verified descent decides even when the other LP is unverified or not run; stationary needs both verified; inconclusive names the LP")
  func rule() {
    let (scale, tolerance) = (10.0, 1e-7)  // ε = 1e-6
    let descent = Verdict.Evidence.verified(-1e-3), flat = Verdict.Evidence.verified(-1e-7)
    let broken = Verdict.Evidence.unverified("The duality gap 1e-6 exceeds the allowed 1e-9.")
    let skipped = Verdict.Evidence.notRun("skipped on request (--skip lp-r)")
    func decide(_ k: Verdict.Evidence, _ r: Verdict.Evidence) -> Verdict.Decision {
      Verdict.decide(lpK: k, lpR: r, scale: scale, relativeTolerance: tolerance)
    }
    #expect(decide(descent, broken) == Verdict.Decision(verdict: .descentFound, source: .lpK, undecided: nil))
    #expect(decide(descent, skipped).verdict == .descentFound)
    #expect(decide(broken, descent) == Verdict.Decision(verdict: .descentFound, source: .lpR, undecided: nil))
    #expect(decide(.verified(-1e-2), descent).source == .lpK, "the lowest verified value is the source")
    #expect(decide(flat, flat) == Verdict.Decision(verdict: .stationary, source: nil, undecided: nil))
    let undecided = decide(flat, broken)
    #expect(undecided.verdict == .inconclusive && undecided.undecided == "LP-R is not verified: The duality gap 1e-6 exceeds the allowed 1e-9.")
    #expect(decide(flat, skipped).undecided == "LP-R was not run: skipped on request (--skip lp-r)")
    #expect(decide(broken, broken).undecided?.hasPrefix("LP-K is not verified") == true)
    #expect(decide(.verified(-9.9e-7), flat).verdict == .stationary && decide(.verified(-1.01e-6), flat).verdict == .descentFound)
  }

  @Test("LP-K's closed-form answer passes the verifier and equals GLPK's verified value on random candidates")
  func closedFormAnswer() async {
    await propertyCheck(count: 20, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var problem = RandomCandidates.make(instance: seed % 2, dimension: 5, atoms: 4, points: 30, firing: 0.4, &rng)
      problem.lambda = 0.3
      problem.dictionary = BlockMinimization.normalizedRows(problem.dictionary + 0.1 * FirstOrderPredictionTests.gaussian(4, 5, &rng))
      let closed = KKTLinearProgram.solveByClosedForm(problem)
      let glpk = try KKTLinearProgram.solve(problem)
      #expect(closed.isTrusted, "\(closed.verification.detail)")
      #expect(glpk.isTrusted)
      #expect(abs(closed.value - glpk.value) <= 1e-9 * max(1, abs(glpk.value)), "closed form \(closed.value), GLPK \(glpk.value)")
      #expect(abs(closed.value - KKTLinearProgram.closedFormValue(problem)) <= 1e-9 * max(1, abs(closed.value)))
    }
  }
}

/// THEORY §5.7 step 4: each outcome of the self-verification is produced.
@Suite("Self-verification outcomes (THEORY §5.7)")
struct SelfVerificationOutcomeTests {
  /// ΔL(t) = v_true·t + c·t² at the standard steps.
  static func steps(slope: Double, curvature c: Double) -> [SelfVerification.Step] {
    SelfVerification.standardSteps.map { t in
      let change = slope * t + c * t * t
      return SelfVerification.Step(t: t, lossChange: change, slope: change / t, reoptimizedSlope: nil)
    }
  }

  @Test("confirmed: the measured slope matches v within 10 % at a step far above rounding")
  func confirmed() {
    let result = SelfVerification.conclude(predicted: -1, initial: 1, steps: Self.steps(slope: -1, curvature: 10), extra: nil)
    #expect(result.outcome == .confirmed && result.measurable)
    #expect(abs((result.curvature ?? 0) - 10) < 1e-6 && abs((result.largestAccurateStep ?? 0) - 0.01) < 1e-9)
  }

  @Test("failed: a measurable descent whose measured slope is half the predicted one")
  func failed() {
    let result = SelfVerification.conclude(predicted: -1, initial: 1, steps: Self.steps(slope: -0.5, curvature: 10), extra: nil)
    #expect(result.measurable && result.outcome == .failed)
  }

  @Test("unconfirmable: the curvature hides the descent (old cutoff 2e-5·L(0) would have said failed)")
  func unconfirmable() {
    // v = -3.95e-4 at L(0) = 10 is above the old cutoff 2e-4, but t* = 0.1|v|/ĉ = 3.95e-9 and |v|·t* < 10⁴·u·L(0).
    let result = SelfVerification.conclude(predicted: -3.95e-4, initial: 10, steps: Self.steps(slope: -3.95e-4, curvature: 1e4), extra: nil)
    #expect(!result.measurable && result.outcome == .unconfirmable)
    let tiny = SelfVerification.conclude(predicted: -1e-6, initial: 1e6, steps: Self.steps(slope: -1e-6, curvature: 1), extra: nil)
    #expect(tiny.outcome == .unconfirmable)
  }

  @Test("confirmed and failed on a real candidate: the LP-K direction confirms its value, not twice its value; t*, t*/2, t*/4 are measured")
  func realCandidate() throws {
    var rng = Xoshiro256StarStar(seed: 7)
    var problem = RandomCandidates.make(instance: 0, dimension: 5, atoms: 4, points: 40, firing: 0.4, &rng)
    problem.lambda = 0.3
    let lpK = KKTLinearProgram.solveByClosedForm(problem)
    let direction = try #require(lpK.direction)
    #expect(lpK.isTrusted && lpK.value < 0)
    let right = SelfVerification.measure(problem, along: direction, predictedSlope: lpK.value)
    #expect(right.outcome == .confirmed && right.steps.count == SelfVerification.standardSteps.count + 3)
    let wrong = SelfVerification.measure(problem, along: direction, predictedSlope: 2 * lpK.value)
    #expect(wrong.outcome == .failed)
  }

  @Test("not-realisable: rotating an atom of the exact problem out of the cone makes the re-solved cost infinite")
  func notRealisable() throws {
    // Atoms e₁, e₂; x = (1, 0) sits on the cone's edge. Turning d₀ toward +e₂ leaves x outside the cone.
    let x = Matrix<Double>(rows: 1, columns: 2, storage: [1, 0])
    let problem = SparseCodingProblem(samples: x, dictionary: .identity(2), bias: nil, codes: Matrix(rows: 1, columns: 2, storage: [1, 0]),
                                      lambda: 0)
    let direction = PerturbationDirection(atoms: Matrix(rows: 2, columns: 2, storage: [0, 1, 0, 0]), bias: [0, 0],
                                          codes: Matrix(rows: 1, columns: 2))
    let result = try SelfVerification.measureExact(problem, along: direction, predictedSlope: -1, steps: [1e-2, 1e-3])
    #expect(result.outcome == .notRealisable)
  }
}
