/// Which GLPK solver answers a ``LinearProgram``.
public enum LPMethod: String, Sendable, Codable {
  /// `glp_simplex`: primal simplex in double precision, presolve off.
  case simplex
  /// `glp_exact`: simplex in exact rational arithmetic (GMP); slow, answers rounded to `Double` at the end.
  ///
  /// It is exact for a slightly different program: GLPK first replaces every non-integral
  /// input by a nearby simple fraction (`set_d_eps`, relative error below 2e-10), so on
  /// well-conditioned programs its answers are no closer to the `Double` program's optimum than
  /// `.simplex`'s, and a program that is feasible only to within rounding may come back `infeasible`.
  case exact
  /// Not a GLPK solver: an answer built from a closed form (LP-K's weighted medians, THEORY §5.2) and
  /// handed to ``LPVerifier``; ``GLPK/solve(_:method:)`` refuses it.
  case closedForm = "closed-form"
}

/// GLPK's answer to a ``LinearProgram``, read back in full before the GLPK problem is deleted.
///
/// Vectors are 0-based like the program. When `status` is not `optimal` the values are whatever
/// GLPK's last basis holds and carry no meaning; ``LPVerifier`` never reads them in that case.
public struct LPSolution: Sendable {
  /// How GLPK classified the program.
  public enum Status: String, Sendable, Codable {
    /// An optimal basic solution was found (`GLP_OPT`).
    case optimal
    /// No feasible point exists (`GLP_NOFEAS`).
    case infeasible
    /// The objective is unbounded in the program's direction (`GLP_UNBND`).
    case unbounded
    /// Anything else: a nonzero solver return code (iteration limit, singular basis, ...) or another status.
    case undefined
  }

  /// How GLPK classified the program.
  public let status: Status
  /// The solver that produced this answer.
  public let method: LPMethod
  /// `cᵀx` as GLPK reports it, in the LP's own direction.
  public let objective: Double
  /// The column values `x`.
  public let primal: [Double]
  /// `A x` per row, as GLPK reports it.
  public let rowActivity: [Double]
  /// GLPK row duals (glp_get_row_dual), one per row.
  public let rowDuals: [Double]
  /// GLPK column duals (glp_get_col_dual), the reduced costs `c - Aᵀy`, one per column.
  public let reducedCosts: [Double]

  /// Creates an answer from its parts, e.g. to check a hand-made or perturbed answer with ``LPVerifier``.
  public init(
    status: Status, method: LPMethod, objective: Double, primal: [Double], rowActivity: [Double],
    rowDuals: [Double], reducedCosts: [Double]
  ) {
    self.status = status
    self.method = method
    self.objective = objective
    self.primal = primal
    self.rowActivity = rowActivity
    self.rowDuals = rowDuals
    self.reducedCosts = reducedCosts
  }
}
