import CGLPK

/// The GNU Linear Programming Kit, used only through synchronous, self-contained calls.
///
/// Every call creates its `glp_prob`, solves, reads everything back and deletes the problem on
/// the calling thread, so no GLPK object ever crosses a thread or an `await` (GLPK aborts if a
/// problem is deleted on another thread). This build of GLPK keeps its state thread-locally, so
/// calls on different threads may run at the same time. Each thread's small GLPK environment is
/// left alive (`glp_free_env` would also destroy any other problem that thread holds).
public enum GLPK {
  /// The GLPK library version, e.g. "5.0" (glp_version()).
  public static var version: String { String(cString: glp_version()) }

  /// Validates, builds a glp_prob, solves, reads everything back, deletes the problem — all
  /// synchronously on the calling thread.
  ///
  /// - `.simplex` runs `glp_simplex` with the primal method and presolve off, so infeasible and
  ///   unbounded programs are reported through `glp_get_status` rather than as presolver errors.
  /// - `.exact` runs `glp_exact`.
  ///
  /// Both run with `msg_lev = GLP_MSG_OFF` and with terminal output off on this thread
  /// (restored afterwards), so GLPK prints nothing. Both stop after `10 000 + 100 × (rows + columns)`
  /// iterations, because GLPK can otherwise cycle forever on numerically unstable input; hitting
  /// the limit gives status `undefined`. A program without rows gets one empty free row, which
  /// changes nothing but keeps `glp_exact` (which refuses a problem with no rows) working; it is
  /// not part of the returned vectors.
  ///
  /// - Throws: ``LPValidationError`` from ``LinearProgram/validate()``; GLPK is not called then.
  public static func solve(_ program: LinearProgram, method: LPMethod = .simplex) throws -> LPSolution {
    try program.validate()
    try refuseClosedForm(method)
    let previousTerminalOutput = glp_term_out(GLP_OFF)
    defer { glp_term_out(previousTerminalOutput) }
    let problem: OpaquePointer = glp_create_prob()
    defer { glp_delete_prob(problem) }
    load(program, into: problem)
    var parameters = simplexParameters(for: program)
    return run(method, on: problem, program: program, parameters: &parameters).solution
  }

  /// GLPK's control parameters for `program`: primal method, presolve off, no messages, the
  /// iteration cap of ``iterationLimit(for:)``, no time limit.
  static func simplexParameters(for program: LinearProgram) -> glp_smcp {
    var parameters = glp_smcp()
    glp_init_smcp(&parameters)
    parameters.msg_lev = GLP_MSG_OFF
    parameters.meth = GLP_PRIMAL
    parameters.presolve = GLP_OFF
    parameters.it_lim = iterationLimit(for: program)
    return parameters
  }

  /// Runs `method` on a loaded problem (from its current basis) and reads the answer back, with
  /// GLPK's return code (e.g. `GLP_ETMLIM` when the time limit ran out).
  static func run(_ method: LPMethod, on problem: OpaquePointer, program: LinearProgram,
                  parameters: inout glp_smcp) -> (solution: LPSolution, returnCode: Int32) {
    let returnCode: Int32
    switch method {
    case .simplex: returnCode = glp_simplex(problem, &parameters)
    case .exact: returnCode = glp_exact(problem, &parameters)
    case .closedForm: preconditionFailure("GLPK.run is never called with .closedForm; solve and solveVerified refuse it")
    }
    return (readSolution(of: problem, program: program, method: method, returnCode: returnCode), returnCode)
  }

  /// Throws for ``LPMethod/closedForm``, which names answers built outside GLPK.
  static func refuseClosedForm(_ method: LPMethod) throws {
    if method == .closedForm { throw LPValidationError(description: "The method closed-form is not a GLPK solver; use simplex or exact.") }
  }

  /// The iteration cap passed to GLPK: `10 000 + 100 × (rows + columns)`, at most `Int32.max`.
  ///
  /// A simplex solve typically needs a small multiple of the row count, so the cap only stops
  /// cycling and stalls.
  static func iterationLimit(for program: LinearProgram) -> Int32 {
    Int32(clamping: 10_000 + 100 * (program.rowCount + program.columnCount))
  }

  /// Maps GLPK's return code and `glp_get_status` to ``LPSolution/Status``.
  static func status(returnCode: Int32, glpkStatus: Int32) -> LPSolution.Status {
    guard returnCode == 0 else { return .undefined }
    switch glpkStatus {
    case GLP_OPT: return .optimal
    case GLP_NOFEAS: return .infeasible
    case GLP_UNBND: return .unbounded
    default: return .undefined
    }
  }

  static func readSolution(
    of problem: OpaquePointer, program: LinearProgram, method: LPMethod, returnCode: Int32
  ) -> LPSolution {
    let rows = (0..<program.rowCount).map { Int32($0 + 1) }
    let columns = (0..<program.columnCount).map { Int32($0 + 1) }
    return LPSolution(
      status: status(returnCode: returnCode, glpkStatus: glp_get_status(problem)),
      method: method,
      objective: glp_get_obj_val(problem),
      primal: columns.map { glp_get_col_prim(problem, $0) },
      rowActivity: rows.map { glp_get_row_prim(problem, $0) },
      rowDuals: rows.map { glp_get_row_dual(problem, $0) },
      reducedCosts: columns.map { glp_get_col_dual(problem, $0) })
  }
}
