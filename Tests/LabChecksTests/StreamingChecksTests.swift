import Foundation
import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

@Suite("Streaming checks")
struct StreamingChecksTests {
  /// A random unit-norm dictionary (K × m), nonnegative data (N × m), a bias for even seeds, and λ in [0.05, 0.5].
  static func randomProblem(m: Int, k: Int, n: Int, seed: Int) -> (x: Matrix<Double>, d: Matrix<Double>, bias: [Double]?, lambda: Double) {
    var rng = Xoshiro256StarStar(seed: UInt64(seed))
    let d = BlockMinimization.normalizedRows(Matrix(rows: k, columns: m, storage: (0..<(k * m)).map { _ in rng.nextNormal() }))
    let x = Matrix(rows: n, columns: m, storage: (0..<(n * m)).map { _ in abs(rng.nextNormal()) })
    let bias: [Double]? = seed % 2 == 0 ? (0..<m).map { _ in 0.2 * rng.nextNormal() } : nil
    return (x, d, bias, rng.nextUniform(in: 0.05...0.5))
  }

  @Test("One pass in small batches gives the in-memory KKT, pairs, LP-K closed form, mop-up, wide bound and largest residual")
  func matchesInMemory() async {
    await propertyCheck(count: 40, input: Gen.int(in: 2...5), Gen.int(in: 2...8), Gen.int(in: 5...60), Gen.int(in: 1...9), Gen.int(in: 0...Int(Int32.max))) { m, k, n, batch, seed in
      let (x, d, bias, lambda) = Self.randomProblem(m: m, k: k, n: n, seed: seed)
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: bias)
      let problem = SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: lambda)
      let stream = StreamingChecks(samples: x, dictionary: d, bias: bias, lambda: lambda, batchSize: batch)
      let kkt = KKTResiduals(problem)
      #expect([stream.kkt.codes, stream.kkt.atoms, stream.kkt.bias].isApproximatelyEqual(to: [kkt.codes, kkt.atoms, kkt.bias], absoluteTolerance: 1e-12))
      #expect(stream.pairs.count == PairCondition.all(in: problem).count)
      for (streamed, direct) in zip(stream.pairs, PairCondition.all(in: problem)) {
        #expect(streamed.i == direct.i && streamed.j == direct.j && streamed.pass == direct.pass && streamed.cosine == direct.cosine)
        #expect((streamed.hullLow == nil) == (direct.hullLow == nil))
        if let low = streamed.hullLow, let high = streamed.hullHigh {
          #expect(abs(low - direct.hullLow!) <= 1e-12 * max(1, abs(low)) && abs(high - direct.hullHigh!) <= 1e-12 * max(1, abs(high)))
        }
      }
      let closed = KKTLinearProgram.closedFormValue(problem)
      #expect(abs(stream.lpKClosedForm - closed) <= 1e-10 * max(1, abs(closed)))
      let relations = ResidualRelations(problem)
      for (streamed, direct) in zip(stream.mopUp, relations.mopUp) {
        #expect((streamed == nil) == (direct == nil))
        if let streamed, let direct { #expect(abs(streamed - direct) <= 1e-9 * max(1, direct)) }
      }
      #expect(abs(stream.wideBoundExcess - relations.wideBoundExcess) <= 1e-12)
      let atom = NewAtomTest(problem)
      #expect(abs(stream.maxResidualNorm - atom.maxResidualNorm) <= 1e-12 && abs(stream.loss - problem.loss) <= 1e-10 * max(1, problem.loss))
    }
  }

  @Test("The sparse codes kept by the pass give the pass's loss with the codes held fixed, and are the exact codes")
  func keptCodes() async {
    await propertyCheck(count: 30, input: Gen.int(in: 2...5), Gen.int(in: 2...8), Gen.int(in: 5...60), Gen.int(in: 0...Int(Int32.max))) { m, k, n, seed in
      let (x, d, bias, lambda) = Self.randomProblem(m: m, k: k, n: n, seed: seed)
      let stream = StreamingChecks(samples: x, dictionary: d, bias: bias, lambda: lambda, batchSize: 7, keepCodes: true)
      guard let codes = stream.codes else { Issue.record("no codes kept"); return }
      #expect(codes.rows == n)
      let z = ExactCodes.codes(for: x, dictionary: d, bias: bias, lambda: lambda)
      for row in 0..<n {
        let dense = (0..<k).map { z[row, $0] }
        var sparse = [Double](repeating: 0, count: k)
        for (atom, value) in codes.row(row) { sparse[atom] = value }
        #expect(dense == sparse)
      }
      let fixed = StreamingChecks.fixedCodeLoss(samples: x, dictionary: d, bias: bias, codes: codes, lambda: lambda)
      #expect(abs(fixed - stream.loss) <= 1e-12 * max(1, stream.loss))
    }
  }

  @Test("Streaming checks decide as the in-memory checks do on random candidates, and a found descent is confirmed or unconfirmable, never failed (§5.7 with the codes held fixed)")
  func streamingVerdicts() async {
    await propertyCheck(count: 25, input: Gen.int(in: 2...5), Gen.int(in: 2...6), Gen.int(in: 20...80), Gen.int(in: 0...Int(Int32.max))) { m, k, n, seed in
      let (x, d, bias, lambda) = Self.randomProblem(m: m, k: k, n: n, seed: seed)
      let streamed = StationarityAssessment.assessStreaming(samples: x, dictionary: d, bias: bias, lambda: lambda, batchSize: 9)
      let problem = SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: ExactCodes.codes(for: x, dictionary: d, bias: bias, lambda: lambda),
                                        lambda: lambda)
      guard let direct = try? StationarityAssessment.assess(problem) else { Issue.record("the in-memory checks threw"); return }
      // LP-K's closed form decides both (a random dictionary is far from stationary); LP-R can only
      // agree with a descent (its feasible set lies inside LP-K's at λ > 0).
      if direct.verdict == .descentFound { #expect(streamed.verdict == .descentFound) }
      if streamed.verdict == .descentFound {
        #expect(streamed.descent.outcome == "confirmed" || streamed.descent.outcome == "unconfirmable", "\(streamed.descent)")
        #expect(streamed.descent.steps.count >= SelfVerification.standardSteps.count)
        #expect(streamed.descent.steps.first?.reoptimizedSlope != nil, "re-optimised codes are measured beside the first step")
        for step in streamed.descent.steps { #expect(step.reoptimizedSlope == nil || step.reoptimizedSlope! <= step.slope + 1e-9 * max(1, abs(step.slope))) }
      }
    }
  }

  /// X handed over a block at a time, recording the largest block asked for and the rows read.
  final class CountingRows: SampleRows, @unchecked Sendable {
    let matrix: Matrix<Double>
    private let lock = NSLock()
    private var largest = 0, total = 0
    init(_ matrix: Matrix<Double>) { self.matrix = matrix }
    var rows: Int { matrix.rows }
    var columns: Int { matrix.columns }
    func block(_ range: Range<Int>) -> Matrix<Double> {
      lock.withLock {
        largest = max(largest, range.count)
        total += range.count
      }
      // A copy even for every row, so that the counter, not the matrix's sharing, is what is tested.
      return Matrix(rows: range.count, columns: columns, storage: Array(matrix.storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }
    /// The largest block and the rows read so far.
    var counts: (largest: Int, total: Int) { lock.withLock { (largest, total) } }
  }

  @Test("The streaming checks read X a batch of rows at a time, never whole, and give the bytes they give on X in memory")
  func neverMaterialisesX() async {
    await propertyCheck(count: 25, input: Gen.int(in: 2...5), Gen.int(in: 2...6), Gen.int(in: 20...80), Gen.int(in: 1...9), Gen.int(in: 0...Int(Int32.max))) { m, k, n, batch, seed in
      let (x, d, bias, lambda) = Self.randomProblem(m: m, k: k, n: n, seed: seed)
      let counting = CountingRows(x)
      let streamed = StationarityAssessment.assessStreaming(samples: counting, dictionary: d, bias: bias, lambda: lambda, batchSize: batch)
      let whole = StationarityAssessment.assessStreaming(samples: x, dictionary: d, bias: bias, lambda: lambda, batchSize: batch)
      let (largest, total) = counting.counts
      #expect(largest <= batch, "a block of \(largest) rows with batches of \(batch) (N = \(n))")
      // One pass for the checks, and more for the descent's steps and the new atom's loss.
      #expect(total >= n)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let bytes = (try? encoder.encode(streamed), try? encoder.encode(whole))
      #expect(bytes.0 != nil && bytes.0 == bytes.1)
    }
  }

  @Test("The streaming checks give the same bytes on 1 and 3 workers: every batch's rows are measured apart and summed in row order")
  func workersGiveTheSameBytes() async {
    await propertyCheck(count: 25, input: Gen.int(in: 2...5), Gen.int(in: 2...8), Gen.int(in: 20...80), Gen.int(in: 1...20), Gen.int(in: 0...Int(Int32.max))) { m, k, n, batch, seed in
      let (x, d, bias, lambda) = Self.randomProblem(m: m, k: k, n: n, seed: seed)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let one = try? encoder.encode(StationarityAssessment.assessStreaming(samples: x, dictionary: d, bias: bias, lambda: lambda, batchSize: batch, threads: 1))
      let three = try? encoder.encode(StationarityAssessment.assessStreaming(samples: x, dictionary: d, bias: bias, lambda: lambda, batchSize: batch, threads: 3))
      #expect(one != nil && one == three)
      // Given codes with an activity threshold (an SAE's own codes), the kept codes and every figure.
      let codes: (Matrix<Double>) -> Matrix<Double> = { ExactCodes.codes(for: $0, dictionary: d, bias: bias, lambda: lambda) }
      let views = [1, 3].map {
        StreamingChecks(samples: x, dictionary: d, bias: bias, lambda: lambda, activityThreshold: 1e-3, batchSize: batch, threads: $0, keepCodes: true,
                        codes: codes)
      }
      let (a, b) = (views[0], views[1])
      #expect([a.kkt.codes, a.kkt.atoms, a.kkt.bias, a.lpKClosedForm, a.codeValue, a.wideBoundExcess, a.maxResidualNorm, a.loss, a.codeTotal]
        == [b.kkt.codes, b.kkt.atoms, b.kkt.bias, b.lpKClosedForm, b.codeValue, b.wideBoundExcess, b.maxResidualNorm, b.loss, b.codeTotal])
      #expect(a.atomGradient.storage == b.atomGradient.storage && a.biasGradient == b.biasGradient && a.mopUp == b.mopUp)
      #expect(a.maxResidualPoint == b.maxResidualPoint && a.codes == b.codes && a.pairs.count == b.pairs.count)
      for (p, q) in zip(a.pairs, b.pairs) { #expect(p.i == q.i && p.j == q.j && p.pass == q.pass && p.hullLow == q.hullLow && p.hullHigh == q.hullHigh) }
      if let kept = a.codes {
        let fixed = [1, 3].map { StreamingChecks.fixedCodeLoss(samples: x, dictionary: d, bias: bias, codes: kept, lambda: lambda, batchSize: batch, threads: $0) }
        #expect(fixed[0] == fixed[1])
      }
    }
  }

}
