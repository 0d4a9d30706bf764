import Foundation
import LabChecks
@testable import LabExperiments
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §10 predictions 20 and 21 on freshly drawn exclusive-ray data and randomised counterexamples.
@Suite("Predictions 20 and 21 (exclusive features)")
struct ExclusivePredictionTests {
  static let seeds = Gen.int(in: 0...Int(Int32.max))

  @Test("Prediction 20: exclusive rays (55 % empty, K = 3 non-orthogonal and K = 4 overcomplete): exact cost = Σ‖x_n‖ (1e-8), all pairs and stars pass, LIN = 0 with and without bias, and no random exact star move lowers the cost — the quick run's exact checks pass for root seeds 1–20, each with ≥ 50 feasible, verified moves",
        arguments: 1...20)
  func exclusiveExact(seed: Int) throws {
    // The quick configuration (60 star moves per case instead of 300) keeps 20 seeds within a minute of CPU;
    // the full configuration was run for seeds 1–20 with the release binary when the moves were introduced.
    var toy = ExclusiveToy.default.quick()
    toy.seed = UInt64(seed)
    let tree = SeedTree(root: toy.seed)
    let cases = try toy.dictionaries.flatMap { try ExclusiveExperiment.exactCases($0, toy: toy, tree: tree) }
    for check in ExclusiveExperiment.checks(toy, exact: cases, trained: [], counterexamples: []) {
      #expect(check.status == .pass, "seed \(seed), \(check.id): \(check.measured)")
    }
    // The moves are feasible by construction (Lemma 4.1): every one of them tests the claim.
    for c in cases { if let moves = c.starMoves { #expect(moves.infeasible == 0 && moves.tried == toy.exact.perturbations) } }
  }

  @Test("The star-move search can fail: on the covering-clusters counterexample of prediction 21 (with a bias) random star moves lower the cost")
  func starMovesFindTheCounterexample() throws {
    let example = ExclusiveToy.default.counterexamples[0]
    let z = Matrix(example.activityTypes.flatMap { Array(repeating: $0.codes, count: $0.count) })
    let d = BlockMinimization.normalizedRows(Matrix(example.atoms))
    let problem = SparseCodingProblem(samples: z * d, dictionary: d, bias: [0, 0], codes: z, lambda: 1)
    var rng = Xoshiro256StarStar(seed: 17)
    let moves = try ExclusiveStarMoves.search(problem, used: [0, 1], cost: z.storage.reduce(0, +), count: 100,
                                              scale: ExclusiveToy.default.exact.perturbationScale, &rng)
    #expect(moves.feasible == 100)
    #expect((moves.largestDecrease ?? 0) > 1e-3, "largest decrease \(moves.largestDecrease ?? .nan)")
  }

  @Test("Prediction 20: at λ = 0.05 with a bias, training from the atoms + 0.2ξ on noisy exclusive rays gives LP-K, LP-R > −1e-5·scale, and random perturbations with re-optimised codes never lower the loss")
  func exclusiveTrained() async {
    var toy = ExclusiveToy.default
    toy.trained.perturbations = 50  // a sample of the claim (the report runs 200)
    await propertyCheck(count: 2, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      for dictionary in toy.dictionaries {
        let c = try ExclusiveExperiment.trainedCase(dictionary, toy: toy, &rng)
        let s = c.state
        // LP-K by its exact closed form (§5.2); LP-R by GLPK, verified.
        #expect(s.lpKClosedForm / s.scale > -1e-5 && s.lpR.verified && (s.lpR.relativeValue ?? -1) > -1e-5,
                "\(dictionary.name): LP-K/scale \(s.lpKClosedForm / s.scale), LP-R/scale \(s.lpR.relativeValue ?? .nan), KKT \(s.kkt.maximum)")
        #expect((c.largestDecrease ?? .nan) <= 1e-12 * s.loss, "\(dictionary.name): a perturbation lowered L by \(c.largestDecrease ?? .nan)")
      }
    }
  }

  /// A counterexample with one activity type per point (codes drawn per point).
  static func counterexample(_ name: String, atoms: [[Double]], codes: [[Double]], failingEnd: ExclusiveToy.Counterexample.End) -> ExclusiveToy.Counterexample {
    ExclusiveToy.Counterexample(name: name, atoms: atoms, activityTypes: codes.map { .init(codes: $0, count: 1) },
                                failingEnd: failingEnd, steps: [0.01, 0.05])
  }

  @Test("Prediction 21: with a bias two covering clusters fail at the lower end and obtuse atoms (c = −0.8, p₁ = 0.6) at the upper end, the exact move lowers the cost; without a bias both pass")
  func exclusivityNeedsConditionsWithBias() async {
    await propertyCheck(count: 20, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      // Covering clusters: every point has exactly one feature; c ∈ [0, 0.5]; codes U[0.9, 1.1] so that
      // min z₀ ≥ 0.9 > (1 − c)·z̄₀ (z̄₀ ≤ 0.75·1.1) — the lower end of Thm 6.4(b) fails.
      let c = rng.nextUniform(in: 0...0.5)
      let (first, second) = (10 + rng.nextInt(below: 21), 10 + rng.nextInt(below: 21))
      let covering = (0..<(first + second)).map { n in n < first ? [rng.nextUniform(in: 0.9...1.1), 0] : [0, rng.nextUniform(in: 0.9...1.1)] }
      // Obtuse: 3q points with feature 0 only (p₀ = 0.6), q with feature 1, q empty; z₀ ~ U[0.98, 1.02] so
      // that max z₀ ≤ 1.02 < 1.8·z̄₀ (≥ 1.8·0.6·0.98) — the upper end fails.
      let q = 4 + rng.nextInt(below: 17)
      let obtuse = (0..<(5 * q)).map { n in n < 3 * q ? [rng.nextUniform(in: 0.98...1.02), 0] : (n < 4 * q ? [0, rng.nextUniform(in: 0.5...1.5)] : [0, 0]) }
      let examples = [
        Self.counterexample("covering-clusters", atoms: [[1, 0], [c, (1 - c * c).squareRoot()]], codes: covering, failingEnd: .lower),
        Self.counterexample("obtuse", atoms: [[1, 0], [-0.8, 0.6]], codes: obtuse, failingEnd: .upper),
      ]
      var toy = ExclusiveToy.default
      toy.counterexamples = examples
      let cases = try examples.map(ExclusiveExperiment.counterexample)
      for check in ExclusiveExperiment.checks(toy, exact: [], trained: [], counterexamples: cases) {
        #expect(check.status == .pass, "\(check.id): \(check.measured)")
      }
    }
  }
}
