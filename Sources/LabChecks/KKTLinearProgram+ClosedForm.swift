import LabNumerics
import LabOptimization
import LabSolvers

extension KKTLinearProgram {
  /// LP-K answered by its closed form (THEORY §5.2) and checked by ``LPVerifier`` like a GLPK answer.
  ///
  /// LP-K separates into blocks. For atom k the weighted median μ_k of −g_ik/D_ki gives the primal
  /// Δ_ik = −sign(g_ik + μ_k D_ki) on every entry but the median's, whose Δ restores d_kᵀΔ_k = 0 (the
  /// median property keeps it in [−1, 1]), and the row dual −μ_k; every other column sits at the bound
  /// its cost favours. The verifier recomputes A x, the reduced costs c − Aᵀy and the duality gap
  /// from the program alone, so a verified answer is as good as GLPK's, at the cost of one pass over
  /// the program at any size. Columns whose cost is within 10⁻¹² of the largest are set to 0 in the
  /// returned direction (§5.7 step 3), as for GLPK's answer.
  public static func solveByClosedForm(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0) -> LPTestResult {
    let (program, layout) = build(problem, activityThreshold: tau)
    let solution = closedFormAnswer(program, dictionary: problem.dictionary, atomColumn: layout.atom)
    let largest = program.objective.map(abs).max() ?? 0
    let cleaned = zip(solution.primal, program.objective).map { abs($1) <= 1e-12 * largest ? 0 : $0 }
    return LPTestResult(value: solution.objective, status: .optimal, verification: LPVerifier.verify(program, solution), exactRetry: nil,
                        direction: layout.direction(from: cleaned), size: (program.columnCount, program.rowCount))
  }

  /// LP-K of a candidate streamed in batches, whose codes are not kept: the (Δ, δb) block is built from
  /// the gradients G_D (`K × m`) and g_b (`nil` without a bias), answered by the closed form and verified;
  /// the code block has no rows, so its minimum is the sum of each column's cost at its better bound,
  /// `codeValue` (≤ 0), added to the value. The direction has no code rows.
  public static func solveByClosedForm(atomGradient g: Matrix<Double>, biasGradient: [Double]?, dictionary d: Matrix<Double>,
                                       codeValue: Double) -> LPTestResult {
    let layout = FirstOrderColumns(m: d.columns, k: d.rows, n: 0)
    var program = LinearProgram(direction: .minimize)
    for atom in 0..<layout.k {
      for i in 0..<layout.m { program.addColumn(bounds: .between(-1, 1), cost: g[atom, i]) }
    }
    for i in 0..<layout.m { program.addColumn(bounds: biasGradient == nil ? .fixed(0) : .between(-1, 1), cost: biasGradient?[i] ?? 0) }
    for atom in 0..<layout.k {
      program.addRow((0..<layout.m).map { (column: layout.atom($0, atom), value: d[atom, $0]) }, bounds: .fixed(0))
    }
    let solution = closedFormAnswer(program, dictionary: d, atomColumn: layout.atom)
    return LPTestResult(value: solution.objective + codeValue, status: .optimal, verification: LPVerifier.verify(program, solution),
                        exactRetry: nil, direction: layout.direction(from: solution.primal), size: (program.columnCount, program.rowCount))
  }

  /// The closed-form answer of a program whose only rows are the K tangency rows d_kᵀΔ_k = 0 over the
  /// columns `atomColumn(i, k)` (row k is atom k) and whose other columns are bounded and in no row.
  static func closedFormAnswer(_ program: LinearProgram, dictionary d: Matrix<Double>, atomColumn: (Int, Int) -> Int) -> LPSolution {
    let c = program.objective
    var x = zip(c, program.columnBounds).map { cost, bounds in cost > 0 ? bounds.lower : (cost < 0 ? bounds.upper : 0) }
    var duals = [Double](repeating: 0, count: program.rowCount)
    var reducedCosts = c
    for atom in 0..<d.rows {
      let columns = (0..<d.columns).map { atomColumn($0, atom) }
      let g = columns.map { c[$0] }, dk = d.row(atom)
      guard let (mu, pivot) = weightedMedian(g, along: dk) else { continue }
      duals[atom] = -mu
      var balance = 0.0
      for i in columns.indices {
        let reduced = g[i] + mu * dk[i]
        reducedCosts[columns[i]] = reduced
        guard i != pivot else { continue }
        x[columns[i]] = reduced > 0 ? -1 : (reduced < 0 ? 1 : 0)
        balance += dk[i] * x[columns[i]]
      }
      x[columns[pivot]] = min(max(-balance / dk[pivot], -1), 1)
    }
    var activity = [Double](repeating: 0, count: program.rowCount)
    for entry in program.entries { activity[entry.row] += entry.value * x[entry.column] }
    return LPSolution(status: .optimal, method: .closedForm, objective: zip(c, x).reduce(0) { $0 + $1.0 * $1.1 }, primal: x,
                      rowActivity: activity, rowDuals: duals, reducedCosts: reducedCosts)
  }
}
