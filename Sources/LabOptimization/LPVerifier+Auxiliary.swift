/// Certificates for `infeasible` and `unbounded` claims, from auxiliary LPs whose answers pass the `optimal` checks.
extension LPVerifier {
  /// Confirms an `infeasible` claim with the phase-1 program (see ``verify(_:_:tolerance:)``).
  static func verifyInfeasibility(_ program: LinearProgram, tolerance: Double) -> LPVerification {
    let phaseOne = program.phaseOneProgram()
    let check: OptimalityCheck
    do {
      check = try certifiedOptimum(of: phaseOne, named: "phase-1", tolerance: tolerance).check
    } catch {
      return .rejected(.infeasible, tolerance: tolerance, error.detail)
    }
    let allowed = tolerance * (1 + check.primalScale)
    let verified = check.dualObjective > allowed
    return LPVerification(
      claimedStatus: .infeasible, primalInfeasibility: check.dualObjective,
      dualInfeasibility: check.dualInfeasibility, primalObjective: check.primalObjective,
      dualObjective: check.dualObjective, dualityGap: check.dualityGap, tolerance: tolerance,
      verified: verified,
      detail: verified
        ? "The phase-1 LP certifies a total row violation of at least \(check.dualObjective), above the allowed \(allowed)."
        : "The phase-1 LP's certified minimum violation \(check.dualObjective) is within the allowed \(allowed).")
  }

  /// Confirms an `unbounded` claim with a feasible point and an improving direction (see ``verify(_:_:tolerance:)``).
  static func verifyUnboundedness(_ program: LinearProgram, tolerance: Double) -> LPVerification {
    let point: (solution: LPSolution, check: OptimalityCheck)
    let direction: (solution: LPSolution, check: OptimalityCheck)
    do {
      point = try certifiedOptimum(of: program.feasibilityProgram(), named: "feasibility", tolerance: tolerance)
      direction = try certifiedOptimum(of: program.recessionProgram(), named: "recession", tolerance: tolerance)
    } catch {
      return .rejected(.unbounded, tolerance: tolerance, error.detail)
    }
    let objectiveAtPoint = zip(program.objective, point.solution.primal).map { $0 * $1 }.reduce(0, +)
    let rate = zip(program.objective, direction.solution.primal).map { $0 * $1 }.reduce(0, +)
    return LPVerification(
      claimedStatus: .unbounded,
      primalInfeasibility: max(point.check.primalInfeasibility, direction.check.primalInfeasibility),
      dualInfeasibility: max(point.check.dualInfeasibility, direction.check.dualInfeasibility),
      primalObjective: objectiveAtPoint, dualObjective: rate, dualityGap: 0, tolerance: tolerance,
      verified: true,
      detail: "A verified feasible point with objective \(objectiveAtPoint) and a verified direction "
        + "changing the objective at rate \(rate) certify unboundedness.")
  }

  /// Why an auxiliary LP gave no certificate.
  struct MissingCertificate: Error {
    let detail: String
  }

  /// Solves an auxiliary LP with the simplex method and checks its answer as an `optimal` claim.
  private static func certifiedOptimum(
    of auxiliary: LinearProgram, named name: String, tolerance: Double
  ) throws(MissingCertificate) -> (solution: LPSolution, check: OptimalityCheck) {
    let solution: LPSolution
    do {
      solution = try GLPK.solve(auxiliary)
    } catch {
      throw MissingCertificate(detail: "The \(name) LP could not be solved: \(error)")
    }
    guard solution.status == .optimal else {
      throw MissingCertificate(detail: "The \(name) LP's status is \(solution.status), not optimal.")
    }
    let check: OptimalityCheck
    do {
      check = try OptimalityCheck(auxiliary, solution)
    } catch {
      throw MissingCertificate(detail: "The \(name) LP's answer failed verification: \(error.detail)")
    }
    if let failure = check.failure(tolerance: tolerance) {
      throw MissingCertificate(detail: "The \(name) LP's answer failed verification: \(failure)")
    }
    return (solution, check)
  }
}
