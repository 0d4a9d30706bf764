import Foundation
import LabChecks
import LabNumerics
import LabRandom
import LabSolvers

/// Runs the exclusive experiment (THEORY §6.2, predictions 20 and 21).
///
/// * Exact problem, exclusive rays with most points empty: the LP-coded cost equals Σ‖x_n‖ (the wide
///   bound, Theorem 6.8), every pair and star passes, LIN = 0 with and without a bias, and random
///   exact star moves of (D, b) (``ExclusiveStarMoves``), which stay feasible, with codes re-solved per
///   point by LP never lower the cost.
/// * λ > 0 with a bias: training from perturbed atoms reaches LP-K, LP-R ≈ 0, and random
///   perturbations with exact lasso codes never lower the loss.
/// * The two bias counterexamples of Theorem 6.4: the predicted end of H_{0|1} fails with a bias, the
///   exact pair move lowers the cost as the closed form of Theorem 4.2(c) says, and without a bias
///   the pair conditions hold and LIN = 0.
public enum ExclusiveExperiment {
  /// One exact-problem case.
  public struct ExactCase: Codable, Sendable {
    public var dictionary: String
    public var bias: Bool
    /// Σ_n γ⁺_D(x_n − b) by per-point LPs, and Σ_n ‖x_n − b‖.
    public var cost: Double, sumOfNorms: Double
    public var pairsPass: Int, pairs: Int
    public var starsPass: Int, stars: Int
    public var lin: LPRecord
    /// Points whose LP answer failed verification when coding the unmoved data (their cost is not known).
    public var unverifiedPoints: Int
    /// The random exact star moves (with a bias only; `nil` without).
    public var starMoves: ExclusiveStarMoves?
  }

  /// One trained (λ > 0) case.
  public struct TrainedCase: Codable, Sendable {
    public var dictionary: String
    public var iterations: Int
    public var termination: BlockMinimization.Termination
    public var state: StateRecord
    public var largestDecrease: Double?
    public var perturbations: Int
  }

  /// One counterexample of prediction 21.
  public struct CounterexampleCase: Codable, Sendable {
    public var name: String
    /// Σz of the true codes.
    public var cost: Double
    /// z_0n on the points where feature 1 is silent, and z̄_0.
    public var silentDonorCodes: [Double], donorMean: Double
    public var pairsWithBias: [PairCondition]
    public var pairsWithoutBias: [PairCondition]
    public var pairLPValue: Double
    public var rotation: Double
    public var move: StarMove.Verification?
    /// ΔC(θ) of Theorem 4.2(c) at the move's angles θ = τ·s·a.
    public var closedForm: [Double]
    public var angles: [Double]
    public var linWithoutBias: LPRecord
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = ExclusiveToy
    public var exact: [ExactCase]
    public var trained: [TrainedCase]
    public var counterexamples: [CounterexampleCase]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// Exclusive rays: ⌊emptyFraction·N⌋ empty points, each other point one atom chosen uniformly with
  /// a magnitude uniform on `magnitude`, plus Gaussian noise of standard deviation `noise`.
  static func exclusiveRays(atoms d: Matrix<Double>, count n: Int, emptyFraction: Double, magnitude: [Double],
                            noise: Double, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    var z = Matrix<Double>(rows: n, columns: d.rows)
    let empty = Int((emptyFraction * Double(n)).rounded(.down))
    for point in empty..<n {
      let atom = rng.nextInt(below: d.rows)
      z[point, atom] = rng.nextUniform(in: magnitude[0]...magnitude[1])
    }
    var x = z * d
    if noise > 0 { for index in x.storage.indices { x.storage[index] += noise * rng.nextNormal() } }
    return x
  }

  /// A random geodesic move of every atom (and the bias) by an angle log-uniform on `scale` (the λ > 0
  /// part, where every move is feasible).
  static func perturbed(_ problem: SparseCodingProblem, scale: [Double], _ rng: inout Xoshiro256StarStar) -> SparseCodingProblem {
    let d = problem.dictionary
    let angle = exp(rng.nextUniform(in: log(scale[0])...log(scale[1])))
    var atoms = Matrix<Double>(rows: d.rows, columns: d.columns)
    for k in 0..<d.rows {
      let xi = (0..<d.columns).map { _ in rng.nextNormal() }
      let along = zip(xi, d.row(k)).reduce(0) { $0 + $1.0 * $1.1 }
      let tangent = zip(xi, d.row(k)).map { $0 - along * $1 }
      let norm = tangent.reduce(0) { $0 + $1 * $1 }.squareRoot()
      atoms.setRow(k, to: tangent.map { $0 / max(norm, .leastNormalMagnitude) })
    }
    let bias = (0..<d.columns).map { _ in rng.nextNormal() / Double(d.columns).squareRoot() }
    let direction = PerturbationDirection(atoms: atoms, bias: bias, codes: problem.codes)
    return SelfVerification.moved(problem, along: direction, by: angle)
  }

  static func exactCase(_ dictionary: ExclusiveToy.Dictionary, bias: Bool, toy: ExclusiveToy, samples x: Matrix<Double>,
                        _ rng: inout Xoshiro256StarStar) throws -> ExactCase {
    let d = BlockMinimization.normalizedRows(Matrix(dictionary.atoms))
    let b: [Double]? = bias ? [Double](repeating: 0, count: d.columns) : nil
    var codes = Matrix<Double>(rows: x.rows, columns: d.rows)
    var unverified = 0
    for n in 0..<x.rows {
      let point = try ExactL1Coding.code(x.row(n), dictionary: d)
      if !point.verified { unverified += 1 }
      guard let code = point.code else { continue }
      codes.setRow(n, to: code.map { max($0, 0) })
    }
    let problem = SparseCodingProblem(samples: x, dictionary: d, bias: b, codes: codes, lambda: 1)
    let cost = try ExactL1Coding.total(samples: x, dictionary: d, bias: b).cost
    let norms = (0..<x.rows).reduce(0.0) { $0 + x.row($1).reduce(0) { $0 + $1 * $1 }.squareRoot() }
    let pairs = PairCondition.all(in: problem)
    let used = (0..<d.rows).filter { k in (0..<x.rows).contains { codes[$0, k] > 0 } }
    var starsPass = 0, stars = 0
    for j in used where used.count >= 3 {
      let star = try StarProgram.solve(problem, receiver: j, donors: used.filter { $0 != j })
      stars += 1
      if star.status == .optimal && star.verification.verified && !star.fails { starsPass += 1 }
    }
    let lin = try ReconstructionPreservingProgram.solve(problem, weight: 1)
    let moves = bias ? try ExclusiveStarMoves.search(problem, used: used, cost: cost, count: toy.exact.perturbations,
                                                      scale: toy.exact.perturbationScale, &rng) : nil
    return ExactCase(dictionary: dictionary.name, bias: bias, cost: cost, sumOfNorms: norms, pairsPass: pairs.filter(\.pass).count,
                     pairs: pairs.count, starsPass: starsPass, stars: stars, lin: StateAssessment.record(lin, scale: cost),
                     unverifiedPoints: unverified, starMoves: moves)
  }

  /// The exact part for one dictionary, without and with a bias, on data drawn from the sub-seed
  /// `exact/<name>` of `tree`, as a run does.
  static func exactCases(_ dictionary: ExclusiveToy.Dictionary, toy: ExclusiveToy, tree: SeedTree) throws -> [ExactCase] {
    var rng = tree.generator(for: "exact/\(dictionary.name)")
    let d = BlockMinimization.normalizedRows(Matrix(dictionary.atoms))
    let x = exclusiveRays(atoms: d, count: toy.exact.sampleCount, emptyFraction: toy.exact.emptyFraction,
                          magnitude: toy.exact.magnitude, noise: 0, &rng)
    return try [false, true].map { try exactCase(dictionary, bias: $0, toy: toy, samples: x, &rng) }
  }

  static func trainedCase(_ dictionary: ExclusiveToy.Dictionary, toy: ExclusiveToy, _ rng: inout Xoshiro256StarStar) throws -> TrainedCase {
    let t = toy.trained
    let d = BlockMinimization.normalizedRows(Matrix(dictionary.atoms))
    let x = exclusiveRays(atoms: d, count: t.sampleCount, emptyFraction: toy.exact.emptyFraction, magnitude: toy.exact.magnitude,
                          noise: t.noise, &rng)
    var start = d
    for index in start.storage.indices { start.storage[index] += t.initialNoise * rng.nextNormal() }
    let fit = BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: [Double](repeating: 0, count: d.columns),
                                    lambda: t.lambda, configuration: t.training)
    let state = try StateAssessment.assess(fit.problem)
    let loss = fit.problem.loss
    var largest: Double?
    for _ in 0..<t.perturbations {
      var moved = perturbed(fit.problem, scale: t.perturbationScale, &rng)
      moved.codes = NonnegativeLasso(dictionary: moved.dictionary, lambda: t.lambda).codes(for: x, bias: moved.bias)
      largest = max(largest ?? -.infinity, loss - moved.loss)
    }
    return TrainedCase(dictionary: dictionary.name, iterations: fit.iterations, termination: fit.termination, state: state,
                       largestDecrease: largest, perturbations: t.perturbations)
  }

  static func counterexample(_ example: ExclusiveToy.Counterexample) throws -> CounterexampleCase {
    let z = Matrix(example.activityTypes.flatMap { Array(repeating: $0.codes, count: $0.count) })
    let d = BlockMinimization.normalizedRows(Matrix(example.atoms))
    let withBias = SparseCodingProblem(samples: z * d, dictionary: d, bias: [Double](repeating: 0, count: d.columns), codes: z, lambda: 1)
    var withoutBias = withBias
    withoutBias.bias = nil
    let pair = try StarProgram.solve(withBias, receiver: 1, donors: [0])
    let a = pair.rotations.first ?? 0
    let move = pair.fails ? StarMove.verify(withBias, receiver: 1, donors: [0], rotations: [a], lpValue: pair.value, steps: example.steps) : nil
    // Theorem 4.2(c): ΔC(θ) = [Z_0(sin φ − sin θ − sin(φ − θ)) + Nμ sin θ] / sin(φ − θ), μ = max or min of z_0 on B_1.
    let c = zip(d.row(0), d.row(1)).reduce(0) { $0 + $1.0 * $1.1 }
    let phi = acos(c)
    let silent = (0..<z.rows).filter { z[$0, 1] == 0 }.map { z[$0, 0] }
    let mass = z.column(0).reduce(0, +), n = Double(z.rows)
    let angles = example.steps.map { $0 * sin(phi) * a }
    let closed = angles.map { theta -> Double in
      let mu = theta > 0 ? silent.max()! : silent.min()!
      return (mass * (sin(phi) - sin(theta) - sin(phi - theta)) + n * mu * sin(theta)) / sin(phi - theta)
    }
    let lin = try ReconstructionPreservingProgram.solve(withoutBias, weight: 1)
    return CounterexampleCase(name: example.name, cost: z.storage.reduce(0, +), silentDonorCodes: silent, donorMean: mass / n, pairsWithBias: PairCondition.all(in: withBias), pairsWithoutBias: PairCondition.all(in: withoutBias),
                              pairLPValue: pair.value, rotation: a, move: move, closedForm: closed, angles: angles,
                              linWithoutBias: StateAssessment.record(lin, scale: z.storage.reduce(0, +)))
  }

  /// Runs `toy` and packages its report and run record.
  public static func product(_ toy: ExclusiveToy, progress: (String) -> Void) throws -> ExperimentProduct {
    let tree = SeedTree(root: toy.seed)
    var seeds: [String: UInt64] = [:]
    var exact: [ExactCase] = [], trained: [TrainedCase] = []
    for dictionary in toy.dictionaries {
      progress("exact problem: \(dictionary.name)")
      let path = "exact/\(dictionary.name)"
      seeds[path] = tree.seed(for: path)
      exact += try exactCases(dictionary, toy: toy, tree: tree)
      progress("λ > 0: training \(dictionary.name)")
      let trainedPath = "trained/\(dictionary.name)"
      seeds[trainedPath] = tree.seed(for: trainedPath)
      var trainedRng = tree.generator(for: trainedPath)
      trained.append(try trainedCase(dictionary, toy: toy, &trainedRng))
    }
    progress("counterexamples")
    let counterexamples = try toy.counterexamples.map(counterexample)
    let checks = checks(toy, exact: exact, trained: trained, counterexamples: counterexamples)
    return ExperimentProduct(record: Record(toy: toy, seeds: seeds, results: Results(exact: exact, trained: trained, counterexamples: counterexamples),
                                            checks: checks))
  }

  /// Thm 6.8: the exact cost equals the wide bound Σ‖x_n‖, relatively.
  static let wideBoundTolerance = Threshold.atMost(1e-8)
  /// Thm 6.8: LIN is zero: not below −10⁻⁷·Σz (THEORY §5.1).
  static let noDescent = Threshold.atLeast(-Verdict.float64Tolerance)
  /// Thm 6.8 (global optimum): no perturbation of the exact problem lowers the cost by more than this, per unit Σz.
  static let exactPerturbationTolerance = Threshold.atMost(1e-9)
  /// Prediction 20: the exact part's perturbation check tests something only when at least this many star
  /// moves were feasible and verified (the quick run tries 60, the full run 300).
  static let minimumFeasibleMoves = Threshold.atLeast(50)
  /// Prediction 20: trained LP-K and LP-R, per unit scale, lie above this.
  static let trainedLPThreshold = Threshold.above(-1e-5)
  /// Prediction 20: no perturbation of the trained point lowers L_λ by more than this, per unit L_λ.
  static let trainedPerturbationTolerance = Threshold.atMost(1e-12)
  /// Thm 4.2(c): the exact move's ΔC equals the closed form to this, per unit max(1, |ΔC|).
  static let closedFormTolerance = Threshold.atMost(1e-9)

  static func checks(_ toy: ExclusiveToy, exact: [ExactCase], trained: [TrainedCase],
                     counterexamples: [CounterexampleCase]) -> [CheckResult] {
    var checks: [Check] = []
    for c in exact {
      let id = "exact/\(c.dictionary)/\(c.bias ? "bias" : "no-bias")"
      if !c.bias {
        checks.append(Check("exact/\(c.dictionary)/cost", claim: "Thm 6.8: exclusive rays are coded at the wide bound, Σ_n γ⁺(x_n) = Σ_n ‖x_n‖",
                            measured: "\(Figures.format(c.cost, digits: 12)) vs \(Figures.format(c.sumOfNorms, digits: 12))"
                              + (c.unverifiedPoints > 0 ? " (\(c.unverifiedPoints) point LPs unverified)" : ""),
                            [.relative(c.cost, c.sumOfNorms, wideBoundTolerance)], conclusive: c.unverifiedPoints == 0))
      }
      checks.append(Check("\(id)/pairs-and-stars", claim: "Thm 6.4(a)–(c): every pair and full star condition holds",
                          measured: "pairs \(c.pairsPass) of \(c.pairs); stars \(c.starsPass) of \(c.stars)",
                          [.stated("all pass", c.pairsPass == c.pairs && c.starsPass == c.stars)]))
      checks.append(Check("\(id)/lin", claim: "Thm 6.8: no first-order descent: LIN (ω = 1) = 0",
                          measured: "LIN \(Figures.format(c.lin.value, digits: 4)) (verified: \(c.lin.verified ? "yes" : "no"))",
                          [.each(nil, c.lin.verified ? [c.lin.value ?? -.infinity] : [], noDescent, scale: c.cost, scaleName: "Σz")],
                          conclusive: c.lin.verified))
      if let moves = c.starMoves {
        // A move whose re-solve has an unverified point LP decides nothing; too few decided moves is
        // inconclusive when unverified LPs are the reason, and a failure when the moves were infeasible.
        let enough = minimumFeasibleMoves.admits(Double(moves.feasible))
        checks.append(Check("\(id)/star-moves", claim: "Thm 6.8 (global optimum): no random exact star move of (D, b) (Lemma 4.1) lowers the LP-re-solved cost",
                            measured: "\(moves.tried) moves: \(moves.feasible) feasible and verified, \(moves.unverified) with an unverified point LP, \(moves.infeasible) infeasible; largest decrease \(Figures.format(moves.largestDecrease, digits: 3))",
                            [.that(nil, moves.largestDecrease ?? .nan, exactPerturbationTolerance, scale: c.cost, scaleName: "Σz"),
                             .that("feasible moves", Double(moves.feasible), minimumFeasibleMoves)],
                            conclusive: enough || moves.unverified == 0))
      }
    }
    for c in trained {
      let s = c.state
      let verified = s.lpK.verified && s.lpR.verified
      checks.append(Check("trained/\(c.dictionary)/lp-values", claim: "Prediction 20: after training at λ = \(Figures.format(toy.trained.lambda)) with a bias, LP-K and LP-R ≈ 0",
                          measured: "LP-K/scale \(Figures.format(s.lpK.relativeValue, digits: 3)), LP-R/scale \(Figures.format(s.lpR.relativeValue, digits: 3)); KKT \(Figures.format(s.kkt.maximum, digits: 3)) after \(c.iterations) iterations (\(c.termination.rawValue))",
                          [.each(nil, verified ? [s.lpK.relativeValue ?? -1, s.lpR.relativeValue ?? -1] : [], trainedLPThreshold)]))
      checks.append(Check("trained/\(c.dictionary)/pairs", claim: "Thm 4.6: every pair condition holds at the stationary point",
                          measured: "\(s.pairs.filter(\.pass).count) of \(s.pairs.count) pass", [.stated("all pass", s.pairs.allSatisfy(\.pass))]))
      checks.append(Check("trained/\(c.dictionary)/perturbations", claim: "Prediction 20: no random perturbation with exact lasso codes lowers L_λ",
                          measured: "\(c.perturbations) perturbations; largest decrease \(Figures.format(c.largestDecrease, digits: 3))",
                          [.that(nil, c.largestDecrease ?? .nan, trainedPerturbationTolerance, scale: s.loss, scaleName: "L_λ")]))
    }
    for (c, example) in zip(counterexamples, toy.counterexamples) {
      // Theorem 4.2(a) in its raw form, min_{B_1} z_0 ≤ (1 − c)·z̄_0 ≤ max_{B_1} z_0, whose ends THEORY names;
      // ẑ = 1 − z/z̄ reverses the order, so the raw lower end is the upper end of H_{0|1}.
      let pair = c.pairsWithBias.first { $0.i == 0 && $0.j == 1 }
      let silent = c.silentDonorCodes
      let target = (1 - (pair?.cosine ?? 1)) * c.donorMean
      let endFails: Bool, failure: String
      switch example.failingEnd {
      case .lower: (endFails, failure) = ((silent.min() ?? 0) > target, "min > (1 − c)z̄_0")
      case .upper: (endFails, failure) = ((silent.max() ?? .infinity) < target, "max < (1 − c)z̄_0")
      }
      checks.append(Check("\(c.name)/\(example.failingEnd.rawValue)-end-fails", claim: "Thm 6.4(b): with a bias the \(example.failingEnd.rawValue) inequality of min_{B_1} z_0 ≤ (1 − c)z̄_0 ≤ max_{B_1} z_0 fails",
                          measured: "[\(Figures.format(silent.min())), \(Figures.format(silent.max()))] vs (1 − c)z̄_0 = \(Figures.format(target)); modified form c = \(Figures.format(pair?.cosine)), H = \(Figures.interval(pair?.hullLow, pair?.hullHigh))",
                          [.stated(failure, pair != nil && !pair!.pass && endFails)]))
      let measured = c.move?.steps.map(\.costChange) ?? []
      let differences = measured.count == c.closedForm.count ? zip(measured, c.closedForm).map { abs($0 - $1) / max(1, abs($1)) } : []
      checks.append(Check("\(c.name)/exact-move", claim: "Thm 4.2(c): the exact pair move lowers the cost by the closed form ΔC(θ)",
                          measured: zip(c.angles, measured).map { "θ=\(Figures.format($0.0)): \(Figures.format($0.1, digits: 4))" }.joined(separator: ", ") + " (closed form " + c.closedForm.map { Figures.format($0, digits: 4) }.joined(separator: ", ") + ")",
                          [.stated("every ΔC < 0", !measured.isEmpty && measured.allSatisfy { $0 < 0 }),
                           .each("|ΔC − closed form|/max(1, |closed form|)", differences, closedFormTolerance)]))
      checks.append(Check("\(c.name)/no-bias", claim: "Thm 6.4(a), 6.8: without a bias the pairs hold and LIN = 0",
                          measured: "pairs \(c.pairsWithoutBias.filter(\.pass).count) of \(c.pairsWithoutBias.count); LIN \(Figures.format(c.linWithoutBias.value, digits: 4))",
                          [.stated("all pass", c.pairsWithoutBias.allSatisfy(\.pass)),
                           .each("LIN", c.linWithoutBias.verified ? [c.linWithoutBias.value ?? -.infinity] : [], noDescent, scale: c.cost, scaleName: "Σz")]))
    }
    return checks.map(\.result)
  }
}

