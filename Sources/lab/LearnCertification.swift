import Foundation
import LabChecks
import LabExperiments
import LabFormats
import LabSolvers

/// Whether a `lab learn` result is certified: KKT residuals (K1–K3) at most 10⁻⁶·scale (scale = λΣz,
/// THEORY §5.1) and the §5.1 verdict stationary. Without a user budget an uncertified result is
/// polished by exact block minimisation first; with one (`--epochs`, `--time-limit`), the budget
/// bounds the whole run. Once `--time-limit` has run out the verdict is not computed (its verified
/// LP-K closed form and LP-R grow with N·K and nothing inside them asks the clock): the result is
/// then uncertified, and the summary's `skipped` list says so and why.
struct LearnCertification {
  /// The relative KKT tolerance of a certified result.
  static let kktTolerance = 1e-6
  /// The relative KKT residual polishing aims for: below ``kktTolerance`` by this factor, because a
  /// residual just under 10⁻⁶·λΣz can still leave an LP-K descent beyond ε = 10⁻⁷·λΣz.
  static let polishingMargin = 1e-3

  /// Whether the result is certified.
  var certified: Bool
  /// The §5.1 verdict at the final exact codes; `nil` when it was skipped.
  var verdict: Verdict?
  /// max(K1, K2, K3) / scale.
  var kktRelative: Double
  /// Why the result is not certified, for standard error; `nil` when it is.
  var reason: String?
  /// The polishing run (iterations, seconds, termination), when one ran.
  var polishing: [String: Any]?
  /// The parts of the certificate that did not run (`verdict`), with the reason.
  var skipped: [(part: String, reason: String)]

  /// Polishes `result` when allowed and needed, then measures the certificate.
  ///
  /// - `epochsGiven`: the user fixed the epochs, so no polishing is added.
  /// - `timeLimit`: the user's limit in seconds and `deadline` its clock, started with the run;
  ///   polishing gets what remains, and the verdict is skipped once it has passed.
  static func certify(_ result: inout LearningResult, precision: NumPyArray.ElementType, epochsGiven: Bool, timeLimit: Double?,
                      deadline: LearningDeadline?) throws -> LearnCertification {
    var polishing: [String: Any]?
    let spent = { deadline?.hasPassed ?? false }
    if relativeKKT(result) > kktTolerance, !epochsGiven, !spent() {
      let started = Date()
      let scale = Self.scale(result.problem)
      result = BlockPolishing.polish(result, kktTolerance: polishingMargin * kktTolerance * scale, timeLimit: timeLimit, deadline: deadline)
      polishing = ["iterations": result.iterations, "seconds": Date().timeIntervalSince(started), "termination": result.termination.rawValue]
    }
    let relative = relativeKKT(result)
    var reasons: [String] = []
    if !(relative <= kktTolerance) { reasons.append("the KKT residual is \(relative)·λΣz, above \(kktTolerance)") }
    var verdict: Verdict?
    var skipped: [(part: String, reason: String)] = []
    let outOfTime = result.termination == .timeLimit || spent()
    if outOfTime {
      let part = (part: "verdict", reason: "the --time-limit budget had run out; lab check on the written dictionary gives it")
      skipped.append(part)
      reasons.append("the verdict was skipped (\(part.reason))")
    } else {
      let first = try StationarityAssessment.firstOrder(result.problem, relativeTolerance: CheckRecord.relativeTolerance(for: precision))
      verdict = first.verdict
      if first.verdict != .stationary { reasons.append("the verdict is \(first.verdict.rawValue)" + (first.decision.undecided.map { " (\($0))" } ?? "")) }
    }
    // Only a run that a budget stopped says so: a polishing that converged and still is not certified names the verdict alone.
    if !reasons.isEmpty, let budget = budget(result.termination, epochsGiven: epochsGiven, outOfTime: outOfTime) {
      reasons[0] = "\(budget) stopped the run first: " + reasons[0]
    }
    return LearnCertification(certified: reasons.isEmpty, verdict: verdict, kktRelative: relative,
                              reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "), polishing: polishing, skipped: skipped)
  }

  /// The budget that stopped a run ending with `termination`: `--time-limit` when `outOfTime` (it stopped
  /// the run, or ran out before the certificate: a learner that ended on its own just before the limit
  /// gets no polishing then), else `--epochs` when given (no polishing ran then), else the polishing's
  /// iteration limit; `nil` when the polishing converged.
  static func budget(_ termination: LearningTermination, epochsGiven: Bool, outOfTime: Bool) -> String? {
    if outOfTime { return "the --time-limit budget" }
    if epochsGiven { return "the --epochs budget" }
    switch termination {
    case .iterationLimit: return "the polishing's iteration limit"
    case .kktTolerance, .stalled, .timeLimit: return nil
    }
  }

  /// λΣz, or L_λ when Σz = 0 (THEORY §5.1).
  static func scale(_ problem: SparseCodingProblem) -> Double {
    Verdict.scale(lambda: problem.lambda, codeTotal: problem.codeMass, loss: problem.loss)
  }

  /// max(K1, K2, K3) / scale.
  static func relativeKKT(_ result: LearningResult) -> Double { result.kkt.maximum / scale(result.problem) }

  /// The summary's fields.
  var fields: [String: Any] {
    ["certified": certified, "verdict": verdict?.rawValue ?? NSNull(), "kktRelative": kktRelative, "polishing": polishing ?? NSNull(),
     "skipped": skipped.map { ["part": $0.part, "reason": $0.reason] }]
  }
}
