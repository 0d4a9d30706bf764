import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// Issue 20: a linear program the machine cannot hold is left out of the plan (``CheckPlan/tooLarge``)
/// with the sentence that says so, like an LP past its row limit; what the user skips and what a
/// settled verdict makes unnecessary keep their own reasons.
@Suite("The plan leaves out LPs too large for the machine")
struct CheckPlanMemoryTests {
  static let sentence = "the lp-r linear program (up to 99 rows, 999 nonzeros) needs about 1 TB of memory; the machine has 1 GB available"

  @Test("A part marked too large gives its sentence as the reason; the user's skip and a settled verdict come first")
  func reasons() {
    let plan = CheckPlan(tooLarge: [.lpR: Self.sentence])
    #expect(plan.reasonToSkip(.lpR, settled: false) == Self.sentence)
    #expect(plan.reasonToSkip(.cert, settled: false) == nil)
    #expect(plan.reasonToSkip(.lpR, settled: true)?.hasPrefix("not needed") == true)
    #expect(CheckPlan(skipping: [.lpR], tooLarge: [.lpR: Self.sentence]).reasonToSkip(.lpR, settled: false)?.hasPrefix("skipped on request") == true)
    #expect(CheckPlan(full: true, tooLarge: [.lpR: Self.sentence]).reasonToSkip(.lpR, settled: true) == Self.sentence)
  }

  @Test("On random candidates, LP-R marked too large is not run and is reported with that reason; the verdict is never stationary without it")
  func lpRLeftOut() async {
    await propertyCheck(count: 15, input: Gen.int(in: 2...4), Gen.int(in: 2...5), Gen.int(in: 0...Int(Int32.max))) { m, k, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let d = BlockMinimization.normalizedRows(Matrix(rows: k, columns: m, storage: (0..<(k * m)).map { _ in rng.nextNormal() }))
      let x = Matrix<Double>(rows: 12, columns: m, storage: (0..<(12 * m)).map { _ in rng.nextNormal() })
      let z = ExactCodes.codes(for: x, dictionary: d, bias: nil, lambda: 0.1)
      let problem = SparseCodingProblem(samples: x, dictionary: d, bias: nil, codes: z, lambda: 0.1)
      let first = try StationarityAssessment.firstOrder(problem, plan: CheckPlan(full: true, tooLarge: [.lpR: Self.sentence]))
      #expect(first.lpR == nil)
      #expect(first.lpRReport.skipped == Self.sentence)
      #expect(first.skipped.contains { $0.part == "lp-r" && $0.reason == Self.sentence })
      #expect(first.verdict != .stationary, "a stationary verdict needs LP-R (§5.1)")
    }
  }
}
