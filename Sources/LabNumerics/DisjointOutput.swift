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
