import Foundation
import LabNumerics

/// A matrix of codes in compressed sparse row (CSR) form, written as SciPy writes one:
/// `scipy.sparse.load_npz("Z.npz")` reads the file, and `.toarray()` gives the dense codes.
///
/// The `.npz` holds `indices` (int32 column of each stored entry, row by row), `indptr` (int32, or
/// int64 past 2³¹ − 1 entries: row i's entries are `indptr[i] ..< indptr[i+1]`), `format` (`b"csr"`),
/// `shape` (int64 [rows, columns]) and `data` (float64), uncompressed, as
/// `scipy.sparse.save_npz(…, compressed=False)` does.
public struct CompressedSparseRows: Equatable, Sendable {
  /// Rows of the dense matrix.
  public private(set) var rows: Int
  /// Columns of the dense matrix.
  public let columns: Int
  /// The stored (non-zero) entries, row by row, in column order.
  public private(set) var values: [Double] = []
  /// The column of each stored entry.
  public private(set) var columnIndices: [Int32] = []
  /// Where each row's entries start in ``values``; `rows + 1` offsets.
  public private(set) var rowStarts: [Int] = [0]

  /// An empty matrix of `columns` columns, to which rows are appended.
  public init(columns: Int) {
    precondition(columns >= 0 && columns <= Int(Int32.max), "CSR column indices are int32; got \(columns) columns.")
    self.rows = 0
    self.columns = columns
  }

  /// The non-zero entries of `matrix`.
  public init(_ matrix: Matrix<Double>) {
    self.init(columns: matrix.columns)
    append(rowsOf: matrix)
  }

  /// Appends the rows of `matrix` (its non-zero entries).
  public mutating func append(rowsOf matrix: Matrix<Double>) {
    precondition(matrix.columns == columns, "CSR rows of \(columns) columns cannot take a matrix of \(matrix.columns).")
    append(rowsOf: matrix, nonzeros: NonzeroPattern(matrix))
  }

  /// Appends the rows of `matrix` whose nonzero columns `nonzeros` gives (found already, by the
  /// pass that verified them): the entries are gathered without scanning the rows again.
  public mutating func append(rowsOf matrix: Matrix<Double>, nonzeros: NonzeroPattern) {
    precondition(matrix.columns == columns && nonzeros.rows == matrix.rows,
                 "CSR rows of \(columns) columns cannot take a \(matrix.rows) × \(matrix.columns) matrix with a pattern of \(nonzeros.rows) rows.")
    // Written through pointers into storage grown once per call: appending entry by entry kept two
    // arrays' capacity and uniqueness checks in the inner loop.
    let stored = values.count, added = nonzeros.columns.count, width = columns
    values.append(contentsOf: repeatElement(0, count: added))
    columnIndices.append(contentsOf: repeatElement(0, count: added))
    rowStarts.append(contentsOf: nonzeros.rowStarts.dropFirst().lazy.map { stored + $0 })
    matrix.storage.withUnsafeBufferPointer { entries in
      values.withUnsafeMutableBufferPointer { values in
        columnIndices.withUnsafeMutableBufferPointer { indices in
          nonzeros.columns.withUnsafeBufferPointer { columns in
            var entry = 0
            for i in 0..<matrix.rows {
              let row = entries.baseAddress! + i * width
              while entry < nonzeros.rowStarts[i + 1] {
                let j = columns[entry]
                values[stored + entry] = row[j]
                indices[stored + entry] = Int32(j)
                entry += 1
              }
            }
          }
        }
      }
    }
    rows += matrix.rows
  }

  /// The dense matrix.
  public var dense: Matrix<Double> {
    var m = Matrix<Double>(rows: rows, columns: columns)
    for i in 0..<rows { for k in rowStarts[i]..<rowStarts[i + 1] { m[i, Int(columnIndices[k])] = values[k] } }
    return m
  }

  /// An upper bound on the bytes of the `.npz` for a matrix with `storedEntries` non-zeros and
  /// `rows` rows (to check a disk or memory budget before computing): five entries with headers
  /// of at most 128 bytes, 12 bytes per entry, 4 or 8 per row offset.
  public static func encodedSize(rows: Int, storedEntries: Int) -> Int {
    let offsetBytes = storedEntries > Int(Int32.max) ? 8 : 4
    return 5 * (128 + 30 + 46 + 24) + 22 + storedEntries * 12 + (rows + 1) * offsetBytes + 16 + 3
  }

  /// The `.npz` file's bytes; `path` names the output in the error for a file past 4 GiB.
  public func npz(path: String) throws(FormatError) -> Data {
    var indices = NumPyArray.fileHeader(shape: [columnIndices.count], descr: "<i4")
    columnIndices.withUnsafeBytes { indices.append(contentsOf: $0) }  // little-endian on every supported platform
    let wide = values.count > Int(Int32.max)
    var indptr = NumPyArray.fileHeader(shape: [rowStarts.count], descr: wide ? "<i8" : "<i4")
    if wide { rowStarts.map { Int64($0).littleEndian }.withUnsafeBytes { indptr.append(contentsOf: $0) } }
    else { rowStarts.map { Int32($0).littleEndian }.withUnsafeBytes { indptr.append(contentsOf: $0) } }
    var format = NumPyArray.fileHeader(shape: [], descr: "|S3")
    format.append(contentsOf: Array("csr".utf8))
    var shape = NumPyArray.fileHeader(shape: [2], descr: "<i8")
    [Int64(rows).littleEndian, Int64(columns).littleEndian].withUnsafeBytes { shape.append(contentsOf: $0) }
    var data = NumPyArray.fileHeader(shape: [values.count], descr: "<f8")
    NumPyArray.appendElements(values, as: .float64, to: &data)
    return try StoredZipArchive.encoded([("indices.npy", indices), ("indptr.npy", indptr), ("format.npy", format),
                                         ("shape.npy", shape), ("data.npy", data)], path: path)
  }
}
