import LabChecks
import LabFormats
import LabNumerics

/// The data X of `lab check` read from its `.npy` file a block of rows at a time (``NumPyRowReader``
/// on a memory map), for the streaming checks (issue 19 item 6): only the block asked for is
/// allocated, and the file's pages are the kernel's to drop. Every element is checked once, block by
/// block, when the rows are opened — finite, magnitude at most ``CheckInputs/largestEntry`` — so that
/// bad input is refused before any check runs, as when X is read whole.
public struct MappedSampleRows: SampleRows {
  /// The file, opened.
  public let reader: NumPyRowReader

  /// Elements decoded at a time by the checking pass (8 MB as float64).
  public static let checkingBlockElements = 1 << 20

  /// Checks every element of `reader`'s file, about `blockElements` at a time; the first bad one is
  /// a ``FormatError`` naming its row and column.
  public init(checking reader: NumPyRowReader, blockElements: Int = checkingBlockElements) throws(FormatError) {
    let rowsPerBlock = max(1, blockElements / max(reader.columns, 1))
    for start in stride(from: 0, to: reader.rows, by: rowsPerBlock) {
      let block = try reader.rows(start..<min(reader.rows, start + rowsPerBlock))
      try CheckInputs.checkMagnitudes(block.storage, columns: block.columns, path: reader.path, firstRow: start)
    }
    self.reader = reader
  }

  public var rows: Int { reader.rows }
  public var columns: Int { reader.columns }

  /// Rows `range`, decoded from the map. The values were checked when the rows were opened; a file
  /// that changes under the check stops the process with a message naming it.
  public func block(_ range: Range<Int>) -> Matrix<Double> {
    do { return try reader.rows(range) } catch { fatalError("\(error) (\(reader.path) changed while it was being checked)") }
  }
}
