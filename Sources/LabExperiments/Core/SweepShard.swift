/// One of `count` shards of a sweep (`lab run … --sweep --shard index/count`), numbered from 1 as
/// a job-array scheduler numbers its tasks (Slurm's `$SLURM_ARRAY_TASK_ID` with `--array=1-count`).
///
/// Points are dealt round-robin: the sweep point p (numbered from 0 in the sweep's order) belongs
/// to shard (p mod count) + 1. Neighbouring points usually cost alike and later points of a sweep
/// often cost more (wider SAEs, larger k), so dealing them out balances the shards better than
/// contiguous blocks would. A shard with an index beyond the number of points has no points.
public struct SweepShard: Codable, Sendable, Equatable, CustomStringConvertible {
  /// The shard's number, 1...count.
  public var index: Int
  /// The number of shards.
  public var count: Int

  /// The shard `index` of `count`; nil unless 1 ≤ index ≤ count.
  public init?(index: Int, count: Int) {
    guard count >= 1, (1...count).contains(index) else { return nil }
    self.index = index
    self.count = count
  }

  /// Parses the `--shard` value `i/n`; the error message names the value and what it must be.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
      throw SweepError("'--shard' must be i/n with integers 1 ≤ i ≤ n (e.g. 2/4), got '\(text)'")
    }
    guard let shard = SweepShard(index: index, count: count) else {
      throw SweepError("'--shard' must be i/n with 1 ≤ i ≤ n, got '\(text)' (\(count < 1 ? "n < 1" : "i outside 1...\(count)"))")
    }
    self = shard
  }

  /// The sweep points (numbered from 0) of a sweep of `pointCount` points that this shard runs, in order.
  public func points(of pointCount: Int) -> [Int] {
    Array(stride(from: index - 1, to: pointCount, by: count))
  }

  /// `i/n`.
  public var description: String { "\(index)/\(count)" }

  /// The problem with a decoded shard, naming the field; nil when valid.
  var problem: String? {
    if count < 1 { return "field 'shard.count' must be at least 1, got \(count)" }
    if !(1...count).contains(index) { return "field 'shard.index' must be in 1...\(count), got \(index)" }
    return nil
  }
}

/// A sweep that cannot be run or merged as asked, with a message naming the option, file or field.
public struct SweepError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The full message.
  public let description: String

  /// The error with `message`.
  public init(_ message: String) { description = message }
}
