import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Synchronization
import Testing
import LabTestSupport

/// A deadline whose clock is a counter: it passes at the `checks + 1`-th question and remembers how
/// often it was asked, so a test knows whether it expired during a run.
final class CountedDeadline: Sendable {
  private let asked = Atomic<Int>(0)
  /// Questions answered "not yet".
  let checks: Int

  init(passingAfter checks: Int) { self.checks = checks }

  /// The questions asked so far.
  var questions: Int { asked.load(ordering: .relaxed) }
  /// Whether it answered "passed" at least once.
  var expired: Bool { questions > checks }
  /// The deadline the learner asks.
  var deadline: LearningDeadline { LearningDeadline { self.asked.add(1, ordering: .relaxed).newValue > self.checks } }
}

/// Issue 16 item 7: whatever question the deadline passes at, every learner stops at a consistent
/// state — the codes it returns are the exact codes of the dictionary and bias it returns — says
/// `time-limit` exactly when the deadline expired, is the undisturbed run when it did not, and
/// repeats itself byte for byte for the same question.
@Suite("Every learner stops at a consistent state wherever its deadline passes")
struct LearningDeadlineTests {
  /// One run of a learner under a deadline.
  typealias Learner = (LearningDeadline?) -> LearningResult

  /// The learners on `x` from `start`, with settings small enough to run hundreds of times.
  static func learners(_ x: Matrix<Double>, start: Matrix<Double>, bias: [Double]?) -> [(name: String, run: Learner)] {
    let block = BlockMinimization.Configuration(initialSweeps: 4, sweepsPerIteration: 2, maxIterations: 12, kktCheckInterval: 4,
                                                deadAtomInterval: 3)
    let mod = MethodOfOptimalDirections.configuration(initialSweeps: 4, sweepsPerIteration: 2, maxIterations: 12, kktCheckInterval: 4)
    let online = OnlineDictionaryLearning.Configuration(epochs: 3, batchSize: 16)
    return [
      ("block", { LearningResult(BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: bias, lambda: 0.05,
                                                       configuration: block, deadline: $0)) }),
      ("mod", { MethodOfOptimalDirections.fit(samples: x, initialDictionary: start, initialBias: bias, lambda: 0.05,
                                               configuration: mod, deadline: $0) }),
      ("online", { OnlineDictionaryLearning.fit(samples: x, initialDictionary: start, initialBias: bias, lambda: 0.05, seed: 3,
                                                configuration: online, deadline: $0) }),
      ("online, then polishing", { deadline in
        let trained = OnlineDictionaryLearning.fit(samples: x, initialDictionary: start, initialBias: bias, lambda: 0.05, seed: 3,
                                                   configuration: .init(epochs: 1, batchSize: 16))
        // No timeLimit: a wall clock would make the plain run depend on the machine's load.
        return BlockPolishing.polish(trained, kktTolerance: 1e-8, timeLimit: nil, deadline: deadline)
      }),
    ]
  }

  @Test("For every question n: exact codes for the returned dictionary, time-limit iff expired, the plain run if not, the same bytes for the same n")
  func consistentWhereverItStops() async {
    await propertyCheck(count: 12, input: Gen.int(in: 2...4), Gen.int(in: 2...4), Gen.bool, Gen.int(in: 0...Int(Int32.max))) { atoms, dimension, withBias, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let x = LearningWorlds.samples(points: 48, atoms: atoms, dimension: dimension, offset: withBias ? 0.3 : 0, &rng)
      let start = RandomMatrices.gaussian(atoms, dimension, &rng)
      let bias: [Double]? = withBias ? [Double](repeating: 0, count: dimension) : nil
      for learner in Self.learners(x, start: start, bias: bias) {
        let never = CountedDeadline(passingAfter: .max - 1)
        let plain = learner.run(nil), counted = learner.run(never.deadline)
        #expect(Self.bytes(counted) == Self.bytes(plain), "\(learner.name): a deadline that never passes changed the run")
        // Every question of the run and one past its end (where the deadline never expires).
        let n = rng.nextInt(below: never.questions + 2)
        let clock = CountedDeadline(passingAfter: n)
        let stopped = learner.run(clock.deadline)
        #expect((stopped.termination == .timeLimit) == clock.expired,
                "\(learner.name), n = \(n) of \(never.questions): termination \(stopped.termination), expired \(clock.expired)")
        if !clock.expired { #expect(Self.bytes(stopped) == Self.bytes(plain), "\(learner.name), n = \(n): an unexpired deadline changed the run") }
        let p = stopped.problem
        let exact = ExactCodes.codes(for: p.samples, dictionary: p.dictionary, bias: p.bias, lambda: p.lambda)
        // Block minimisation without a stop takes its codes from NonnegativeLasso (the same solution up to rounding).
        if stopped.termination == .timeLimit || learner.name != "block" && learner.name != "online, then polishing" {
          #expect(p.codes == exact, "\(learner.name), n = \(n): the codes are not the exact codes of the returned dictionary")
        }
        #expect(stopped.kkt.codes <= 1e-10, "\(learner.name), n = \(n): K1 \(stopped.kkt.codes)")
        #expect(LearningWorlds.normError(p.dictionary) <= 1e-12 && p.dictionary.storage.allSatisfy(\.isFinite))
        #expect(stopped.objectiveHistory.allSatisfy(\.isFinite) && !stopped.objectiveHistory.isEmpty)
        let again = learner.run(CountedDeadline(passingAfter: n).deadline)
        #expect(Self.bytes(again) == Self.bytes(stopped), "\(learner.name), n = \(n): the same question gave other bytes")
      }
    }
  }

  /// Everything a learner returns that `lab learn` writes, compared exactly.
  struct Outcome: Equatable {
    var dictionary: [Double], bias: [Double]?, codes: [Double], history: [Double]
    var iterations: Int, reseededAtoms: Int, termination: LearningTermination
  }

  static func bytes(_ result: LearningResult) -> Outcome {
    let p = result.problem
    return Outcome(dictionary: p.dictionary.storage, bias: p.bias, codes: p.codes.storage, history: result.objectiveHistory,
                   iterations: result.iterations, reseededAtoms: result.reseededAtoms, termination: result.termination)
  }
}
