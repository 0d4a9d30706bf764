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
    /// |v| is too small to be measurable in float64 (|v| ≲ 2e-5·L(0)).
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
  /// The measured steps, largest t first.
  public var steps: [Step]
  /// The verdict of §5.7 step 4.
  public var outcome: Outcome

  /// The step lengths of §5.7: 10⁻², 10⁻³, …, 10⁻⁸.
  public static let standardSteps: [Double] = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]

  /// Number of leading steps for which re-optimised codes are also measured.
  static let reoptimizedStepCount = 3

  /// Verifies a λ > 0 direction (from LP-K or LP-R) on `problem`.
  public static func measure(_ problem: SparseCodingProblem, along direction: PerturbationDirection,
                             predictedSlope v: Double, steps: [Double] = standardSteps) -> SelfVerification {
    let initial = problem.loss
    var measured: [Step] = []
    for (index, t) in steps.enumerated() {
      let moved = moved(problem, along: direction, by: t)
      var stepped = moved
      let signed = problem.isSigned
      stepped.codes.storage = zip(problem.codes.storage, direction.codes.storage).map { signed ? $0 + t * $1 : max($0 + t * $1, 0) }
      let change = stepped.loss - initial
      var reoptimized: Double?
      if index < reoptimizedStepCount {
        var exact = moved
        exact.codes = problem.exactCodes(dictionary: moved.dictionary, bias: moved.bias)
        reoptimized = (exact.loss - initial) / t
      }
      measured.append(Step(t: t, lossChange: change, slope: change / t, reoptimizedSlope: reoptimized))
    }
    return SelfVerification(predictedSlope: v, initialLoss: initial, steps: measured,
                            outcome: outcome(predicted: v, initial: initial, steps: measured))
  }

  /// Verifies a LIN direction of the exact problem: the cost Σ_n γ⁺_{D(t)}(x_n − b(t)) is
  /// re-solved by LP at every step (``ExactL1Coding``).
  public static func measureExact(_ problem: SparseCodingProblem, along direction: PerturbationDirection,
                                  predictedSlope v: Double, steps: [Double]) throws -> SelfVerification {
    let initial = try ExactL1Coding.total(samples: problem.samples, dictionary: problem.dictionary, bias: problem.bias).cost
    var measured: [Step] = []
    for t in steps {
      let moved = moved(problem, along: direction, by: t)
      let cost = try ExactL1Coding.total(samples: moved.samples, dictionary: moved.dictionary, bias: moved.bias).cost
      measured.append(Step(t: t, lossChange: cost - initial, slope: (cost - initial) / t, reoptimizedSlope: nil))
    }
    // Realisability (Prop. 3.8) is a statement about small t: a large step may leave the cone of the
    // moved atoms (an infinite cost, reported as such) while small ones stay feasible.
    let realisable = measured.min { $0.t < $1.t }?.lossChange.isFinite ?? false
    return SelfVerification(predictedSlope: v, initialLoss: initial, steps: measured,
                            outcome: realisable ? outcome(predicted: v, initial: initial, steps: measured) : .notRealisable)
  }

  /// §5.7 step 4: confirmed iff some t has ΔL < −10³·u·L(0) and |ΔL/t − v| ≤ 0.1|v|.
  static func outcome(predicted v: Double, initial: Double, steps: [Step]) -> Outcome {
    let floor = 1e3 * Double.ulpOfOne * abs(initial)
    if steps.contains(where: { $0.lossChange < -floor && abs($0.slope - v) <= 0.1 * abs(v) }) { return .confirmed }
    return abs(v) <= 2e-5 * abs(initial) ? .unconfirmable : .failed
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
