import LabChecks
import LabSolvers

/// Runs the first-order checks on one candidate at λ > 0 and records them.
enum StateAssessment {
  /// ε = 10⁻⁷·scale, the verdict threshold of THEORY §5.1 for float64 inputs.
  static let verdictTolerance = Verdict.float64Tolerance

  /// KKT residuals, pairs, LP-K (GLPK and closed form), LP-R, the §5.1 verdict, and the
  /// self-verification of every direction that shows descent.
  static func assess(_ problem: SparseCodingProblem) throws -> StateRecord {
    let scale = Verdict.scale(lambda: problem.lambda, codeTotal: problem.codes.storage.reduce(0, +), loss: problem.loss)
    let lpK = try KKTLinearProgram.solve(problem)
    let lpR = try ReconstructionPreservingProgram.solve(problem, weight: problem.lambda)
    let epsilon = verdictTolerance * scale
    let verdict = Verdict.decide(lpK: Verdict.Evidence(lpK), lpR: Verdict.Evidence(lpR), scale: scale,
                                  relativeTolerance: verdictTolerance).verdict
    func steps(_ test: LPTestResult) -> SelfVerification? {
      guard test.isTrusted, test.value < -epsilon, let direction = test.direction else { return nil }
      return SelfVerification.measure(problem, along: direction, predictedSlope: test.value)
    }
    return StateRecord(
      loss: problem.loss, scale: scale, kkt: KKTResiduals(problem), pairs: PairCondition.all(in: problem),
      lpK: record(lpK, scale: scale), lpKClosedForm: KKTLinearProgram.closedFormValue(problem),
      lpR: record(lpR, scale: scale), verdict: verdict, lpKSteps: steps(lpK), lpRSteps: steps(lpR),
      dictionary: problem.dictionary.nestedRows, bias: problem.bias)
  }

  static func record(_ test: LPTestResult, scale: Double) -> LPRecord {
    let value: Double? = test.value.isFinite ? test.value : nil
    return LPRecord(value: value, relativeValue: value.map { $0 / scale }, status: test.status,
                    verified: test.verification.verified, dualityGap: test.verification.dualityGap,
                    columns: test.size.columns, rows: test.size.rows)
  }
}
