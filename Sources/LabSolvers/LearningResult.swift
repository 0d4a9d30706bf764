import LabNumerics

/// The result of a dictionary-learning run, whatever the learner; the codes are exact
/// (``NonnegativeLasso``) for the final dictionary and bias, and every reported quantity uses them.
public struct LearningResult: Sendable {
  /// The final problem (data, unit-norm dictionary, bias, exact codes, λ).
  public var problem: SparseCodingProblem
  /// The objective during the run, in the sum units of L_λ; each learner documents its entries.
  public var objectiveHistory: [Double]
  /// Outer iterations (block minimisation, MOD) or epochs (online learning) done.
  public var iterations: Int
  /// Why the run stopped.
  public var termination: LearningTermination
  /// KKT residuals (K1–K3) at the final exact codes.
  public var kkt: KKTResiduals
  /// How many times an atom was re-seeded by the new-atom test (``DeadAtoms``).
  public var reseededAtoms: Int
  /// The escape moves of the online learner (``EscapeMoves``), summed over its epochs; `nil` when off.
  public var escapes: EscapeMoves.Outcome?

  /// Creates a result from its parts.
  public init(problem: SparseCodingProblem, objectiveHistory: [Double], iterations: Int,
              termination: LearningTermination, kkt: KKTResiduals, reseededAtoms: Int) {
    self.problem = problem
    self.objectiveHistory = objectiveHistory
    self.iterations = iterations
    self.termination = termination
    self.kkt = kkt
    self.reseededAtoms = reseededAtoms
  }

  /// The final objective L_λ at the exact codes.
  public var objective: Double { problem.loss }
}

extension LearningResult {
  /// The result of an exact block-minimisation run; its history is the loss per iteration.
  public init(_ fit: BlockMinimization.Fit) {
    self.init(problem: fit.problem, objectiveHistory: fit.lossHistory, iterations: fit.iterations,
              termination: fit.termination, kkt: fit.kkt, reseededAtoms: fit.reseededAtoms)
  }
}
