import Synchronization

/// Hands out block numbers 0, 1, 2, … to worker threads, each exactly once, in the order they
/// ask: a worker slowed down by other load on the machine simply takes fewer blocks. Which worker
/// codes a block does not change its codes, so results stay independent of the thread count.
final class BlockQueue: Sendable {
  private let next = Atomic<Int>(0)
  private let count: Int

  /// A queue of blocks `0..<count`.
  init(count: Int) { self.count = count }

  /// The next block not yet handed out, or `nil` when all are.
  func take() -> Int? {
    let block = next.add(1, ordering: .relaxed).oldValue
    return block < count ? block : nil
  }
}
