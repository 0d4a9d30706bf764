/// A linear program in GLPK's row form, built column by column and row by row.
///
/// The program is
///
///     minimize or maximize   cᵀx
///     subject to             rowBounds[i].lower <= (A x)[i] <= rowBounds[i].upper   for every row i
///                            columnBounds[j].lower <= x[j] <= columnBounds[j].upper  for every column j
///
/// where `c` is `objective` and `A` is the sparse matrix `entries` (0-based indices).
///
/// Building never fails and never touches GLPK: mistakes such as a NaN coefficient or a
/// column index out of range are kept and reported by ``validate()``, which ``GLPK/solve(_:method:)``
/// runs before it hands anything to GLPK. Only the column setters trap on an index out of range,
/// as array subscripts do, because they have nowhere to store a wrong index.
public struct LinearProgram: Sendable {
  /// Whether the objective is minimised or maximised.
  public enum Direction: Sendable {
    /// Minimise `cᵀx`.
    case minimize
    /// Maximise `cᵀx`.
    case maximize
  }

  /// Bounds of a column or a row; lower may be -.infinity, upper may be +.infinity.
  ///
  /// `lower == upper` describes a fixed column or an equality row.
  public struct Bounds: Equatable, Sendable {
    /// The lower bound, or `-.infinity` for none.
    public var lower: Double
    /// The upper bound, or `+.infinity` for none.
    public var upper: Double

    /// Creates bounds `lower <= value <= upper`; ``LinearProgram/validate()`` checks them.
    public init(lower: Double, upper: Double) {
      self.lower = lower
      self.upper = upper
    }

    /// No bounds: `(-∞, +∞)`.
    public static let free = Bounds(lower: -.infinity, upper: .infinity)
    /// `[0, +∞)`.
    public static let nonnegative = Bounds(lower: 0, upper: .infinity)

    /// The single value `v`: a fixed column or an equality row.
    public static func fixed(_ v: Double) -> Bounds { Bounds(lower: v, upper: v) }
    /// The closed interval `[l, u]`.
    public static func between(_ l: Double, _ u: Double) -> Bounds { Bounds(lower: l, upper: u) }
    /// `[l, +∞)`.
    public static func atLeast(_ l: Double) -> Bounds { Bounds(lower: l, upper: .infinity) }
    /// `(-∞, u]`.
    public static func atMost(_ u: Double) -> Bounds { Bounds(lower: -.infinity, upper: u) }
  }

  /// One nonzero coefficient `A[row][column] = value` of the constraint matrix (0-based).
  public struct Entry: Equatable, Sendable {
    /// The row index.
    public var row: Int
    /// The column index.
    public var column: Int
    /// The coefficient; never exactly zero.
    public var value: Double
  }

  /// Whether `cᵀx` is minimised or maximised.
  public var direction: Direction
  /// The cost `c[j]` of every column.
  public private(set) var objective: [Double] = []
  /// The bounds of every column.
  public private(set) var columnBounds: [Bounds] = []
  /// The bounds of every row.
  public private(set) var rowBounds: [Bounds] = []
  /// The sparse constraint matrix, 0-based, in the order the rows were added.
  ///
  /// A (row, column) pair occurs at most once: ``addRow(_:bounds:)`` sums repeated columns.
  public private(set) var entries: [Entry] = []

  /// Creates an empty program (no columns, no rows).
  public init(direction: Direction = .minimize) {
    self.direction = direction
  }

  /// The number of columns (variables).
  public var columnCount: Int { objective.count }
  /// The number of rows (constraints).
  public var rowCount: Int { rowBounds.count }

  /// Adds one column with the given bounds and cost; returns its index.
  @discardableResult
  public mutating func addColumn(bounds: Bounds, cost: Double) -> Int {
    objective.append(cost)
    columnBounds.append(bounds)
    return objective.count - 1
  }

  /// Adds `count` columns with the same bounds and cost; returns their indices.
  ///
  /// - Precondition: `count >= 0`.
  @discardableResult
  public mutating func addColumns(count: Int, bounds: Bounds, cost: Double) -> Range<Int> {
    precondition(count >= 0, "addColumns(count:) needs count >= 0, got \(count)")
    let first = objective.count
    objective.append(contentsOf: repeatElement(cost, count: count))
    columnBounds.append(contentsOf: repeatElement(bounds, count: count))
    return first..<objective.count
  }

  /// Replaces the bounds of `column`.
  ///
  /// - Precondition: `column` is in `0..<columnCount`.
  public mutating func setColumnBounds(_ column: Int, _ bounds: Bounds) {
    precondition(columnBounds.indices.contains(column), "Column \(column) is out of range 0..<\(columnCount)")
    columnBounds[column] = bounds
  }

  /// Replaces the cost of `column`.
  ///
  /// - Precondition: `column` is in `0..<columnCount`.
  public mutating func setCost(_ column: Int, _ cost: Double) {
    precondition(objective.indices.contains(column), "Column \(column) is out of range 0..<\(columnCount)")
    objective[column] = cost
  }

  /// Adds a row  lower <= sum(value * x[column]) <= upper. Terms with value exactly 0 are dropped.
  ///
  /// Terms naming the same column are summed into one entry (kept at the position of the
  /// column's first term), and a sum that is exactly 0 is dropped too; so the matrix never holds
  /// a duplicate (row, column) pair, which GLPK would abort on. Column indices are not checked
  /// here: ``validate()`` reports any that are out of range. Returns the new row's index.
  @discardableResult
  public mutating func addRow(_ terms: [(column: Int, value: Double)], bounds: Bounds) -> Int {
    let row = rowBounds.count
    var columns: [Int] = []
    var sums: [Int: Double] = [:]
    for term in terms {
      if let sum = sums[term.column] {
        sums[term.column] = sum + term.value
      } else {
        columns.append(term.column)
        sums[term.column] = term.value
      }
    }
    for column in columns {
      let value = sums[column, default: 0]
      if value != 0 {
        entries.append(Entry(row: row, column: column, value: value))
      }
    }
    rowBounds.append(bounds)
    return row
  }
}
