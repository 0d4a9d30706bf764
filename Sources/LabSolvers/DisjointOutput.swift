/// A buffer that several worker threads write at the same time, each only at its own disjoint
/// positions (a point's row of codes, a worker's tally), so no element is shared between threads.
struct DisjointOutput<Element>: @unchecked Sendable {
  /// The first element of the buffer; the owner keeps it alive for the workers' lifetime.
  let base: UnsafeMutablePointer<Element>
}
