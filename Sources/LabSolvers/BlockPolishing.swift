/// Exact block minimisation (THEORY §5.8) started from a learned dictionary and bias, run until the
/// KKT residual at exact codes is at most `kktTolerance` (it never stops for a small step, which
/// ended a polish at 1.06e-6·λΣz with a measurable LP-K descent): the end of a `lab learn` run that
/// is certified by default (the online learner stops near, not at, a stationary point).
public enum BlockPolishing {
  /// The polished result: the block learner's final problem, KKT residuals and termination; the
  /// objective history continues the learner's; `iterations` counts the polishing iterations only.
  /// `deadline` replaces the clock of `timeLimit` (`lab learn` passes the one its whole run keeps);
  /// a polishing it stops ends as ``BlockMinimization`` does, at exact codes for the state it reached.
  public static func polish(_ result: LearningResult, kktTolerance: Double, timeLimit: Double?,
                            deadline: LearningDeadline? = nil) -> LearningResult {
    let p = result.problem
    let configuration = BlockMinimization.Configuration(stepTolerance: 0, kktTolerance: kktTolerance, kktCheckInterval: 10,
                                                        timeLimit: timeLimit)
    let fit = BlockMinimization.fit(samples: p.samples, initialDictionary: p.dictionary, initialBias: p.bias, lambda: p.lambda,
                                    configuration: configuration, constraint: p.constraint, deadline: deadline)
    var polished = LearningResult(fit)
    polished.objectiveHistory = result.objectiveHistory + fit.lossHistory
    polished.reseededAtoms += result.reseededAtoms
    return polished
  }
}
