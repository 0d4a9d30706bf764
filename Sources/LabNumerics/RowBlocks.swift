import Dispatch

/// Contiguous row blocks for data-parallel work on the rows of a matrix.
public enum RowBlocks {
  /// The first row of each of `count` blocks of `rows` rows, then `rows`: block s holds rows
  /// ⌊s·rows/count⌋ ..< ⌊(s+1)·rows/count⌋, so sizes differ by at most one.
  public static func bounds(rows: Int, count: Int) -> [Int] {
    (0...count).map { $0 * rows / count }
  }

  /// Runs `body` on each of `count` contiguous ranges of `0..<rows` (``bounds(rows:count:)``), on
  /// `count` threads at once, or inline when `count` is 1. For elementwise passes whose result at
  /// an index does not depend on the other indices, so the split never changes the bytes.
  public static func forEach(rows: Int, count: Int, _ body: @Sendable (Range<Int>) -> Void) {
    _ = map(rows: rows, count: count, body)
  }

  /// Runs `body` on each block of ``forEach(rows:count:)`` and returns the blocks' results in
  /// block order, so a caller that joins them gets the same bytes for every `count`.
  public static func map<Result: Sendable>(rows: Int, count: Int, _ body: @Sendable (Range<Int>) -> Result) -> [Result] {
    guard count > 1, rows > 1 else { return [body(0..<rows)] }
    let bounds = bounds(rows: rows, count: min(count, rows))
    var results = [Result?](repeating: nil, count: bounds.count - 1)
    results.withUnsafeMutableBufferPointer { out in
      let output = DisjointOutput(base: out.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { s in output.base[s] = body(bounds[s]..<bounds[s + 1]) }
    }
    return results.map { $0! }
  }
}
