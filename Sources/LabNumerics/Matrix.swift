import RealModule

/// A dense, row-major matrix of `Double` or `Float` with value semantics.
///
/// Element `(i, j)` is stored at `storage[i * columns + j]`. The lab's data conventions
/// follow scikit-learn and SAELens: rows of a data matrix are samples, rows of a
/// dictionary are atoms, so a reconstruction is `codes · dictionary`.
///
/// Products, Gram matrices and decompositions go through CBLAS and LAPACKE
/// (`Matrix+BLAS.swift`, `Matrix+LAPACK.swift`); this file holds only storage and indexing.
public struct Matrix<Scalar: LinearAlgebraScalar>: Equatable, Sendable {
  /// Number of rows.
  public private(set) var rows: Int
  /// Number of columns.
  public private(set) var columns: Int
  /// The elements in row-major order; `storage.count == rows * columns` (callers that assign it
  /// must keep that). A stored property without an observer, so that `m.storage[i] += x` from
  /// another module mutates in place: with a `didSet` the accessor copied the whole array on every
  /// element write.
  public var storage: [Scalar]

  /// A `rows × columns` matrix with every element equal to `value`.
  public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be nonnegative, got \(rows)×\(columns).")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// A `rows × columns` matrix over the given row-major elements.
  public init(rows: Int, columns: Int, storage: [Scalar]) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be nonnegative, got \(rows)×\(columns).")
    precondition(storage.count == rows * columns, "A \(rows)×\(columns) matrix needs \(rows * columns) elements, got \(storage.count).")
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// A matrix from nested rows; every row must have the same length.
  public init(_ nestedRows: [[Scalar]]) {
    let columns = nestedRows.first?.count ?? 0
    precondition(nestedRows.allSatisfy { $0.count == columns }, "All rows of a matrix must have the same length.")
    self.init(rows: nestedRows.count, columns: columns, storage: nestedRows.flatMap { $0 })
  }

  /// The `n × n` identity matrix.
  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n { m[i, i] = 1 }
    return m
  }

  /// Element at row `i`, column `j`.
  @inlinable
  public subscript(i: Int, j: Int) -> Scalar {
    get { storage[i * columns + j] }
    set { storage[i * columns + j] = newValue }
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Scalar] {
    Array(storage[(i * columns)..<((i + 1) * columns)])
  }

  /// Replaces row `i`.
  public mutating func setRow(_ i: Int, to values: [Scalar]) {
    precondition(values.count == columns, "Row of length \(values.count) does not fit a matrix with \(columns) columns.")
    storage.replaceSubrange((i * columns)..<((i + 1) * columns), with: values)
  }

  /// Column `j` as an array.
  public func column(_ j: Int) -> [Scalar] {
    (0..<rows).map { storage[$0 * columns + j] }
  }

  /// The transpose.
  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows)
    for i in 0..<rows {
      for j in 0..<columns { t.storage[j * rows + i] = storage[i * columns + j] }
    }
    return t
  }

  /// The rows as nested arrays (for serialisation and printing).
  public var nestedRows: [[Scalar]] { (0..<rows).map(row) }

  /// Whether every element is finite.
  public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }
}
