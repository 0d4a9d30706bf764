import Dispatch

/// A buffer that several worker threads write at the same time, each only at its own disjoint
/// positions (a point's row of codes, a worker's tally, a batch block's workspace), so no element
/// is shared between threads.
public struct DisjointOutput<Element>: @unchecked Sendable {
  /// The first element of the buffer; the owner keeps it alive for the workers' lifetime.
  public let base: UnsafeMutablePointer<Element>

  /// Wraps `base`.
  public init(base: UnsafeMutablePointer<Element>) { self.base = base }
}

/// A buffer that several worker threads read at the same time and none writes (a batch, the
/// operands of a product).
public struct SharedInput<Element>: @unchecked Sendable {
  /// The first element of the buffer; the owner keeps it alive for the workers' lifetime.
  public let base: UnsafePointer<Element>

  /// Wraps `base`.
  public init(base: UnsafePointer<Element>) { self.base = base }
}

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
    guard count > 1, rows > 1 else { body(0..<rows); return }
    let bounds = bounds(rows: rows, count: min(count, rows))
    DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { s in body(bounds[s]..<bounds[s + 1]) }
  }
}
