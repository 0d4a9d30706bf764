import Foundation
import LabNumerics

/// The rows of a 2-D `.npy` file read a block at a time from a memory map, so that an array larger
/// than memory is processed with memory proportional to the block: the file's pages are the
/// kernel's to drop, and only the block being decoded is allocated. The header is checked as
/// ``NumPyArray`` checks it; C and Fortran order, float32 and float64, either byte order.
public struct NumPyRowReader: Sendable {
  /// The file.
  public let path: String
  /// N.
  public let rows: Int
  /// m.
  public let columns: Int
  /// The stored precision.
  public let elementType: NumPyArray.ElementType
  private let data: Data
  private let layout: NumPyArray.Layout

  /// Opens the `.npy` file at `path`, which must hold a 2-D array; `role` (e.g. "the data X (N × m)")
  /// names it in errors.
  public init(path: String, role: String) throws(FormatError) {
    if let problem = FileProblem.input(path) { throw FormatError(path: path, problem) }
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
      throw FormatError(path: path, "cannot be read: \(FileProblem.reason(error))")
    }
    var decoded: Result<NumPyArray.Layout, FormatError>!
    data.withUnsafeBytes { bytes in
      do throws(FormatError) { decoded = .success(try NumPyArray.layout(bytes.bindMemory(to: UInt8.self), path: path)) } catch {
        decoded = .failure(error)
      }
    }
    let layout = try decoded.get()
    let shape = layout.header.shape
    guard shape.count == 2 else {
      throw FormatError(path: path, "\(role) must be a 2-D array, got shape (\(shape.map(String.init).joined(separator: ", ")))")
    }
    self.path = path
    self.data = data
    self.layout = layout
    rows = shape[0]
    columns = shape[1]
    elementType = layout.size == 4 ? .float32 : .float64
  }

  /// Rows `range` as a float64 matrix; fails at the first element that is not finite, naming its
  /// row (in the whole file) and column, as ``NumPyArray/requireFinite(path:)`` does.
  public func rows(_ range: Range<Int>) throws(FormatError) -> Matrix<Double> {
    precondition(range.lowerBound >= 0 && range.upperBound <= rows, "Rows \(range) are outside 0..<\(rows).")
    let (m, n, fortran) = (columns, rows, layout.header.fortranOrder)
    var values = [Double](repeating: 0, count: range.count * m)
    let layout = self.layout
    var bad: (row: Int, column: Int, value: Double)?
    data.withUnsafeBytes { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      values.withUnsafeMutableBufferPointer { out in
        if !fortran && !layout.bigEndian {
          // The rows are one run of little-endian values: decoded by whole words, then checked.
          let start = raw.baseAddress! + layout.dataStart + range.lowerBound * m * layout.size
          if layout.size == 4 {
            for i in out.indices { out[i] = Double(Float(bitPattern: UInt32(littleEndian: start.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))) }
          } else {
            for i in out.indices { out[i] = Double(bitPattern: UInt64(littleEndian: start.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
          }
          if let index = out.firstIndex(where: { !$0.isFinite }) { bad = (range.lowerBound + index / m, index % m, out[index]) }
          Self.releasePages(start, byteCount: out.count * layout.size)
          return
        }
        for (slot, row) in range.enumerated() {
          for column in 0..<m {
            let value = layout.value(bytes, fortran ? column * n + row : row * m + column)
            out[slot * m + column] = value
            if !value.isFinite && bad == nil { bad = (row, column, value) }
          }
        }
      }
    }
    if let bad { throw FormatError(path: path, "element at row \(bad.row), column \(bad.column) is \(bad.value); every element must be finite") }
    return Matrix(rows: range.count, columns: m, storage: values)
  }

  /// Tells the kernel that the whole pages of the map inside `byteCount` bytes from `start`, just
  /// decoded, are not needed now (`madvise(MADV_DONTNEED)`): they leave the process's resident set
  /// and stay in the page cache, and a later read maps them again from the file. Without it a check
  /// streaming a 307 MB X kept every page it had read resident (peak 1.32 GB).
  private static func releasePages(_ start: UnsafeRawPointer, byteCount: Int) {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let first = (Int(bitPattern: start) + page - 1) / page * page
    let end = (Int(bitPattern: start) + byteCount) / page * page
    guard page > 0, end > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
    _ = madvise(pointer, end - first, MADV_DONTNEED)
  }
}
