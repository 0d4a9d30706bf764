import Foundation

/// What `lab run EXPERIMENT --sweep --shard i/n` writes, as `<id>.shard-<i>-of-<n>.json`: the
/// resolved toy, the shard, the invocation of the equivalent unsharded run and the results of the
/// shard's points. `lab report --merge` joins a complete set of them into the run record.
struct ShardRecord<Toy: ExperimentToy, Result: Codable & Sendable>: Codable, Sendable {
  /// One point's result, with its place in the sweep.
  struct Point: Codable, Sendable {
    /// The point's index (0-based) in the sweep.
    var index: Int
    /// Its name (``SweepExperiment/sweepPoints(_:)``).
    var name: String
    var result: Result
  }

  /// The experiment id.
  var experiment: String
  var shard: SweepShard
  /// The number of points of the whole sweep.
  var pointCount: Int
  /// The toy as run: defaults, `--quick` and `--seed` applied.
  var toy: Toy
  /// The invocation of the unsharded run this shard is part of (its reproduce command).
  var invocation: RunInvocation
  /// Where and with what this shard ran.
  var provenance: Provenance
  /// The shard's points, in sweep order.
  var points: [Point]
}

/// The fields of a shard record read before the experiment (and so its types) is known.
struct ShardHeader: Decodable {
  var experiment: String
  var shard: SweepShard
}

/// Names of shard record files.
public enum ShardFileName {
  /// `<id>.shard-<i>-of-<n>.json`.
  public static func name(id: String, shard: SweepShard) -> String { "\(id).shard-\(shard.index)-of-\(shard.count).json" }

  /// Whether `name` has the form `<id>.shard-<i>-of-<n>.json`.
  static func matches(_ name: String) -> Bool {
    name.range(of: #"^.+\.shard-[0-9]+-of-[0-9]+\.json$"#, options: .regularExpression) != nil
  }
}
