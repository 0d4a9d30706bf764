import Foundation
import LabChecks
import LabNumerics
import LabRandom
import LabSolvers

/// Runs the one-dimensional experiment (THEORY §7, Proposition 6.7; predictions 22–26).
public enum OneDExperiment {
  /// Predictions 22–23.
  public struct LineRecord: Codable, Sendable {
    /// The Huber location β* and Σ_n H_λ(t_n − β*).
    public var location: Double, predictedLoss: Double
    /// The best trained run with a bias and K = 2.
    public var loss: Double, kkt: Double
    public var cosines: [Double]
    public var biasError: Double, codeError: Double
    /// Firing counts of +u and −u: measured and predicted (#{t > β* + λ}, #{t < β* − λ}).
    public var firing: [Int], predictedFiring: [Int]
    /// Without a bias (x = t·u, K = 2): loss, Σ h_λ(t_n), cosines of the used atoms, points with an active code, #{t > λ}.
    public var noBiasLoss: Double, noBiasPredicted: Double, noBiasCosines: [Double], noBiasFiring: Int, noBiasPredictedFiring: Int
    /// K = 1 with a bias: the best trained loss and the one-sided Huber prediction.
    public var singleAtomLoss: Double, singleAtomPredicted: Double
  }

  /// Prediction 24 at one p, and (below p*) prediction 25.
  public struct TransitionRecord: Codable, Sendable {
    public var p: Double
    public var zeros: Int
    public var location: Double
    /// Points where an atom pointing along −u fires, and #{t < β* − λ}.
    public var negativeFiring: Int, predictedNegativeFiring: Int
    public var loss: Double
  }

  /// Prediction 25: a stationary point with a dead atom.
  public struct DeadAtomRecord: Codable, Sendable {
    public var kkt: Double
    public var loss: Double
    public var optimum: Double
    public var newAtom: NewAtomTest
  }

  /// Prediction 26.
  public struct ArcRecord: Codable, Sendable {
    /// max |formula − LP| on the formula points.
    public var formulaError: Double
    /// C(K)/N with equal spacing, and the continuum value tan(Δ/2)/(Δ/2).
    public var costs: [[Double]]
    /// For each optimised size: max |α_k − α_k(equal)| (radians) and the grid step Θ/N.
    public var spacingErrors: [[Double]]
    public var gridStep: Double
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = OneDToy
    public var line: LineRecord
    public var pStar: Double, pStarSmall: Double
    public var transition: [TransitionRecord]
    public var deadAtom: DeadAtomRecord
    public var arc: ArcRecord
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  // MARK: - Scalar solutions of THEORY §7

  /// The root of a nonincreasing function on [low, high] by bisection.
  static func root(low: Double, high: Double, _ f: (Double) -> Double) -> Double {
    var (a, b) = (low, high)
    for _ in 0..<200 {
      let mid = 0.5 * (a + b)
      if f(mid) > 0 { a = mid } else { b = mid }
    }
    return 0.5 * (a + b)
  }

  /// β* solving Σ clip(t_n − β, −λ, λ) = 0.
  static func huberLocation(_ t: [Double], lambda: Double) -> Double {
    root(low: t.min()! - lambda, high: t.max()! + lambda) { beta in t.reduce(0) { $0 + max(-lambda, min(lambda, $1 - beta)) } }
  }

  /// Claim 7.1′: min over σ = ±1 of Σ H⁺_λ(σ(t_n − β_σ)), β_σ solving Σ min(σ(t_n − β), λ) = 0.
  static func oneSidedLoss(_ t: [Double], lambda: Double) -> Double {
    func h(_ s: Double) -> Double { s <= lambda ? 0.5 * s * s : lambda * s - 0.5 * lambda * lambda }
    return [1.0, -1.0].map { sigma -> Double in
      let beta = root(low: t.min()! - 2 * lambda - 1, high: t.max()! + 2 * lambda + 1) { beta in sigma * t.reduce(0) { $0 + min(sigma * ($1 - beta), lambda) } }
      return t.reduce(0) { $0 + h(sigma * ($1 - beta)) }
    }.min()!
  }

  static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

  static func mean(_ x: Matrix<Double>) -> [Double] { (0..<x.columns).map { x.column($0).reduce(0, +) / Double(x.rows) } }

  /// The best of several block-minimisation runs.
  static func best(_ x: Matrix<Double>, starts: [Matrix<Double>], bias: [Double]?, lambda: Double,
                   _ configuration: BlockMinimization.Configuration) -> BlockMinimization.Fit {
    starts.map { BlockMinimization.fit(samples: x, initialDictionary: $0, initialBias: bias, lambda: lambda, configuration: configuration) }
      .min { $0.problem.loss < $1.problem.loss }!
  }

  static func gaussian(_ rows: Int, _ columns: Int, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.nextNormal() })
  }

  /// `count` single-atom starts: a direction with N(0, 1) entries, then its negative, and so on, so
  /// that every pair has a start on each side of any line.
  static func signedPairs(_ count: Int, _ columns: Int, _ rng: inout Xoshiro256StarStar) -> [Matrix<Double>] {
    var starts: [Matrix<Double>] = []
    for index in 0..<count { starts.append(index % 2 == 0 ? gaussian(1, columns, &rng) : -1 * starts[index - 1]) }
    return starts
  }

  // MARK: - Parts

  static func line(_ toy: OneDToy, _ rng: inout Xoshiro256StarStar, progress: (String) -> Void) -> LineRecord {
    let l = toy.line, lambda = l.lambda
    let u = BlockMinimization.normalizedRows(Matrix([l.direction])).row(0)
    let m = u.count
    let t = (0..<l.sampleCount).map { _ in exp(l.logSigma * rng.nextNormal()) }
    let x = Matrix(t.map { tn in zip(l.offset, u).map { $0 + tn * $1 } })
    let beta = huberLocation(t, lambda: lambda)
    let predicted = t.reduce(0) { $0 + WideLimit.huber(abs($1 - beta), lambda: lambda) }
    progress("line: K = 2 with a bias")
    let fit = best(x, starts: (0..<l.restarts).map { _ in gaussian(2, m, &rng) }, bias: mean(x), lambda: lambda, toy.training)
    let d = fit.problem.dictionary, z = fit.problem.codes
    let cosines = (0..<2).map { dot(d.row($0), u) }
    let plus = cosines[0] > cosines[1] ? 0 : 1, minus = 1 - plus
    let target = zip(l.offset, u).map { $0 + beta * $1 }
    let biasError = zip(fit.problem.bias!, target).reduce(0) { max($0, abs($1.0 - $1.1)) }
    var codeError = 0.0
    for n in 0..<t.count {
      codeError = max(codeError, abs(z[n, plus] - max(t[n] - beta - lambda, 0)), abs(z[n, minus] - max(beta - t[n] - lambda, 0)))
    }
    progress("line: K = 2 without a bias")
    let through = Matrix(t.map { tn in u.map { tn * $0 } })
    let noBias = best(through, starts: (0..<l.restartsWithoutBias).map { _ in gaussian(2, m, &rng) }, bias: nil, lambda: lambda, toy.training)
    let usedAtoms = (0..<2).filter { k in (0..<t.count).contains { noBias.problem.codes[$0, k] > 0 } }
    progress("line: K = 1 with a bias")
    let single = best(x, starts: signedPairs(l.singleAtomRestarts, m, &rng), bias: mean(x), lambda: lambda, toy.training)
    return LineRecord(
      location: beta, predictedLoss: predicted, loss: fit.problem.loss, kkt: fit.kkt.maximum, cosines: [cosines[plus], cosines[minus]],
      biasError: biasError, codeError: codeError,
      firing: [(0..<t.count).filter { z[$0, plus] > 0 }.count, (0..<t.count).filter { z[$0, minus] > 0 }.count],
      predictedFiring: [t.filter { $0 > beta + lambda }.count, t.filter { $0 < beta - lambda }.count],
      noBiasLoss: noBias.problem.loss, noBiasPredicted: t.reduce(0) { $0 + WideLimit.huber($1, lambda: lambda) },
      noBiasCosines: usedAtoms.map { dot(noBias.problem.dictionary.row($0), u) },
      noBiasFiring: (0..<t.count).filter { n in usedAtoms.contains { noBias.problem.codes[n, $0] > 0 } }.count,
      noBiasPredictedFiring: t.filter { $0 > lambda }.count,
      singleAtomLoss: single.problem.loss, singleAtomPredicted: oneSidedLoss(t, lambda: lambda))
  }

  static func grid(_ t: OneDToy.Transition) -> [Double] {
    (1...t.gridCount).map { t.gridRange[0] + (Double($0) - 0.5) * (t.gridRange[1] - t.gridRange[0]) / Double(t.gridCount) }
  }

  /// p*(λ) = e_λ/(λ + e_λ), e_λ the grid mean of clip(t − λ, −λ, λ).
  static func criticalFraction(_ grid: [Double], lambda: Double) -> Double {
    let e = grid.reduce(0) { $0 + max(-lambda, min(lambda, $1 - lambda)) } / Double(grid.count)
    return e / (lambda + e)
  }

  static func transitionData(_ toy: OneDToy, p: Double) -> (t: [Double], x: Matrix<Double>, u: [Double]) {
    let u = BlockMinimization.normalizedRows(Matrix([toy.line.direction])).row(0)
    let points = grid(toy.transition)
    let zeros = Int((p * Double(points.count) / (1 - p)).rounded())
    let t = [Double](repeating: 0, count: zeros) + points
    return (t, Matrix(t.map { tn in zip(toy.line.offset, u).map { $0 + tn * $1 } }), u)
  }

  static func transition(_ toy: OneDToy, p: Double, _ rng: inout Xoshiro256StarStar) -> TransitionRecord {
    let lambda = toy.transition.lambda
    let (t, x, u) = transitionData(toy, p: p)
    var pair = Matrix([u, u.map { -$0 }])
    for index in pair.storage.indices { pair.storage[index] += toy.transition.initialNoise * rng.nextNormal() }
    let starts = [pair] + (0..<toy.transition.randomRestarts).map { _ in gaussian(2, u.count, &rng) }
    let fit = best(x, starts: starts, bias: mean(x), lambda: lambda, toy.training)
    let negative = (0..<2).filter { dot(fit.problem.dictionary.row($0), u) < 0 }
    let beta = huberLocation(t, lambda: lambda)
    return TransitionRecord(p: p, zeros: t.filter { $0 == 0 }.count, location: beta,
                            negativeFiring: (0..<t.count).filter { n in negative.contains { fit.problem.codes[n, $0] > 0 } }.count,
                            predictedNegativeFiring: t.filter { $0 < beta - lambda }.count, loss: fit.problem.loss)
  }

  static func deadAtom(_ toy: OneDToy, p: Double, optimum: Double) -> DeadAtomRecord {
    let (_, x, u) = transitionData(toy, p: p)
    let w = [0, u[2], -u[1]]  // u × e₁; the toy requires m = 3
    let fit = BlockMinimization.fit(samples: x, initialDictionary: Matrix([u, w]), initialBias: mean(x),
                                    lambda: toy.transition.lambda, configuration: toy.training)
    return DeadAtomRecord(kkt: fit.kkt.maximum, loss: fit.problem.loss, optimum: optimum, newAtom: NewAtomTest(fit.problem))
  }

  /// The per-point exact cost on the arc: cos(φ − mid)/cos(gap/2) between the neighbouring atoms.
  static func arcCost(_ phi: [Double], atoms alpha: [Double]) -> Double {
    var total = 0.0, k = 0
    for angle in phi {
      while k < alpha.count - 2 && angle > alpha[k + 1] { k += 1 }
      total += cos(angle - 0.5 * (alpha[k] + alpha[k + 1])) / cos(0.5 * (alpha[k + 1] - alpha[k]))
    }
    return total
  }

  static func arc(_ a: OneDToy.Arc, _ rng: inout Xoshiro256StarStar) throws -> ArcRecord {
    let theta = a.angleDegrees * Double.pi / 180
    let n = a.sampleCount
    let phi = (1...n).map { (Double($0) - 0.5) * theta / Double(n) }
    func equal(_ k: Int) -> [Double] { equalAtoms(k, arc: theta) }
    // Formula vs LP on evenly chosen points, four equally spaced atoms.
    let alpha = equal(4)
    let d = Matrix(alpha.map { [cos($0), sin($0)] })
    var formulaError = 0.0
    for index in stride(from: 0, to: n, by: max(1, n / a.formulaPoints)) {
      let lp = try ExactL1Coding.code([cos(phi[index]), sin(phi[index])], dictionary: d)
      formulaError = max(formulaError, abs(lp.cost - arcCost([phi[index]], atoms: alpha)))
    }
    let costs = a.sizes.map { k -> [Double] in
      let delta = theta / Double(k - 1)
      return [Double(k), arcCost(phi, atoms: equal(k)) / Double(n), tan(delta / 2) / (delta / 2)]
    }
    // Interior atoms optimised on the sample's exact cost.
    var spacing: [[Double]] = []
    for k in a.optimisedSizes {
      let angles = optimisedAtoms(k, arc: theta, cost: { arcCost(phi, atoms: $0) }, &rng)
      spacing.append([Double(k), zip(angles, equal(k)).reduce(0) { max($0, abs($1.0 - $1.1)) }])
    }
    return ArcRecord(formulaError: formulaError, costs: costs, spacingErrors: spacing, gridStep: theta / Double(n))
  }

  /// K equally spaced atom angles 0, θ/(K − 1), …, θ.
  static func equalAtoms(_ k: Int, arc theta: Double) -> [Double] { (0..<k).map { theta * Double($0) / Double(k - 1) } }

  /// K atom angles on the arc [0, θ] with the end atoms fixed and the interior ones minimising `cost`:
  /// from equal spacing with each interior atom moved by up to ±15 % of its gap, cyclic golden-section
  /// search (60 sweeps of 60 bisections each).
  static func optimisedAtoms(_ k: Int, arc theta: Double, cost: ([Double]) -> Double, _ rng: inout Xoshiro256StarStar) -> [Double] {
    var angles = equalAtoms(k, arc: theta)
    for i in 1..<(k - 1) { angles[i] += 0.3 * (angles[i + 1] - angles[i]) * (rng.nextUniform() - 0.5) }
    for _ in 0..<60 {
      for i in 1..<(k - 1) {
        var (low, high) = (angles[i - 1], angles[i + 1])
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<60 {
          let c = high - ratio * (high - low), e = low + ratio * (high - low)
          var left = angles, right = angles
          left[i] = c
          right[i] = e
          if cost(left) < cost(right) { high = e } else { low = c }
        }
        angles[i] = 0.5 * (low + high)
      }
    }
    return angles
  }

  // MARK: - Product and checks

  public static func product(_ toy: OneDToy, progress: (String) -> Void) throws -> ExperimentProduct {
    let tree = SeedTree(root: toy.seed)
    var seeds: [String: UInt64] = [:]
    for path in ["line", "transition", "arc"] { seeds[path] = tree.seed(for: path) }
    var lineRng = tree.generator(for: "line")
    let lineRecord = line(toy, &lineRng, progress: progress)
    progress("dense/sparse transition")
    let points = grid(toy.transition)
    let pStar = criticalFraction(points, lambda: toy.transition.lambda)
    let pStarSmall = criticalFraction(points, lambda: toy.transition.smallLambda)
    var transitionRng = tree.generator(for: "transition")
    let transitions = [pStar - toy.transition.offset, pStar + toy.transition.offset].map { transition(toy, p: $0, &transitionRng) }
    progress("dead atom")
    let dead = deadAtom(toy, p: transitions[0].p, optimum: transitions[0].loss)
    progress("arc")
    var arcRng = tree.generator(for: "arc")
    let arcRecord = try arc(toy.arc, &arcRng)
    let checks = checks(toy, line: lineRecord, transitions: transitions, dead: dead, arc: arcRecord)
    return ExperimentProduct(record: Record(toy: toy, seeds: seeds, results: Results(line: lineRecord, pStar: pStar, pStarSmall: pStarSmall,
                                            transition: transitions, deadAtom: dead, arc: arcRecord), checks: checks))
  }

  /// Thm 7.1: the trained pair's atoms are ±u (cosines), and no-bias atoms are u.
  static let cosineTolerance = Threshold.atLeast(oneMinus: 1e-6)
  /// Thm 7.1, Claim 7.1′: trained losses equal their closed forms, relatively.
  static let lossTolerance = Threshold.atMost(1e-7)
  /// Thm 7.1: the bias and codes equal their closed forms.
  static let solutionTolerance = Threshold.atMost(1e-5)
  /// Prop 6.7: the dead-atom run stops at a KKT point.
  static let kktThreshold = Threshold.below(1e-6)
  /// Prop 6.7: the dead-atom point lies above the optimum by more than this relative margin.
  static let aboveOptimum = Threshold.above(1e-9)
  /// Thm 7.3(i): formula and LP agree.
  static let formulaTolerance = Threshold.atMost(1e-9)
  /// Thm 7.3(iii): the equal-spacing cost equals tan(Δ/2)/(Δ/2), relatively.
  static let arcCostTolerance = Threshold.atMost(1e-5)

  static func checks(_ toy: OneDToy, line l: LineRecord, transitions: [TransitionRecord],
                     dead: DeadAtomRecord, arc a: ArcRecord) -> [CheckResult] {
    var checks: [Check] = []
    checks.append(Check("line/antipodal-pair", claim: "Thm 7.1: with a bias and K = 2 the trained atoms are ±u",
                        measured: "cos(d₊, u) = \(Figures.format(l.cosines[0], digits: 12)), cos(d₋, u) = \(Figures.format(l.cosines[1], digits: 12)); KKT \(Figures.format(l.kkt, digits: 2))",
                        [.each("|cos|", [l.cosines[0], -l.cosines[1]], cosineTolerance)]))
    checks.append(Check("line/loss", claim: "Thm 7.1: the optimum is Σ_n H_λ(t_n − β*), β* the Huber location",
                        measured: "trained \(Figures.format(l.loss, digits: 12)) vs \(Figures.format(l.predictedLoss, digits: 12)) (β* = \(Figures.format(l.location, digits: 8)))",
                        [.relative(l.loss, l.predictedLoss, lossTolerance)]))
    checks.append(Check("line/bias-and-codes", claim: "Thm 7.1: b = b₀ + β*u, z₊ = (t − β* − λ)₊, z₋ = (β* − t − λ)₊",
                        measured: "max |b − (b₀ + β*u)| = \(Figures.format(l.biasError, digits: 2)); max code error \(Figures.format(l.codeError, digits: 2))",
                        [.each(nil, [l.biasError, l.codeError], solutionTolerance)]))
    checks.append(Check("line/firing-rates", claim: "Thm 7.1: u fires exactly on {t > β* + λ}, −u on {t < β* − λ}",
                        measured: "\(l.firing[0]) and \(l.firing[1]) of \(toy.line.sampleCount) vs predicted \(l.predictedFiring[0]) and \(l.predictedFiring[1])",
                        [.stated("equal counts", l.firing == l.predictedFiring)]))
    checks.append(Check("line/no-bias", claim: "Thm 7.1: without a bias (t > 0) every used atom is u, firing on {t > λ}, loss Σ h_λ(t_n)",
                        measured: "cosines \(l.noBiasCosines.map { Figures.format($0, digits: 10) }.joined(separator: ", ")); fires on \(l.noBiasFiring) vs \(l.noBiasPredictedFiring); loss \(Figures.format(l.noBiasLoss, digits: 10)) vs \(Figures.format(l.noBiasPredicted, digits: 10))",
                        [.each("cos", l.noBiasCosines, cosineTolerance), .stated("equal counts", l.noBiasFiring == l.noBiasPredictedFiring),
                         .relative(l.noBiasLoss, l.noBiasPredicted, lossTolerance)]))
    checks.append(Check("line/single-atom", claim: "Claim 7.1′: with K = 1 the optimum is the one-sided Huber loss, worse than the pair",
                        measured: "trained \(Figures.format(l.singleAtomLoss, digits: 10)) vs predicted \(Figures.format(l.singleAtomPredicted, digits: 10)); K = 2: \(Figures.format(l.loss, digits: 8))",
                        [.relative(l.singleAtomLoss, l.singleAtomPredicted, lossTolerance), .stated("K = 2 lower", l.loss < l.singleAtomLoss)]))
    let below = transitions[0], above = transitions[1]
    checks.append(Check("transition/below", claim: "Prop 7.2: below p* the atom −u fires, exactly on {t < β* − λ}",
                        measured: "p = \(Figures.format(below.p, digits: 6)) (\(below.zeros) zeros): −u fires on \(below.negativeFiring), predicted \(below.predictedNegativeFiring)",
                        [.stated("equal and > 0", below.negativeFiring == below.predictedNegativeFiring && below.negativeFiring > 0)]))
    checks.append(Check("transition/above", claim: "Prop 7.2: above p* the atom −u never fires",
                        measured: "p = \(Figures.format(above.p, digits: 6)) (\(above.zeros) zeros): −u fires on \(above.negativeFiring), predicted \(above.predictedNegativeFiring)",
                        [.stated("0", above.negativeFiring == 0 && above.predictedNegativeFiring == 0)]))
    checks.append(Check("dead-atom", claim: "Prop 6.7: a stationary point with a dead atom passes KKT, sits above the optimum, and the new-atom test finds it",
                        measured: "KKT \(Figures.format(dead.kkt, digits: 2)); L_λ \(Figures.format(dead.loss, digits: 8)) vs optimum \(Figures.format(dead.optimum, digits: 8)); max ‖r_n‖ = \(Figures.format(dead.newAtom.maxResidualNorm, digits: 6)) vs λ = \(Figures.format(toy.transition.lambda)); with r/‖r‖ added: \(Figures.format(dead.newAtom.lossWithNewAtom, digits: 8))",
                        [.that("KKT", dead.kkt, kktThreshold), .that("L_λ − optimum", dead.loss - dead.optimum, aboveOptimum, scale: dead.optimum, scaleName: "optimum"),
                         .stated("max ‖r‖ > λ", dead.newAtom.improves), .stated("the new atom lowers L_λ", (dead.newAtom.lossWithNewAtom ?? .infinity) < dead.loss)]))
    checks.append(Check("arc/formula", claim: "Thm 7.3(i): the per-point exact cost on the arc is cos(φ − mid)/cos(gap/2)",
                        measured: "max |formula − LP| = \(Figures.format(a.formulaError, digits: 2))", [.that(nil, a.formulaError, formulaTolerance)]))
    let decreasing = zip(a.costs, a.costs.dropFirst()).allSatisfy { $1[1] < $0[1] }
    let worst = a.costs.map { abs($0[1] - $0[2]) / $0[2] }.max() ?? .infinity
    checks.append(Check("arc/equal-spacing-cost", claim: "Thm 7.3(iii): with equal spacing C(K)/N = tan(Δ/2)/(Δ/2), strictly decreasing in K",
                        measured: a.costs.map { "K=\(Int($0[0])): \(Figures.format($0[1], digits: 6))" }.joined(separator: ", ") + "; largest relative difference from the formula \(Figures.format(worst, digits: 2))",
                        [.that("relative", worst, arcCostTolerance), .stated("decreasing", decreasing)]))
    checks.append(Check("arc/optimal-spacing", claim: "Thm 7.3(iii): numerically optimised interior atoms are equally spaced (within one grid step on a finite sample)",
                        measured: a.spacingErrors.map { "K=\(Int($0[0])): max |α − α_equal| = \(Figures.format($0[1], digits: 3))" }.joined(separator: "; ") + " rad; grid step \(Figures.format(a.gridStep, digits: 3))",
                        [.stated("≤ one grid step", a.spacingErrors.allSatisfy { $0[1] <= a.gridStep })]))
    return checks.map(\.result)
  }
}

