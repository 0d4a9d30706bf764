/// Where the nonzero entries of a matrix are, row by row: the index half of a compressed sparse
/// row (CSR) matrix. Row i's nonzero columns are `columns[rowStarts[i] ..< rowStarts[i + 1]]`, in
/// increasing order. Found once per block of codes by the pass that verifies them, and reused by
/// the writer of their CSR file, so the dense codes are scanned once.
public struct NonzeroPattern: Sendable, Equatable {
  /// The column of each nonzero entry, row by row.
  public private(set) var columns: [Int] = []
  /// Where each row's entries start in ``columns``; `rows + 1` offsets.
  public private(set) var rowStarts: [Int] = [0]

  /// The pattern of no rows.
  public init() {}

  /// The pattern of the rows of `matrix` (NaN counts as nonzero).
  public init(_ matrix: Matrix<Double>) {
    matrix.storage.withUnsafeBufferPointer { entries in
      for i in 0..<matrix.rows {
        if let row = entries.baseAddress.map({ $0 + i * matrix.columns }) {
          appendRow(row, count: matrix.columns)
        } else {
          rowStarts.append(columns.count)
        }
      }
    }
  }

  /// Rows covered.
  public var rows: Int { rowStarts.count - 1 }

  /// The nonzero columns of row `i`.
  public func row(_ i: Int) -> ArraySlice<Int> { columns[rowStarts[i]..<rowStarts[i + 1]] }

  /// Appends a row: the nonzero positions of the `count` values at `values`.
  public mutating func appendRow(_ values: UnsafePointer<Double>, count: Int) {
    SparseRowKernels.appendNonzeros(values, count: count, to: &columns)
    rowStarts.append(columns.count)
  }

  /// Appends the rows of `other` after these.
  public mutating func append(_ other: NonzeroPattern) {
    let offset = columns.count
    columns.append(contentsOf: other.columns)
    rowStarts.append(contentsOf: other.rowStarts.dropFirst().lazy.map { $0 + offset })
  }
}
