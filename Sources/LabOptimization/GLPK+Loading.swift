import CGLPK

extension GLPK {
  /// Copies a validated program into an empty `glp_prob` (GLPK indices are 1-based).
  ///
  /// A program without rows gets one free row with no coefficients instead, because
  /// `glp_add_rows(P, 0)` aborts and `glp_exact` fails on a problem without rows.
  static func load(_ program: LinearProgram, into problem: OpaquePointer) {
    glp_set_obj_dir(problem, program.direction == .minimize ? GLP_MIN : GLP_MAX)
    glp_add_cols(problem, Int32(program.columnCount))
    for (index, (bounds, cost)) in zip(program.columnBounds, program.objective).enumerated() {
      let column = Int32(index + 1)
      let (type, lower, upper) = glpkBounds(bounds)
      glp_set_col_bnds(problem, column, type, lower, upper)
      glp_set_obj_coef(problem, column, cost)
    }
    if program.rowCount == 0 {
      glp_add_rows(problem, 1)
      glp_set_row_bnds(problem, 1, GLP_FR, 0, 0)
    } else {
      glp_add_rows(problem, Int32(program.rowCount))
      for (index, bounds) in program.rowBounds.enumerated() {
        let (type, lower, upper) = glpkBounds(bounds)
        glp_set_row_bnds(problem, Int32(index + 1), type, lower, upper)
      }
    }
    // Element 0 of each array is ignored by GLPK.
    let rowIndices = [0] + program.entries.map { Int32($0.row + 1) }
    let columnIndices = [0] + program.entries.map { Int32($0.column + 1) }
    let values = [0] + program.entries.map(\.value)
    glp_load_matrix(problem, Int32(program.entries.count), rowIndices, columnIndices, values)
  }

  /// GLPK's bound type and the two numbers it reads for it (unused sides are 0).
  static func glpkBounds(_ bounds: LinearProgram.Bounds) -> (type: Int32, lower: Double, upper: Double) {
    switch (bounds.lower.isFinite, bounds.upper.isFinite) {
    case (false, false): return (GLP_FR, 0, 0)
    case (false, true): return (GLP_UP, 0, bounds.upper)
    case (true, false): return (GLP_LO, bounds.lower, 0)
    case (true, true):
      return (bounds.lower == bounds.upper ? GLP_FX : GLP_DB, bounds.lower, bounds.upper)
    }
  }
}
