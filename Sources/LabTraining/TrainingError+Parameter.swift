import LabNumerics

extension TrainingError {
  /// The libraries' one validation message, in scikit-learn's form and naming the parameter, not a
  /// command-line option: "The 'learningRate' parameter of Trainer must be a finite number > 0.
  /// Got -1.0 instead." A command-line tool maps the parameter to the option its user typed.
  public static func parameter(_ name: String, of owner: String, mustBe requirement: String, got value: Any) -> TrainingError {
    TrainingError(ParameterProblem(name, mustBe: requirement, got: value).description(of: owner))
  }
}
