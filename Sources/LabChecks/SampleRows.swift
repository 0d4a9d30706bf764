import LabNumerics

/// The data X (`N × m`) as the streaming checks read it: a block of rows at a time, so that a source
/// backed by a file (a memory map) holds only the block asked for, and X is never materialised whole
/// (issue 19 item 6). A matrix in memory is one such source.
public protocol SampleRows: Sendable {
  /// N.
  var rows: Int { get }
  /// m.
  var columns: Int { get }
  /// Rows `range` (inside `0..<rows`) as a `range.count × columns` matrix.
  func block(_ range: Range<Int>) -> Matrix<Double>
}

extension Matrix: SampleRows where Scalar == Double {
  /// Rows `range`; the matrix itself, without a copy, when `range` is every row.
  public func block(_ range: Range<Int>) -> Matrix<Double> {
    precondition(range.lowerBound >= 0 && range.upperBound <= rows, "Rows \(range) are outside 0..<\(rows).")
    if range == 0..<rows { return self }
    return Matrix(rows: range.count, columns: columns, storage: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
  }
}
