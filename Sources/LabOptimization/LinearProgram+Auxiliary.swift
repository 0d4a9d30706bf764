/// The auxiliary programs ``LPVerifier`` solves to certify `infeasible` and `unbounded` claims.
extension LinearProgram {
  /// The phase-1 program: minimise the total row violation `Σ (pᵢ + qᵢ)` subject to the
  /// column bounds and `lowerᵢ <= (A x)ᵢ + pᵢ - qᵢ <= upperᵢ`, with `pᵢ, qᵢ >= 0`.
  ///
  /// Columns `0..<columnCount` are `x`; then come `pᵢ, qᵢ` for each row `i` in order. It is
  /// always feasible (each column's bounds are a nonempty interval) and bounded below by 0.
  func phaseOneProgram() -> LinearProgram {
    var phaseOne = LinearProgram(direction: .minimize)
    for bounds in columnBounds {
      phaseOne.addColumn(bounds: bounds, cost: 0)
    }
    let elastic = phaseOne.addColumns(count: 2 * rowCount, bounds: .nonnegative, cost: 1)
    for (row, terms) in termsByRow().enumerated() {
      let excess = elastic.lowerBound + 2 * row
      phaseOne.addRow(terms + [(excess, 1), (excess + 1, -1)], bounds: rowBounds[row])
    }
    return phaseOne
  }

  /// The same program with every cost set to 0: any feasible point is optimal.
  func feasibilityProgram() -> LinearProgram {
    var feasibility = self
    for column in 0..<columnCount {
      feasibility.setCost(column, 0)
    }
    return feasibility
  }

  /// The recession program with a zero objective, whose feasible points are improving directions `r`.
  ///
  /// Each finite bound of a column or a row becomes 0 and each infinite one stays, so `r` keeps
  /// every constraint satisfiable along the ray `x + t r`, `t >= 0`; a last row normalises the
  /// improvement to `cᵀr <= -1` (minimize) or `cᵀr >= 1` (maximize).
  func recessionProgram() -> LinearProgram {
    var recession = LinearProgram(direction: .minimize)
    for bounds in columnBounds {
      recession.addColumn(bounds: bounds.recessionCone, cost: 0)
    }
    for (row, terms) in termsByRow().enumerated() {
      recession.addRow(terms, bounds: rowBounds[row].recessionCone)
    }
    let improvement = objective.enumerated().map { (column: $0.offset, value: $0.element) }
    recession.addRow(improvement, bounds: direction == .minimize ? .atMost(-1) : .atLeast(1))
    return recession
  }

  /// The matrix's terms grouped by row.
  private func termsByRow() -> [[(column: Int, value: Double)]] {
    var terms = [[(column: Int, value: Double)]](repeating: [], count: rowCount)
    for entry in entries {
      terms[entry.row].append((entry.column, entry.value))
    }
    return terms
  }
}

extension LinearProgram.Bounds {
  /// The bounds a direction must keep: each finite side becomes 0, each infinite side stays.
  var recessionCone: Self {
    Self(lower: lower.isFinite ? 0 : -.infinity, upper: upper.isFinite ? 0 : .infinity)
  }
}
