import Foundation
import LabNumerics
import LabSolvers

/// The self-verification protocol of THEORY §5.7: a descent direction found by an LP is applied
/// for finite steps and the loss change is measured.
///
/// Atoms move along geodesics, d_k(t) = cos(t‖Δ⊥_k‖) d_k + sin(t‖Δ⊥_k‖) Δ⊥_k/‖Δ⊥_k‖ with
/// Δ⊥_k = (I − d_k d_kᵀ)Δ_k; the bias moves to b + t·δb. At λ > 0 the codes are the first-order
/// codes (Z + tW)₊, along which ΔL(t)/t → v (the LP value); the loss with re-optimised (exact
/// lasso) codes is reported beside it. In the exact problem the codes are re-solved per point by
/// LP and L is Σ z. Signed codes (P^±_λ) use Z + tW unclipped, signed exact lasso codes and L_λ with λ‖Z‖₁.
public struct SelfVerification: Codable, Sendable, Equatable {
  /// One finite step.
  public struct Step: Codable, Sendable, Equatable {
    /// Step length t (radians for the atoms).
    public var t: Double
    /// ΔL(t) = L(t) − L(0) with the first-order codes (or re-solved codes in the exact problem).
    public var lossChange: Double
    /// ΔL(t)/t.
    public var slope: Double
    /// ΔL(t)/t with re-optimised codes (λ > 0 only; never compared with v).
    public var reoptimizedSlope: Double?
  }

  /// The outcome of the protocol.
  public enum Outcome: String, Codable, Sendable {
    /// Some step lowered the loss measurably and matched the LP slope within 10 %.
    case confirmed
    /// The descent is not measurable in float64: even at the largest step t* whose curvature error
    /// is within 10 %, |v|·t* is below ten times the confirmation floor (§5.7 step 4).
    case unconfirmable
    /// A measurable descent was not confirmed: an error in the LP, the direction or the step.
    case failed
    /// (Exact problem) the smallest step left the cone of the moved atoms: the direction is not realisable.
    case notRealisable = "not-realisable"
  }

  /// The LP value v, the predicted slope.
  public var predictedSlope: Double
  /// L(0).
  public var initialLoss: Double
  /// The measured steps: the requested ones in their order, then t*, t*/2 and t*/4 for a measurable descent.
  public var steps: [Step]
  /// The verdict of §5.7 step 4.
  public var outcome: Outcome
  /// ĉ, the measured curvature: the median of (ΔL(t) − v t)/t² over the steps where |ΔL| is far above
  /// rounding; `nil` when no step was.
  public var curvature: Double?
  /// t* = 0.1|v|/|ĉ|, the largest step whose curvature error is within 10 %; `nil` without ĉ, +∞ when ĉ = 0.
  public var largestAccurateStep: Double?
  /// Whether the descent is measurable: |v|·t* > 10⁴·u·L(0).
  public var measurable: Bool

  /// The step lengths of §5.7: 10⁻², 10⁻³, …, 10⁻⁸.
  public static let standardSteps: [Double] = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]

  /// Number of leading steps for which re-optimised codes are also measured.
  static let reoptimizedStepCount = 3
  /// Above this many codes (N·K) re-optimised codes are measured at the first step only: each is a
  /// full exact lasso solve, reported beside the confirmation and never compared with v (§5.7 step 3),
  /// and three of them dominated `lab check --sae` at N = 20,000, K = 64.
  public static let maximumReoptimizedCodes = 200_000

  /// Verifies a λ > 0 direction (from LP-K or LP-R) on `problem`: the standard steps, then, for a
  /// measurable descent, t*, t*/2 and t*/4 (§5.7 step 4).
  public static func measure(_ problem: SparseCodingProblem, along direction: PerturbationDirection,
                             predictedSlope v: Double, steps: [Double] = standardSteps) -> SelfVerification {
    let initial = problem.loss
    func step(_ t: Double, reoptimize: Bool) -> Step {
      let moved = moved(problem, along: direction, by: t)
      var stepped = moved
      let signed = problem.isSigned
      stepped.codes.storage = zip(problem.codes.storage, direction.codes.storage).map { signed ? $0 + t * $1 : max($0 + t * $1, 0) }
      let change = stepped.loss - initial
      var reoptimized: Double?
      if reoptimize {
        var exact = moved
        exact.codes = problem.exactCodes(dictionary: moved.dictionary, bias: moved.bias)
        reoptimized = (exact.loss - initial) / t
      }
      return Step(t: t, lossChange: change, slope: change / t, reoptimizedSlope: reoptimized)
    }
    let reoptimized = problem.codes.storage.count <= maximumReoptimizedCodes ? reoptimizedStepCount : 1
    let measured = steps.enumerated().map { step($1, reoptimize: $0 < reoptimized) }
    return conclude(predicted: v, initial: initial, steps: measured) { step($0, reoptimize: false) }
  }

  /// Verifies a LIN direction of the exact problem: the cost Σ_n γ⁺_{D(t)}(x_n − b(t)) is
  /// re-solved by LP at every step (``ExactL1Coding``).
  public static func measureExact(_ problem: SparseCodingProblem, along direction: PerturbationDirection,
                                  predictedSlope v: Double, steps: [Double]) throws -> SelfVerification {
    let initial = try ExactL1Coding.total(samples: problem.samples, dictionary: problem.dictionary, bias: problem.bias).cost
    func step(_ t: Double) throws -> Step {
      let moved = moved(problem, along: direction, by: t)
      let cost = try ExactL1Coding.total(samples: moved.samples, dictionary: moved.dictionary, bias: moved.bias).cost
      return Step(t: t, lossChange: cost - initial, slope: (cost - initial) / t, reoptimizedSlope: nil)
    }
    let measured = try steps.map(step)
    // Realisability (Prop. 3.8) is a statement about small t: a large step may leave the cone of the
    // moved atoms (an infinite cost, reported as such) while small ones stay feasible.
    guard measured.min(by: { $0.t < $1.t })?.lossChange.isFinite ?? false else {
      var result = conclude(predicted: v, initial: initial, steps: measured.filter { $0.lossChange.isFinite }, extra: nil)
      result.steps = measured
      result.outcome = .notRealisable
      return result
    }
    var failure: Error?
    let result = conclude(predicted: v, initial: initial, steps: measured) { t in
      do { return try step(t) } catch { failure = error; return nil }
    }
    if let failure { throw failure }
    return result
  }

  /// §5.7 step 4 on measured steps: estimates ĉ and t*, measures t*, t*/2 and t*/4 with `extra` for a
  /// measurable descent (a step `extra` cannot measure is left out), and decides the outcome.
  static func conclude(predicted v: Double, initial: Double, steps: [Step], extra: ((Double) -> Step?)?) -> SelfVerification {
    let curvature = Curvature(predicted: v, initial: initial, steps: steps)
    var all = steps
    if curvature.measurable, let extra, let tStar = curvature.largestAccurateStep, tStar.isFinite {
      // Appended after the requested steps, which keep their places.
      var known = Set(steps.map(\.t))
      for t in [tStar, tStar / 2, tStar / 4].map({ min($0, maximumStep) }) where !known.contains(t) {
        known.insert(t)
        if let step = extra(t) { all.append(step) }
      }
    }
    return SelfVerification(predictedSlope: v, initialLoss: initial, steps: all,
                            outcome: outcome(predicted: v, initial: initial, steps: all, measurable: curvature.measurable),
                            curvature: curvature.estimate, largestAccurateStep: curvature.largestAccurateStep,
                            measurable: curvature.measurable)
  }

  /// The largest step added to the grid (radians): a longer geodesic step is no longer a small move.
  static let maximumStep = 1.0

  /// The relative error of a measured slope ΔL/t that still confirms the LP value v (§5.7 step 4),
  /// and the curvature error that defines the largest accurate step t*.
  public static let slopeTolerance = 0.1

  /// §5.7 step 4: confirmed iff some t has ΔL < −10³·u·L(0) and |ΔL/t − v| ≤ ``slopeTolerance``·|v|; otherwise
  /// failed when the descent is measurable and unconfirmable when it is not.
  static func outcome(predicted v: Double, initial: Double, steps: [Step], measurable: Bool) -> Outcome {
    let floor = confirmationFloor(initial)
    if steps.contains(where: { $0.lossChange < -floor && abs($0.slope - v) <= slopeTolerance * abs(v) }) { return .confirmed }
    return measurable ? .failed : .unconfirmable
  }

  /// 10³·u·|L(0)|: a loss change below −this is not rounding.
  static func confirmationFloor(_ initial: Double) -> Double { 1e3 * Double.ulpOfOne * abs(initial) }

  /// ĉ, t* and measurability of §5.7 step 4 from measured steps.
  struct Curvature {
    /// ĉ, or `nil` when no step's |ΔL| is far above rounding.
    var estimate: Double?
    /// t* = 0.1|v|/|ĉ|.
    var largestAccurateStep: Double?
    /// |v|·t* > 10⁴·u·L(0).
    var measurable: Bool

    /// "Far above rounding": |ΔL(t)| above ten times the confirmation floor.
    init(predicted v: Double, initial: Double, steps: [Step]) {
      let floor = 10 * confirmationFloor(initial)
      let ratios = steps.filter { abs($0.lossChange) > floor && $0.lossChange.isFinite }
        .map { ($0.lossChange - v * $0.t) / ($0.t * $0.t) }.sorted()
      guard !ratios.isEmpty, v != 0 else {
        (estimate, largestAccurateStep, measurable) = (nil, nil, false)
        return
      }
      let middle = ratios.count / 2
      let c = ratios.count % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2
      let tStar = c == 0 ? Double.infinity : slopeTolerance * abs(v) / abs(c)
      (estimate, largestAccurateStep) = (c, tStar)
      measurable = abs(v) * tStar > floor
    }
  }

  /// The problem with atoms moved along geodesics by t (radians per unit of ‖Δ⊥_k‖) and the bias
  /// shifted by t·δb, codes unchanged.
  public static func moved(_ problem: SparseCodingProblem, along direction: PerturbationDirection, by t: Double) -> SparseCodingProblem {
    var result = problem
    let d = problem.dictionary
    for atom in 0..<d.rows {
      let dk = d.row(atom), delta = direction.atoms.row(atom)
      let along = zip(dk, delta).reduce(0) { $0 + $1.0 * $1.1 }
      let perpendicular = zip(delta, dk).map { $0 - along * $1 }
      let norm = perpendicular.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else { continue }
      let angle = t * norm
      result.dictionary.setRow(atom, to: zip(dk, perpendicular).map { cos(angle) * $0 + sin(angle) * $1 / norm })
    }
    if let bias = problem.bias {
      result.bias = zip(bias, direction.bias).map { $0 + t * $1 }
    }
    return result
  }
}

extension SelfVerification {
  private enum CodingKeys: String, CodingKey {
    case predictedSlope, initialLoss, steps, outcome, curvature, largestAccurateStep, measurable
  }

  /// Decodes a record; one written before §5.7's measured curvature (December 2026) has no
  /// `curvature`, `largestAccurateStep` or `measurable`, and reads as not measured (nil, nil, false).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    predictedSlope = try container.decode(Double.self, forKey: .predictedSlope)
    initialLoss = try container.decode(Double.self, forKey: .initialLoss)
    steps = try container.decode([Step].self, forKey: .steps)
    outcome = try container.decode(Outcome.self, forKey: .outcome)
    curvature = try container.decodeIfPresent(Double.self, forKey: .curvature)
    largestAccurateStep = try container.decodeIfPresent(Double.self, forKey: .largestAccurateStep)
    measurable = try container.decodeIfPresent(Bool.self, forKey: .measurable) ?? false
  }
}
