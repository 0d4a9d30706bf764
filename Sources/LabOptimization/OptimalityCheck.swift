/// The measurements behind an `optimal` claim, all recomputed from the program and the answer's vectors.
///
/// **Sign conventions.** Write `y` for the row duals, `r = A x` for the row activities and
/// `d = c - Aᵀy` for the reduced costs (recomputed here; GLPK's own are only compared with them).
/// For every `x`,
///
///     cᵀx = dᵀx + yᵀr = Σⱼ dⱼ xⱼ + Σᵢ yᵢ rᵢ.
///
/// *Minimize.* If `x` is feasible, a term `v·z` (a multiplier `v` on a quantity `z` with bounds
/// `[l, u]`) is at least `v·l` when `v > 0` and at least `v·u` when `v < 0`. So
/// `D = Σ (v > 0 ? v·l : v·u)` over all columns and rows is a lower bound on every feasible
/// objective, provided no nonzero `v` leans on an infinite bound (`v > 0` needs `l > -∞`,
/// `v < 0` needs `u < +∞`): that is dual feasibility, and `D` is the dual objective.
///
/// *Maximize.* Every inequality flips: `v > 0` leans on `u` and `v < 0` on `l`, and `D` is an upper bound.
///
/// With `s = +1` for minimize and `-1` for maximize, a multiplier leans on its lower bound when
/// `s·v > 0` and on its upper bound when `s·v < 0`. A feasible `x` with `cᵀx = D` is then optimal.
/// These are GLPK's conventions: for `max 3x + 2y, x + y <= 4, x + 3y <= 7, 0 <= x <= 3` it
/// reports `y = (2, 0)`, so `d = (1, 0)`; `d₀ = 1 > 0` leans on `x <= 3` and `y₀` on `<= 4`, and
/// `D = 1·3 + 2·4 = 11 = cᵀx`.
///
/// **Tolerances.** Each check passes when its measured quantity is at most
/// `tolerance × (1 + scale)`, where the scale is the magnitude of the numbers whose rounding the
/// quantity contains:
/// - primal feasibility and row activities: `max(|xⱼ|, Σⱼ |aᵢⱼ xⱼ|)` over all columns and rows;
/// - dual feasibility and reduced costs, column by column: `|cⱼ| + Σᵢ |aᵢⱼ yᵢ|` for column `j` (the
///   numbers whose rounding its reduced cost carries), and `max |yᵢ|` over the rows for the rows' duals.
///   A scale shared by all columns let a column of tiny coefficients keep a reduced cost far above its
///   own rounding: on a random LP with columns in units 2⁻¹⁷…2¹⁹, a free column's reduced cost of
///   3.3e-6 passed against a scale of 1.4e6 set by another column, and the "verified" objective was
///   0.68 above the optimum (the column's optimal value, 2·10⁵ of its units, was never reached).
/// - duality gap and the claimed objective: `max(Σⱼ |cⱼ xⱼ|, Σ |terms of D|)`.
struct OptimalityCheck {
  /// An answer whose vectors do not fit the program, or hold a non-finite number.
  struct MalformedAnswer: Error {
    let detail: String
  }

  let primalInfeasibility: Double
  let primalScale: Double
  let activityMismatch: Double
  let dualInfeasibility: Double
  /// The largest column's dual infeasibility over `tolerance`'s unit for that column, `1 + |cⱼ| + Σᵢ |aᵢⱼ yᵢ|`,
  /// beside the rows' dual infeasibility over `1 + max |yᵢ|`: at most `tolerance` when dual feasibility holds.
  let relativeDualInfeasibility: Double
  let reducedCostMismatch: Double
  /// The reduced costs' distance from the recomputed ones, relative column by column as above.
  let relativeReducedCostMismatch: Double
  let primalObjective: Double
  let dualObjective: Double
  let gapScale: Double
  let objectiveMismatch: Double

  var dualityGap: Double { (primalObjective - dualObjective).magnitude }

  /// Measures `solution` against `program`, whose validity the caller has established.
  init(_ program: LinearProgram, _ solution: LPSolution) throws(MalformedAnswer) {
    try Self.checkShape(program, solution)
    let x = solution.primal
    let y = solution.rowDuals
    var activity = [Double](repeating: 0, count: program.rowCount)
    var activityMagnitude = [Double](repeating: 0, count: program.rowCount)
    var reducedCosts = program.objective
    var dualMagnitude = program.objective.map(\.magnitude)
    for entry in program.entries {
      activity[entry.row] += entry.value * x[entry.column]
      activityMagnitude[entry.row] += (entry.value * x[entry.column]).magnitude
      reducedCosts[entry.column] -= entry.value * y[entry.row]
      dualMagnitude[entry.column] += (entry.value * y[entry.row]).magnitude
    }
    let sense: Double = program.direction == .minimize ? 1 : -1
    let columnTerms = zip(reducedCosts, program.columnBounds).map { Self.dualTerm($0, $1, sense: sense) }
    let rowTerms = zip(y, program.rowBounds).map { Self.dualTerm($0, $1, sense: sense) }
    let objectiveTerms = zip(program.objective, x).map { $0 * $1 }

    primalInfeasibility = max(
      zip(x, program.columnBounds).map(Self.violation).max() ?? 0,
      zip(activity, program.rowBounds).map(Self.violation).max() ?? 0)
    primalScale = max(x.map(\.magnitude).max() ?? 0, activityMagnitude.max() ?? 0)
    activityMismatch = zip(activity, solution.rowActivity).map { ($0 - $1).magnitude }.max() ?? 0
    dualInfeasibility = (columnTerms + rowTerms).map(\.violation).max() ?? 0
    let rowDualScale = 1 + (y.map(\.magnitude).max() ?? 0)
    relativeDualInfeasibility = max(
      zip(columnTerms, dualMagnitude).map { $0.violation / (1 + $1) }.max() ?? 0,
      (rowTerms.map(\.violation).max() ?? 0) / rowDualScale)
    let mismatches = zip(reducedCosts, solution.reducedCosts).map { ($0 - $1).magnitude }
    reducedCostMismatch = mismatches.max() ?? 0
    relativeReducedCostMismatch = zip(mismatches, dualMagnitude).map { $0 / (1 + $1) }.max() ?? 0
    primalObjective = objectiveTerms.reduce(0, +)
    dualObjective = (columnTerms + rowTerms).map(\.contribution).reduce(0, +)
    gapScale = max(
      objectiveTerms.map(\.magnitude).reduce(0, +),
      (columnTerms + rowTerms).map(\.contribution.magnitude).reduce(0, +))
    objectiveMismatch = (solution.objective - primalObjective).magnitude
  }

  /// The first check that fails at `tolerance`, as a sentence, or `nil` when all pass.
  func failure(tolerance: Double) -> String? {
    let checks: [(name: String, value: Double, scale: Double)] = [
      ("Primal infeasibility", primalInfeasibility, primalScale),
      ("The reported row activity's distance from the recomputed A x", activityMismatch, primalScale),
    ]
    for check in checks {
      let allowed = tolerance * (1 + check.scale)
      if !(check.value <= allowed) {
        return "\(check.name) \(check.value) exceeds the allowed \(allowed)."
      }
    }
    let relative: [(name: String, value: Double, ratio: Double)] = [
      ("Dual infeasibility", dualInfeasibility, relativeDualInfeasibility),
      ("The reported reduced costs' distance from the recomputed c - Aᵀy", reducedCostMismatch, relativeReducedCostMismatch),
    ]
    for check in relative where !(check.ratio <= tolerance) {
      return "\(check.name) \(check.value) exceeds the allowed \(tolerance) relative to its column's scale (\(check.ratio))."
    }
    for check in [("The reported objective's distance from the recomputed cᵀx", objectiveMismatch), ("The duality gap", dualityGap)] {
      let allowed = tolerance * (1 + gapScale)
      if !(check.1 <= allowed) {
        return "\(check.0) \(check.1) exceeds the allowed \(allowed)."
      }
    }
    return nil
  }

  /// How far `value` lies outside `bounds`.
  private static func violation(_ value: Double, _ bounds: LinearProgram.Bounds) -> Double {
    max(bounds.lower - value, value - bounds.upper, 0)
  }

  /// A multiplier's dual-feasibility violation and its term of the dual objective.
  ///
  /// A multiplier that leans on an infinite bound counts fully as a violation and adds nothing to the objective.
  private static func dualTerm(
    _ multiplier: Double, _ bounds: LinearProgram.Bounds, sense: Double
  ) -> (violation: Double, contribution: Double) {
    let leaning = sense * multiplier
    let bound = leaning > 0 ? bounds.lower : leaning < 0 ? bounds.upper : 0
    return bound.isFinite ? (0, multiplier * bound) : (multiplier.magnitude, 0)
  }

  private static func checkShape(_ program: LinearProgram, _ solution: LPSolution) throws(MalformedAnswer) {
    let vectors: [(name: String, values: [Double], expected: Int, per: String)] = [
      ("primal values", solution.primal, program.columnCount, "columns"),
      ("row activities", solution.rowActivity, program.rowCount, "rows"),
      ("row duals", solution.rowDuals, program.rowCount, "rows"),
      ("reduced costs", solution.reducedCosts, program.columnCount, "columns"),
    ]
    for vector in vectors {
      guard vector.values.count == vector.expected else {
        throw MalformedAnswer(
          detail: "The answer has \(vector.values.count) \(vector.name) for \(vector.expected) \(vector.per).")
      }
      if let index = vector.values.firstIndex(where: { !$0.isFinite }) {
        throw MalformedAnswer(detail: "The answer's \(vector.name) hold \(vector.values[index]) at index \(index).")
      }
    }
    guard solution.objective.isFinite else {
      throw MalformedAnswer(detail: "The answer's objective is \(solution.objective).")
    }
  }
}
