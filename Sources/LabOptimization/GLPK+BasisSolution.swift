import CGLPK

extension GLPK {
  /// The primal and dual solution of `problem`'s current basis, computed in double precision from the numbers
  /// loaded into `problem` (one LU factorisation, one forward and one backward solve), with `status` as given;
  /// `nil` when the basis matrix is singular.
  ///
  /// GLPK's variables are the rows' auxiliary variables and the columns, bound by `x_R = A x_S`, that is
  /// `(I | −A)(x_R, x_S) = 0`. With the nonbasic variables at their active bounds, the basic values solve
  /// `B x_B = −N x_N` and the simplex multipliers solve `Bᵀ π = c_B` (auxiliary variables cost 0). A row's
  /// dual, GLPK's `glp_get_row_dual`, is the reduced cost of its auxiliary variable, `−πᵢ`; a column's is
  /// `cⱼ − Σᵢ aᵢⱼ yᵢ` with those row duals.
  static func basisSolution(of problem: OpaquePointer, program: LinearProgram, method: LPMethod,
                            status: LPSolution.Status) -> LPSolution? {
    let m = program.rowCount, n = program.columnCount
    guard m > 0, glp_factorize(problem) == 0 else { return nil }
    let rowStatus = (0..<m).map { glp_get_row_stat(problem, Int32($0 + 1)) }
    let columnStatus = (0..<n).map { glp_get_col_stat(problem, Int32($0 + 1)) }
    var rowValues = zip(rowStatus, program.rowBounds).map(nonbasicValue)
    var columnValues = zip(columnStatus, program.columnBounds).map(nonbasicValue)
    // GLPK's vectors are indexed from 1.
    var right = [Double](repeating: 0, count: m + 1)
    for row in 0..<m where rowStatus[row] != GLP_BS { right[row + 1] -= rowValues[row] }
    for entry in program.entries where columnStatus[entry.column] != GLP_BS {
      right[entry.row + 1] += entry.value * columnValues[entry.column]
    }
    glp_ftran(problem, &right)
    var multipliers = [Double](repeating: 0, count: m + 1)
    for position in 1...m {
      let head = Int(glp_get_bhead(problem, Int32(position)))
      if head <= m {
        rowValues[head - 1] = right[position]
      } else {
        columnValues[head - m - 1] = right[position]
        multipliers[position] = program.objective[head - m - 1]
      }
    }
    glp_btran(problem, &multipliers)
    let rowDuals = multipliers.dropFirst().map { -$0 }
    var reducedCosts = program.objective
    for entry in program.entries { reducedCosts[entry.column] -= entry.value * rowDuals[entry.row] }
    let objective = zip(program.objective, columnValues).reduce(0) { $0 + $1.0 * $1.1 }
    return LPSolution(status: status, method: method, objective: objective, primal: columnValues,
                      rowActivity: rowValues, rowDuals: rowDuals, reducedCosts: reducedCosts)
  }

  /// A variable's value at its active bound for a nonbasic status (0 when free); 0 for a basic one, filled in later.
  private static func nonbasicValue(_ status: Int32, _ bounds: LinearProgram.Bounds) -> Double {
    switch status {
    case GLP_NL, GLP_NS: return bounds.lower
    case GLP_NU: return bounds.upper
    default: return 0
    }
  }
}
