/// Codes kept by their nonzeros, row by row (compressed sparse rows): what the streaming checks hold
/// of N points' codes, N·L0 numbers instead of N·K.
public struct SparseCodeRows: Sendable, Equatable {
  /// K, the number of atoms.
  public let columns: Int
  /// Where each row's nonzeros start in ``atoms`` and ``values``; one more entry than rows.
  public private(set) var rowStarts: [Int] = [0]
  /// The atom of each nonzero.
  public private(set) var atoms: [Int32] = []
  /// The value of each nonzero.
  public private(set) var values: [Double] = []

  /// No rows yet, codes over `columns` atoms.
  public init(columns: Int) { self.columns = columns }

  /// The number of rows.
  public var rows: Int { rowStarts.count - 1 }

  /// Appends a row given by its (atom, value) nonzeros.
  public mutating func append(_ nonzeros: [(atom: Int, value: Double)]) {
    for (atom, value) in nonzeros {
      atoms.append(Int32(atom))
      values.append(value)
    }
    rowStarts.append(atoms.count)
  }

  /// The (atom, value) nonzeros of row `n`.
  public func row(_ n: Int) -> [(atom: Int, value: Double)] {
    (rowStarts[n]..<rowStarts[n + 1]).map { (Int(atoms[$0]), values[$0]) }
  }
}
