import Foundation
import LabChecks
import LabNumerics
import LabSolvers

/// Runs the star experiment (THEORY §4.3, prediction 14) on the exact problem P⁺₀: every pair
/// condition holds, the star condition fails, LIN finds descent, and the exact star move and the
/// LIN step lower the cost; without a bias the same star condition (now conic) holds.
public enum StarExperiment {
  /// What was measured for one bias option.
  public struct Case: Codable, Sendable {
    /// Whether the problem has a free bias.
    public var bias: Bool
    /// Σz at the candidate.
    public var cost: Double
    /// Every ordered pair (Cor. 4.3).
    public var pairs: [PairCondition]
    /// The pair LP value for every ordered pair, as (donor i, receiver j, value).
    public var pairLPValues: [[Double]]
    /// The STAR LP value for the toy's receiver and donors.
    public var starValue: Double
    /// Its rotations a.
    public var rotations: [Double]
    /// Its bias shift β.
    public var biasShift: Double
    /// Distance of the target to the hull (cone without a bias), §5.6.
    public var hullDistance: Double
    /// Whether every LP answer was verified.
    public var verified: Bool
    /// LIN (ω = 1).
    public var lin: LPRecord
    /// The exact star move, when the star fails.
    public var move: StarMove.Verification?
    /// The LIN direction applied with per-point LP re-solves, when LIN finds descent.
    public var linSteps: SelfVerification?
  }

  /// What the run measured: the payload of its ``RunRecord``.
  public struct Results: ExperimentResults {
    public typealias Toy = StarToy
    public static var hasSeeds: Bool { false }
    public var cases: [Case]
  }

  /// The run record: the shared envelope around ``Results``.
  public typealias Record = RunRecord<Results>

  /// The candidate: X = Z·D exactly, codes Z as given, b = 0 (free when `bias`).
  static func candidate(_ toy: StarToy, bias: Bool) -> SparseCodingProblem {
    let z = Matrix(toy.activityTypes.flatMap { Array(repeating: $0.codes, count: $0.count) })
    let d = Matrix(toy.atoms)
    return SparseCodingProblem(samples: z * d, dictionary: d, bias: bias ? [Double](repeating: 0, count: d.columns) : nil,
                               codes: z, lambda: 1)
  }

  static func measure(_ toy: StarToy, bias: Bool) throws -> Case {
    let problem = candidate(toy, bias: bias)
    let k = problem.dictionary.rows
    var pairValues: [[Double]] = []
    var verified = true
    for j in 0..<k {
      for i in 0..<k where i != j {
        let pair = try StarProgram.solve(problem, receiver: j, donors: [i])
        verified = verified && pair.status == .optimal && pair.verification.verified
        pairValues.append([Double(i), Double(j), pair.value])
      }
    }
    let star = try StarProgram.solve(problem, receiver: toy.receiver, donors: toy.donors)
    let hull = try HullDistance.star(problem, receiver: toy.receiver, donors: toy.donors)
    let lin = try ReconstructionPreservingProgram.solve(problem, weight: 1)
    verified = verified && star.status == .optimal && star.verification.verified && hull.verified && lin.isTrusted
    let cost = problem.codes.storage.reduce(0, +)
    var move: StarMove.Verification?
    if star.fails {
      move = StarMove.verify(problem, receiver: toy.receiver, donors: toy.donors, rotations: star.rotations,
                             lpValue: star.value, steps: toy.steps)
    }
    var linSteps: SelfVerification?
    if lin.isTrusted, lin.value < -Verdict.float64Tolerance * cost, let direction = lin.direction {
      linSteps = try SelfVerification.measureExact(problem, along: direction, predictedSlope: lin.value, steps: toy.steps)
    }
    return Case(bias: bias, cost: cost, pairs: PairCondition.all(in: problem), pairLPValues: pairValues,
                starValue: star.value, rotations: star.rotations, biasShift: star.biasShift, hullDistance: hull.distance,
                verified: verified, lin: StateAssessment.record(lin, scale: cost), move: move, linSteps: linSteps)
  }

  /// §4.3, §4.7: an LP value or hull distance is zero up to this, and nonzero beyond it.
  static let zeroTolerance = Threshold.atMost(StarProgram.failureTolerance)
  /// §4.3: a failing star's LP value and hull distance exceed this.
  static let failureMargin = Threshold.above(StarProgram.failureTolerance)
  /// Thm 3.6: LIN finds descent when below −10⁻⁷·Σz (THEORY §5.1).
  static let descent = Threshold.below(-Verdict.float64Tolerance)
  /// Lemma 4.1: the star move keeps the reconstruction to this.
  static let reconstructionTolerance = Threshold.below(1e-12)
  /// Lemma 4.1: the last step's slope matches the STAR LP value to this fraction.
  static let slopeTolerance = Threshold.atMost(percent: 0.01)

  static func checks(_ toy: StarToy, withBias b: Case, withoutBias n: Case) -> [CheckResult] {
    let star = "star (receiver \(toy.receiver), donors \(toy.donors.map(String.init).joined(separator: ", ")))"
    let largestPair = b.pairLPValues.map { abs($0[2]) }.max() ?? 0
    var checks: [Check] = []
    checks.append(Check("bias/pairs", claim: "§4.3: with a bias every ordered pair condition holds (hull interval, and pair LP value 0)",
                        measured: "\(b.pairs.filter(\.pass).count) of \(b.pairs.count) pass; largest |pair LP| \(Figures.format(largestPair, digits: 3))",
                        [.stated("all pass", b.verified && b.pairs.allSatisfy(\.pass)), .that("|value|", largestPair, zeroTolerance)]))
    checks.append(Check("bias/star-fails", claim: "§4.3: the \(star) fails; STAR LP value and hull distance agree on it (prediction 9)",
                        measured: "STAR LP \(Figures.format(b.starValue, digits: 6)) with a = (\(b.rotations.map { Figures.format($0) }.joined(separator: ", "))), β = \(Figures.format(b.biasShift)); hull distance \(Figures.format(b.hullDistance, digits: 4))",
                        [.each("both", b.verified ? [b.starValue, b.hullDistance] : [], failureMargin)]))
    checks.append(Check("bias/lin", claim: "Thm 3.6: LIN (ω = 1) finds a first-order descent direction of P⁺₀",
                        measured: "LIN \(Figures.format(b.lin.value, digits: 6)) (verified: \(b.lin.verified ? "yes" : "no"))",
                        [.each(nil, b.lin.verified ? [b.lin.value ?? 0] : [], descent, scale: b.cost, scaleName: "Σz")]))
    if let move = b.move {
      let last = move.steps.last!
      checks.append(Check("bias/star-move", claim: "Lemma 4.1: the exact star move keeps the reconstruction, lowers Σz, and ΔΣz/τ → −(STAR LP value)",
                          measured: move.steps.map { "τ=\(Figures.format($0.tau)): \(Figures.format($0.slope, digits: 5))" }.joined(separator: ", ") + "; reconstruction change ≤ \(Figures.format(move.steps.map(\.reconstructionError).max(), digits: 2))",
                          [.stated("every step feasible and lower", move.steps.allSatisfy { $0.feasible && $0.costChange < 0 }),
                           .each("reconstruction change", move.steps.map(\.reconstructionError), reconstructionTolerance),
                           .that("|slope + value| at τ = \(Figures.format(last.tau))", abs(last.slope + move.lpValue), slopeTolerance, scale: move.lpValue, scaleName: "value")]))
    } else {
      checks.append(Check("bias/star-move", claim: "Lemma 4.1: the exact star move lowers Σz", measured: "no move: the star did not fail",
                          [.stated("a move", false)]))
    }
    checks.append(Check("bias/lin-step", claim: "§5.7: the LIN direction, applied with per-point LP re-solves, lowers the cost with ΔF/t → LIN",
                        measured: b.linSteps.map { steps in steps.steps.map { "t=\(Figures.format($0.t)): \(Figures.format($0.slope, digits: 5))" }.joined(separator: ", ") + " (\(steps.outcome.rawValue))" } ?? "not applied",
                        [.stated("confirmed", b.linSteps?.outcome == .confirmed)]))
    checks.append(Check("no-bias/star-holds", claim: "§4.7: the convex hull comes from the bias; without it the \(star) is the conic condition and holds",
                        measured: "STAR LP \(Figures.format(n.starValue, digits: 4)); cone distance \(Figures.format(n.hullDistance, digits: 4)); LIN \(Figures.format(n.lin.value, digits: 4))",
                        [.each("values", n.verified ? [n.starValue, n.hullDistance] : [], zeroTolerance)]))
    return checks.map(\.result)
  }

  /// Runs `toy` and packages its report, run record and figure.
  public static func product(_ toy: StarToy) throws -> ExperimentProduct {
    let withBias = try measure(toy, bias: true), withoutBias = try measure(toy, bias: false)
    let checks = checks(toy, withBias: withBias, withoutBias: withoutBias)
    return ExperimentProduct(record: Record(toy: toy, results: Results(cases: [withBias, withoutBias]), checks: checks))
  }
}
