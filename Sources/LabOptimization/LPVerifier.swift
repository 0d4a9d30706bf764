/// Checks LP answers without trusting the solver: everything is recomputed from the program and the answer's vectors.
public enum LPVerifier {
  /// Checks an LP answer against its program, trusting nothing the solver computed beyond the returned vectors.
  ///
  /// - `optimal`: the answer's vectors must fit the program and be finite. Then primal
  ///   feasibility, the reported row activities against the recomputed `A x`, dual feasibility
  ///   (including that a nonzero dual never leans on an infinite bound), the reported reduced
  ///   costs against the recomputed `c - Aᵀy`, the reported objective against the recomputed
  ///   `cᵀx`, and the duality gap must each be at most `tolerance × (1 + scale)`. The sign
  ///   conventions for both directions are derived in `OptimalityCheck`. The scale is the size
  ///   of the numbers whose rounding the quantity carries: `max(|xⱼ|, Σⱼ |aᵢⱼ xⱼ|)` for primal
  ///   checks, column by column `|cⱼ| + Σᵢ |aᵢⱼ yᵢ|` for a column's reduced cost and `max |yᵢ|` for
  ///   the rows' duals in the dual checks, and
  ///   `max(Σⱼ |cⱼ xⱼ|, Σ |terms of the dual objective|)` for the gap and the objective.
  /// - `infeasible`: the phase-1 LP keeps the column bounds (validation guarantees each is a
  ///   nonempty interval) and gives every row `i` elastic columns `pᵢ, qᵢ >= 0` in
  ///   `lowerᵢ <= (A x)ᵢ + pᵢ - qᵢ <= upperᵢ`, minimising the total violation `Σ (pᵢ + qᵢ)`.
  ///   Its simplex answer must pass the `optimal` checks, and its dual objective, a certified
  ///   lower bound on the total violation, must be positive beyond `tolerance × (1 + scale)`
  ///   with that answer's primal scale: no point comes within the violation an `optimal`
  ///   claim would be allowed.
  /// - `unbounded`: the program with a zero objective must have a verified optimal (hence
  ///   feasible) point, and the recession LP must have a verified feasible direction `r`:
  ///   each finite bound of a column or row becomes 0 (so `rⱼ >= 0` under a finite lower bound,
  ///   `(A r)ᵢ <= 0` under a finite upper bound, and so on), and `cᵀr <= -1` for minimize or
  ///   `cᵀr >= 1` for maximize.
  /// - `undefined` is never verified.
  ///
  /// The answer's own `method` is not used; auxiliary LPs are solved with `.simplex`. A program
  /// that fails ``LinearProgram/validate()``, or a tolerance that is negative or not finite,
  /// is never verified.
  public static func verify(_ program: LinearProgram, _ solution: LPSolution, tolerance: Double = 1e-9)
    -> LPVerification
  {
    let claim = solution.status
    guard tolerance.isFinite, tolerance >= 0 else {
      return .rejected(claim, tolerance: tolerance, "The tolerance \(tolerance) is not a finite nonnegative number.")
    }
    do {
      try program.validate()
    } catch {
      return .rejected(claim, tolerance: tolerance, "The program is invalid: \(error)")
    }
    switch claim {
    case .optimal: return verifyOptimality(program, solution, tolerance: tolerance)
    case .infeasible: return verifyInfeasibility(program, tolerance: tolerance)
    case .unbounded: return verifyUnboundedness(program, tolerance: tolerance)
    case .undefined: return .rejected(claim, tolerance: tolerance, "An undefined status is never verified.")
    }
  }

  /// Runs the `optimal` checks on an answer (see `OptimalityCheck`).
  static func verifyOptimality(_ program: LinearProgram, _ solution: LPSolution, tolerance: Double)
    -> LPVerification
  {
    let check: OptimalityCheck
    do {
      check = try OptimalityCheck(program, solution)
    } catch {
      return .rejected(.optimal, tolerance: tolerance, error.detail)
    }
    let failure = check.failure(tolerance: tolerance)
    return LPVerification(
      claimedStatus: .optimal, primalInfeasibility: check.primalInfeasibility,
      dualInfeasibility: check.dualInfeasibility, primalObjective: check.primalObjective,
      dualObjective: check.dualObjective, dualityGap: check.dualityGap, tolerance: tolerance,
      verified: failure == nil,
      detail: failure ?? "Primal feasibility, dual feasibility and the duality gap all hold within tolerance.")
  }
}
