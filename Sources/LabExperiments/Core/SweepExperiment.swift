import Foundation
import LabChecks

/// An experiment whose work is a list of independent sweep points, so that `lab run … --sweep
/// --shard i/n` can run its points on different machines and `lab report --merge` can join them.
///
/// The contract that makes a merged run identical to an unsharded one: ``runPoint(_:of:progress:)``
/// depends only on the toy and the point (every random draw comes from a sub-seed named by the
/// point, never from the shard or from which points ran before), and everything that is not
/// swept is computed by ``record(_:results:)`` from the toy and the point results, which the
/// unsharded run (``run(_:progress:)``) and the merge both call.
public protocol SweepExperiment: SendableMetatype {
  /// The experiment's toy.
  associatedtype Toy: ExperimentToy
  /// Its run record.
  associatedtype Record: StampableRecord where Record.Toy == Toy
  /// What one point computes; kept in shard records, so it must decode to the same bits.
  associatedtype PointResult: Codable, Sendable

  /// The names of the sweep points of `toy` (unique), in the order the record lists them.
  static func sweepPoints(_ toy: Toy) -> [String]

  /// The result of sweep point `index` (0-based, into ``sweepPoints(_:)``) of `toy`: a function of
  /// the toy and the point alone. `progress` receives one short line per stage.
  static func runPoint(_ index: Int, of toy: Toy, progress: (String) -> Void) throws -> PointResult

  /// The results of the sweep points `indices` (increasing) of `toy`, in that order: by contract
  /// `indices.map { runPoint($0, of: toy, progress: progress) }`, which the default implementation
  /// does. An experiment whose points all measure one expensive, deterministic preparation of the
  /// toy (nsae's trained toy model) implements it to prepare once for all of them.
  static func runPoints(_ indices: [Int], of toy: Toy, progress: (String) -> Void) throws -> [PointResult]

  /// The run record (without provenance and invocation) from the results of every point, in the
  /// order of ``sweepPoints(_:)``, with the parts that are not swept; throws ``SweepPointError``
  /// when a result does not belong to its point.
  static func record(_ toy: Toy, results: [PointResult]) throws -> Record
}

extension SweepExperiment {
  /// Each point in turn.
  public static func runPoints(_ indices: [Int], of toy: Toy, progress: (String) -> Void) throws -> [PointResult] {
    try indices.map { try runPoint($0, of: toy, progress: progress) }
  }

  /// The unsharded run: every point in order, then the record.
  public static func run(_ toy: Toy, progress: (String) -> Void = { _ in }) throws -> Record {
    try record(toy, results: try runPoints(Array(sweepPoints(toy).indices), of: toy, progress: progress))
  }

  /// Runs `toy` and packages its report files and run record.
  public static func product(_ toy: Toy, progress: (String) -> Void) throws -> ExperimentProduct {
    ExperimentProduct(record: try run(toy, progress: progress))
  }
}

/// A run record that carries its verdict table and receives its provenance and invocation once
/// the run (or the merge of its shards) has finished.
public protocol StampableRecord: ExperimentRecord {
  /// The verdict table.
  var checks: [CheckResult] { get }
  /// Where and with what the run was made.
  var provenance: Provenance? { get set }
  /// How the run was asked for.
  var invocation: RunInvocation? { get set }
}

extension ExperimentProduct {
  /// The product of a finished record: its checks, and files rendered with the provenance and
  /// invocation stamped in.
  init<Record: StampableRecord>(record: Record) {
    self.init(checks: record.checks) { provenance, invocation in
      var record = record
      record.provenance = provenance
      record.invocation = invocation
      return try record.allFiles(id: record.toy.id) + [(Provenance.sidecarName(id: record.toy.id), try RecordEncoding.encode(provenance))]
    }
  }
}

/// A point result that does not belong to its sweep point (a shard record edited by hand or
/// written by another version), naming the point.
public struct SweepPointError: Error, CustomStringConvertible, Sendable {
  /// The point's index (0-based) in the sweep.
  public let index: Int
  /// What is wrong with its result.
  public let message: String

  /// The error for point `index`.
  public init(index: Int, _ message: String) {
    self.index = index
    self.message = message
  }

  public var description: String { "sweep point \(index): \(message)" }
}
