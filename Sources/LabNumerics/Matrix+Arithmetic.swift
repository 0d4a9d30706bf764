/// Element-wise arithmetic. Shapes must match exactly (a precondition failure names both).
extension Matrix {
  /// The element-wise sum.
  @inlinable
  public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(
      lhs.rows == rhs.rows && lhs.columns == rhs.columns,
      "Cannot add a \(lhs.rows)×\(lhs.columns) matrix and a \(rhs.rows)×\(rhs.columns) matrix.")
    return Matrix(rows: lhs.rows, columns: lhs.columns, storage: zip(lhs.storage, rhs.storage).map(+))
  }

  /// The element-wise difference.
  @inlinable
  public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(
      lhs.rows == rhs.rows && lhs.columns == rhs.columns,
      "Cannot subtract a \(rhs.rows)×\(rhs.columns) matrix from a \(lhs.rows)×\(lhs.columns) matrix.")
    return Matrix(rows: lhs.rows, columns: lhs.columns, storage: zip(lhs.storage, rhs.storage).map(-))
  }

  /// Every element multiplied by `lhs`.
  @inlinable
  public static func * (lhs: Scalar, rhs: Matrix) -> Matrix {
    Matrix(rows: rhs.rows, columns: rhs.columns, storage: rhs.storage.map { lhs * $0 })
  }
}
