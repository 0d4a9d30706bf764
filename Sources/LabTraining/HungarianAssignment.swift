import LabNumerics

/// Minimum-cost assignment on a rectangular cost matrix (the Hungarian algorithm with potentials,
/// O(n²·m) for n ≤ m), as scipy's `linear_sum_assignment`: min(rows, columns) pairs, each row and
/// column used at most once, with the least total cost. Written here because no package in the
/// lab's dependency set provides it.
public enum HungarianAssignment {
  /// The optimal pairs (row, column), sorted by row. Entries must be finite.
  public static func solve(_ cost: Matrix<Double>) -> [(row: Int, column: Int)] {
    precondition(cost.storage.allSatisfy(\.isFinite), "The assignment costs must be finite.")
    guard cost.rows > 0, cost.columns > 0 else { return [] }
    if cost.rows > cost.columns {
      let transposed = Matrix(rows: cost.columns, columns: cost.rows,
                              storage: (0..<(cost.rows * cost.columns)).map { cost[$0 % cost.rows, $0 / cost.rows] })
      return solve(transposed).map { (row: $0.column, column: $0.row) }.sorted { $0.row < $1.row }
    }
    let n = cost.rows, m = cost.columns
    // 1-based potentials u (rows), v (columns); owner[j] is the row assigned to column j (0 = none).
    var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: m + 1)
    var owner = [Int](repeating: 0, count: m + 1), way = [Int](repeating: 0, count: m + 1)
    for row in 1...n {
      owner[0] = row
      var column = 0
      var slack = [Double](repeating: .infinity, count: m + 1)
      var used = [Bool](repeating: false, count: m + 1)
      repeat {
        used[column] = true
        let i = owner[column]
        var delta = Double.infinity, next = 0
        for j in 1...m where !used[j] {
          let reduced = cost[i - 1, j - 1] - u[i] - v[j]
          if reduced < slack[j] { slack[j] = reduced; way[j] = column }
          if slack[j] < delta { delta = slack[j]; next = j }
        }
        for j in 0...m {
          if used[j] { u[owner[j]] += delta; v[j] -= delta } else { slack[j] -= delta }
        }
        column = next
      } while owner[column] != 0
      repeat {
        let previous = way[column]
        owner[column] = owner[previous]
        column = previous
      } while column != 0
    }
    return (1...m).compactMap { j in owner[j] == 0 ? nil : (row: owner[j] - 1, column: j - 1) }.sorted { $0.row < $1.row }
  }
}
