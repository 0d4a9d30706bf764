/// Why a dictionary-learning run stopped; shared by every learner of the lab.
public enum LearningTermination: String, Codable, Sendable {
  /// The KKT residual at exact codes fell below the tolerance (converged).
  case kktTolerance = "kkt-tolerance"
  /// The atoms and the bias stopped moving by more than the step tolerance (converged).
  case stalled
  /// The iteration (or epoch) limit was reached.
  case iterationLimit = "iteration-limit"
  /// The wall-clock time limit was reached.
  case timeLimit = "time-limit"
}
