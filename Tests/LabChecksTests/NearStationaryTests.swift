import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabOptimization
import LabRandom
import LabSolvers
import Testing

/// Issue 16 item 2: the verdict is decided where trained dictionaries live, near but not at a
/// stationary point — a block-learned (stationary) dictionary, the same with one atom rotated by
/// 10⁻³…10⁻⁷ rad, and its float32 rounding — and agrees with an independent recomputation
/// (GLPK's own solve of LP-K, a different solver from the verified closed form), never `failed`.
@Suite("Near-stationary inputs are decided (THEORY §5.1, §5.7)")
struct NearStationaryTests {
  /// A small world (m = 6, K = 5, N = 300, λ = 0.08) trained by the block learner from G₀ + 0.2ξ.
  static func trained(seed: UInt64, bias: Bool) -> SparseCodingProblem {
    var rng = Xoshiro256StarStar(seed: seed)
    let (n, m, k) = (300, 6, 5)
    let g0 = BlockMinimization.normalizedRows(FirstOrderPredictionTests.gaussian(k, m, &rng))
    var z = Matrix<Double>(rows: n, columns: k)
    for index in z.storage.indices where rng.nextBernoulli(0.3) { z.storage[index] = rng.nextUniform(in: 0.3...1.5) }
    var x = z * g0
    x.storage = x.storage.map { $0 + (bias ? 0.5 : 0) + 0.05 * rng.nextNormal() }
    let start = g0 + 0.2 * FirstOrderPredictionTests.gaussian(k, m, &rng)
    return BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: bias ? [Double](repeating: 0, count: m) : nil,
                                 lambda: 0.08).problem
  }

  /// `problem` with atom `atom` rotated by `angle` radians toward a fixed orthogonal direction, with exact codes.
  static func rotated(_ problem: SparseCodingProblem, atom: Int, angle: Double) -> SparseCodingProblem {
    var d = problem.dictionary
    let dk = d.row(atom)
    var other = [Double](repeating: 0, count: d.columns)
    other[(dk.indices.max { abs(dk[$0]) < abs(dk[$1]) }! + 1) % d.columns] = 1
    let along = zip(other, dk).reduce(0) { $0 + $1.0 * $1.1 }
    var perpendicular = zip(other, dk).map { $0 - along * $1 }
    let norm = perpendicular.reduce(0) { $0 + $1 * $1 }.squareRoot()
    perpendicular = perpendicular.map { $0 / norm }
    d.setRow(atom, to: zip(dk, perpendicular).map { cos(angle) * $0 + sin(angle) * $1 })
    return recoded(problem, dictionary: d)
  }

  /// The problem with dictionary `d` (rows renormalised) and its exact lasso codes.
  static func recoded(_ problem: SparseCodingProblem, dictionary d: Matrix<Double>, samples: Matrix<Double>? = nil) -> SparseCodingProblem {
    let unit = BlockMinimization.normalizedRows(d)
    let x = samples ?? problem.samples
    let codes = NonnegativeLasso(dictionary: unit, lambda: problem.lambda).codes(for: x, bias: problem.bias)
    return SparseCodingProblem(samples: x, dictionary: unit, bias: problem.bias, codes: codes, lambda: problem.lambda)
  }

  /// The verdict an independent solver gives: GLPK's verified LP-K below −ε is a descent; else `nil`
  /// (undecided by this recomputation) unless the verdict's own LP-R is verified and ≥ −ε.
  static func independentVerdict(_ problem: SparseCodingProblem, tolerance: Double, scale: Double) throws -> Verdict? {
    let glpk = try KKTLinearProgram.solve(problem)
    guard glpk.isTrusted else { return nil }
    return glpk.value < -tolerance * scale ? .descentFound : .stationary
  }

  /// The seeds of the small worlds: 20 fixed seeds, 280 cases.
  ///
  /// Protocol history, stated as the lab's rules ask: this test first drew 2 seeds at random and
  /// required every case to be decided. A clean-clone run drew seed 1568110557, whose trained point
  /// (with a bias) had an LP-R that failed verification (duality gap 5.6e-9 against 1e-9), so the test
  /// was relaxed to the issue's own criterion over seeds 1…20, with the 3 undecided cases (seed 7 with
  /// a bias: the trained point and its float32 rounding; seed 10 without: the float32 rounding)
  /// recorded as known issues. Their cause was the primal simplex at LP-R's degenerate origin, which
  /// returned duals of magnitude up to 10⁷ whose recomputed reduced costs carry rounding beyond the
  /// gap tolerance; boxed programs are now solved by the dual simplex (`GLPK.firstSimplex`), and
  /// every case must again be decided.
  static let seeds: [UInt64] = Array(1...20)

  /// One input of a family: its name, the candidate and the verdict's relative ε.
  typealias Input = (name: String, problem: SparseCodingProblem, tolerance: Double)

  /// A stationary `base`, the same with atom 0 rotated by 10⁻³…10⁻⁷ rad, and its float32 rounding (data and atoms).
  static func family(_ base: SparseCodingProblem) -> [Input] {
    var inputs: [Input] = [("trained", base, Verdict.float64Tolerance)]
    for exponent in 3...7 {
      let angle = pow(10, -Double(exponent))
      inputs.append(("atom 0 rotated by 1e-\(exponent)", Self.rotated(base, atom: 0, angle: angle), Verdict.float64Tolerance))
    }
    let x32 = Matrix(rows: base.samples.rows, columns: base.samples.columns, storage: base.samples.storage.map { Double(Float($0)) })
    let d32 = Matrix(rows: base.dictionary.rows, columns: base.dictionary.columns, storage: base.dictionary.storage.map { Double(Float($0)) })
    inputs.append(("float32 rounding", Self.recoded(base, dictionary: d32, samples: x32), Verdict.float32Tolerance))
    return inputs
  }

  /// Assesses every input of `family`: each must be decided and never `failed`; returns
  /// (number of cases, number agreeing with the independent verdict).
  static func check(_ family: [Input], label: String) throws -> (cases: Int, agreeing: Int) {
    var cases = 0, agreeing = 0
    for input in family {
      // CERT and the stars never enter the verdict (§5.1); the verdict's own LPs all run.
      let assessment = try StationarityAssessment.assess(input.problem, relativeTolerance: input.tolerance,
                                                         plan: CheckPlan(skipping: [.cert, .stars]))
      let independent = try Self.independentVerdict(input.problem, tolerance: input.tolerance, scale: assessment.scale)
      cases += 1
      if assessment.verdict == independent { agreeing += 1 }
      #expect(assessment.verdict != .inconclusive, "\(label), \(input.name): undecided: \(assessment.undecided ?? "")")
      #expect(assessment.descent.outcome != "failed", "\(label), \(input.name): a false failed self-verification")
    }
    return (cases, agreeing)
  }

  @Test("A stationary dictionary, the same with one atom rotated by 1e-3…1e-7 rad, and its float32 rounding: decided, agreeing with GLPK's LP-K in ≥ 95 % of cases, never failed")
  func nearStationaryAreDecided() throws {
    var cases = 0, agreeing = 0
    for seed in Self.seeds {
      for bias in [false, true] {
        let found = try Self.check(Self.family(Self.trained(seed: seed, bias: bias)), label: "seed \(seed), bias \(bias)")
        (cases, agreeing) = (cases + found.cases, agreeing + found.agreeing)
      }
    }
    #expect(Double(agreeing) >= 0.95 * Double(cases), "\(agreeing) of \(cases) agree")
  }

  /// The tree world of `lab generate tree` (toys/tree.json: m = 12, K = 9, a depth-2 forest with
  /// exclusive children at 70° from their parents, no noise), N = 400 points of sampling seed `seed`,
  /// trained at λ = 0.05 by the block learner from the true dictionary plus 0.2ξ: the size of the issue's
  /// `lab learn` example (there N = 1000…2000), kept small so that the suite stays within minutes.
  static func treeWorld(seed: UInt64) throws -> SparseCodingProblem {
    let toy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("toys/tree.json")
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: toy)) as? [String: Any]
    let spec = try JSONDecoder().decode(WorldSpec.self, from: JSONSerialization.data(withJSONObject: document?["world"] ?? [:]))
    var generator = try WorldGenerator(world: spec.world, seed: seed)
    let x = generator.next(400).samples
    var rng = Xoshiro256StarStar(seed: seed)
    let start = generator.dictionary + 0.2 * FirstOrderPredictionTests.gaussian(generator.dictionary.rows, generator.dictionary.columns, &rng)
    return BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: nil, lambda: 0.05).problem
  }

  @Test("Tree world (m = 12, K = 9): a learned dictionary, one atom rotated by 1e-3…1e-7 rad, and its float32 rounding are decided and agree in ≥ 95 % of cases, never failed", arguments: [UInt64(1), 2, 3])
  func treeWorldIsDecided(seed: UInt64) throws {
    let found = try Self.check(Self.family(try Self.treeWorld(seed: seed)), label: "tree world seed \(seed)")
    #expect(Double(found.agreeing) >= 0.95 * Double(found.cases), "\(found.agreeing) of \(found.cases) agree")
  }
}
