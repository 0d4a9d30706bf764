import Foundation

/// The sweep of a registered experiment (``SweepExperiment``), without its types: what `lab run
/// --sweep --shard` and `lab report --merge` call.
public struct ExperimentSweep: Sendable {
  /// The names of the sweep points of the resolved toy (toy file, seed override, quick), in order.
  public let points: @Sendable (_ toyPath: String?, _ seed: UInt64?, _ quick: Bool) throws -> [String]
  /// Runs the points of one shard of the resolved toy; `progress` receives one short line per stage.
  public let runShard: @Sendable (_ toyPath: String?, _ seed: UInt64?, _ quick: Bool, _ shard: SweepShard, _ progress: (String) -> Void) throws -> ShardRun
  /// Joins the shard records (path, contents) of this experiment, already grouped, into the
  /// unsharded run's product; `command` is recorded in the merged provenance.
  let join: @Sendable (_ files: [(path: String, data: Data)], _ command: String) throws -> SweepMerge.Merged
}

/// A finished shard: what it ran, and the renderer of its shard record.
public struct ShardRun {
  /// The resolved toy's seed (for the reproduce command).
  public var seed: UInt64
  /// The names of the points this shard ran, in order.
  public var points: [String]
  /// The number of points of the whole sweep.
  public var pointCount: Int
  /// The shard record's file name, `<id>.shard-<i>-of-<n>.json`.
  public var fileName: String
  /// The shard record's bytes, given this shard's provenance and the invocation of the unsharded run.
  public var render: (_ provenance: Provenance, _ invocation: RunInvocation) throws -> Data
}

extension ExperimentEntry {
  /// The entry of a sweep experiment: the ordinary run is the whole sweep, and `sweep` splits it.
  static func sweep<Sweep: SweepExperiment>(_ type: Sweep.Type) -> ExperimentEntry {
    var entry = make(Sweep.Toy.self, record: Sweep.Record.self) { toy, progress in try Sweep.product(toy, progress: progress) }
    let id = entry.id
    entry.sweep = ExperimentSweep(
      points: { path, seed, quick in Sweep.sweepPoints(try resolve(Sweep.Toy.self, path, seed, quick)) },
      runShard: { path, seed, quick, shard, progress in
        let toy = try resolve(Sweep.Toy.self, path, seed, quick)
        let names = Sweep.sweepPoints(toy)
        let indices = shard.points(of: names.count)
        let points = zip(indices, try Sweep.runPoints(indices, of: toy, progress: progress)).map {
          ShardRecord<Sweep.Toy, Sweep.PointResult>.Point(index: $0, name: names[$0], result: $1) }
        return ShardRun(seed: toy.seed, points: indices.map { names[$0] }, pointCount: names.count,
                        fileName: ShardFileName.name(id: id, shard: shard)) { provenance, invocation in
          try RecordEncoding.encode(ShardRecord(experiment: id, shard: shard, pointCount: names.count, toy: toy, invocation: invocation,
                                                provenance: provenance, points: points))
        }
      },
      join: { files, command in try SweepMerge.join(Sweep.self, id: id, files: files, command: command) })
    return entry
  }
}
