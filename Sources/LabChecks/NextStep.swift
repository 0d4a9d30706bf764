import Foundation

/// What to do after a verdict of `lab check`, in the JSON and the report.
public struct NextStep: Codable, Sendable, Equatable {
  /// The closed set of advice.
  public enum Action: String, Codable, Sendable {
    /// Descent-found with a confirmed (or unconfirmable) descent: apply the move (`--save-move DIR`).
    case applyDescent = "apply-descent"
    /// Stationary, and the new-atom test lowers the loss: add an atom.
    case addAtom = "add-atom"
    /// Stationary, and no new atom helps: nothing to do at first order.
    case none
    /// Inconclusive, or a measurable descent failed its self-verification: look at the named LP or step.
    case investigate
  }

  /// The advice.
  public var action: Action
  /// The advice in one or two sentences, with the numbers it rests on.
  public var text: String
  /// The loss change the advice promises, when measured: ΔL_λ of the best confirmed step, or of adding the atom.
  public var lossChange: Double?

  /// The advice for a verdict.
  public init(verdict: Verdict, undecided: String?, descent: StationarityAssessment.Descent, newAtom: NewAtomTest) {
    switch verdict {
    case .descentFound:
      let best = descent.steps.filter { $0.lossChange.isFinite }.min { $0.lossChange < $1.lossChange }
      if descent.outcome == SelfVerification.Outcome.failed.rawValue {
        action = .investigate
        text = "The \(descent.source ?? "LP") descent (slope \(Self.number(descent.lpValue))) failed its self-verification: no step lowered L_λ at the predicted rate although the measured curvature says one should. Rerun with --full and report the record."
        lossChange = nil
      } else {
        action = .applyDescent
        lossChange = best.map(\.lossChange)
        let step = best.map { " A step of t = \(Self.number($0.t)) along it changes L_λ by \(Self.number($0.lossChange))." } ?? ""
        text = "Move the dictionary along the \(descent.source ?? "LP") descent direction (predicted slope \(Self.number(descent.lpValue))).\(step) --save-move DIR writes the moved dictionary (and bias) for lab learn --init DIR."
      }
    case .stationary:
      if newAtom.improves {
        action = .addAtom
        lossChange = newAtom.lossWithNewAtom.map { $0 - newAtom.loss }
        text = "Add an atom: the residual of point \(newAtom.point) has norm \(Self.number(newAtom.maxResidualNorm)) > λ, and r_n/‖r_n‖ as a new atom changes L_λ by \(Self.number(lossChange)) (lab learn --atoms K+1 --init DIR)."
      } else {
        action = .none
        lossChange = nil
        text = "Nothing to do at first order: no descent beyond ε and no new atom lowers the loss (a stationary point may still not be a minimum; docs/theory-guide.md §3, the new-atom test)."
      }
    case .inconclusive:
      action = .investigate
      lossChange = nil
      text = "\(undecided ?? "An LP could not be verified.") Try: polish the dictionary (lab learn --method block --init DIR) so that LP-K decides, give float64 inputs, or check a subset of the data (LP-R is solved up to \(StationarityAssessment.maximumReconstructionRows) rows m·N + K)."
    }
  }

  private static func number(_ value: Double?) -> String {
    guard let value else { return "—" }
    return String(format: "%.6g", value)
  }
}
