import Foundation
import LabChecks
import LabRandom

/// A toy whose findings are decided over independent seeds: the run repeats the whole experiment
/// on `replicates` seeds derived from the root seed (``replicate(_:)``).
public protocol ReplicableToy: ExperimentToy {
  /// How many independent seeds every finding is decided over (at least ``Replicates/minimum``,
  /// in the quick configuration too).
  var replicates: Int { get }
}

extension ReplicableToy {
  /// The toy of seed `index`: seed 0 is the toy itself, seed r > 0 has the root seed's sub-seed
  /// `replicate-r` as its own root, so every draw of every seed is independent of the others.
  public func replicate(_ index: Int) -> Self {
    var toy = self
    toy.seed = Replicates.seed(root: seed, index: index)
    return toy
  }
}

/// The seeds of a replicated run.
public enum Replicates {
  /// The fewest independent seeds a finding is decided over.
  public static let minimum = 5
  /// The most a toy may ask for.
  public static let maximum = 50

  /// The root seed of seed `index` of a run with root `root`.
  public static func seed(root: UInt64, index: Int) -> UInt64 {
    index == 0 ? root : SeedTree(root: root).seed(for: "replicate-\(index)")
  }

  /// The named root seeds of seeds 1… (seed 0 is the run's own root), for the record's `seeds`.
  static func seeds(root: UInt64, count: Int) -> [String: UInt64] {
    Dictionary(uniqueKeysWithValues: (1..<max(1, count)).map { ("replicate-\($0)", seed(root: root, index: $0)) })
  }

  /// The toy's problem with `replicates`, naming the field; nil when it is in range.
  public static func problem(_ replicates: Int) -> String? {
    (minimum...maximum).contains(replicates) ? nil : "'replicates' must be in \(minimum)...\(maximum), got \(replicates)"
  }

  /// The checks of every seed joined into one table: a check passes when it passes on every seed;
  /// otherwise it takes the status of the first seed where it does not, and says on which seeds.
  /// The claims and thresholds are seed 0's (they are the same on every seed).
  static func joinChecks(_ perSeed: [[CheckResult]]) -> [CheckResult] {
    guard let first = perSeed.first else { return [] }
    return first.map { check in
      let results = perSeed.map { seed in seed.first { $0.id == check.id } }
      let failing = results.indices.filter { results[$0]?.status != .pass }
      guard let worst = failing.first else {
        return CheckResult(id: check.id, claim: check.claim, measured: "seed 0: \(check.measured) (passes on all \(perSeed.count) seeds)",
                           threshold: check.threshold, status: .pass)
      }
      let shown = results[worst]
      return CheckResult(id: check.id, claim: check.claim,
                         measured: "not on seed\(failing.count == 1 ? "" : "s") \(failing.map(String.init).joined(separator: ", ")) of \(perSeed.count); "
                           + "seed \(worst): \(shown?.measured ?? "not measured")",
                         threshold: check.threshold, status: shown?.status ?? .fail)
    }
  }
}

/// What one seed of a replicated experiment produces: its results (a report shows seed 0's in
/// detail), its named sub-seeds, its checks and its findings' measurements.
public struct ReplicateRecord<Results: ExperimentResults> {
  /// The seed's results.
  public var results: Results
  /// The seed's named sub-seeds.
  public var seeds: [String: UInt64]
  /// The seed's checks, joined over seeds by ``Replicates/joinChecks(_:)``.
  public var checks: [CheckResult]
  /// The seed's findings, decided over seeds by ``SourceFinding/decide(_:)``.
  public var findings: [FindingMeasurement]

  /// One seed's share of the run.
  public init(results: Results, seeds: [String: UInt64], checks: [CheckResult], findings: [FindingMeasurement]) {
    self.results = results
    self.seeds = seeds
    self.checks = checks
    self.findings = findings
  }
}

/// A sweep experiment repeated on the toy's ``ReplicableToy/replicates`` seeds: its sweep points
/// are the experiment's points for each seed in turn (`seed-r/<point>`), so the seeds shard like
/// any other points. The record keeps seed 0's results in full, the checks joined over seeds and
/// the findings decided over seeds.
public protocol ReplicatedSweep: SweepExperiment where Toy: ReplicableToy, Record == RunRecord<Results>, Results.Toy == Toy {
  /// The experiment's results (of one seed).
  associatedtype Results: ExperimentResults

  /// The points of one seed of `toy`, in order (unique).
  static func seedPoints(_ toy: Toy) -> [String]
  /// Point `index` of one seed of `toy` (already that seed's toy).
  static func runSeedPoint(_ index: Int, of toy: Toy, progress: (String) -> Void) throws -> PointResult
  /// Points `indices` (increasing) of one seed; by contract `indices.map { runSeedPoint($0, …) }`.
  static func runSeedPoints(_ indices: [Int], of toy: Toy, progress: (String) -> Void) throws -> [PointResult]
  /// One seed's results, checks and findings from its point results; throws ``SweepPointError``
  /// (indexed within the seed) when a result does not belong to its point.
  static func seedRecord(_ toy: Toy, results: [PointResult]) throws -> ReplicateRecord<Results>
}

extension ReplicatedSweep {
  public static func runSeedPoints(_ indices: [Int], of toy: Toy, progress: (String) -> Void) throws -> [PointResult] {
    try indices.map { try runSeedPoint($0, of: toy, progress: progress) }
  }

  /// `seed-r/<point>` for every seed r and every point of that seed.
  public static func sweepPoints(_ toy: Toy) -> [String] {
    let points = seedPoints(toy)
    return (0..<toy.replicates).flatMap { r in points.map { "seed-\(r)/\($0)" } }
  }

  public static func runPoint(_ index: Int, of toy: Toy, progress: (String) -> Void) throws -> PointResult {
    try runPoints([index], of: toy, progress: progress)[0]
  }

  /// The points grouped by seed, each group run on that seed's toy.
  public static func runPoints(_ indices: [Int], of toy: Toy, progress: (String) -> Void) throws -> [PointResult] {
    let count = seedPoints(toy).count
    var out: [PointResult] = []
    for r in 0..<toy.replicates {
      let local = indices.filter { $0 / count == r }.map { $0 % count }
      guard !local.isEmpty else { continue }
      out += try runSeedPoints(local, of: toy.replicate(r)) { progress("seed \(r): \($0)") }
    }
    return out
  }

  /// Each seed's record from its points, then seed 0's results with the checks joined and the
  /// findings decided over the seeds.
  public static func record(_ toy: Toy, results: [PointResult]) throws -> Record {
    let count = seedPoints(toy).count
    guard results.count == count * toy.replicates else {
      throw SweepPointError(index: min(results.count, count * toy.replicates), "is missing: \(results.count) results for \(count * toy.replicates) points")
    }
    var seeds: [ReplicateRecord<Results>] = []
    for r in 0..<toy.replicates {
      let slice = Array(results[(r * count)..<((r + 1) * count)])
      do { seeds.append(try seedRecord(toy.replicate(r), results: slice)) } catch let error as SweepPointError {
        throw SweepPointError(index: r * count + error.index, error.message)
      }
    }
    let first = seeds[0]
    return Record(toy: toy, seeds: first.seeds.merging(Replicates.seeds(root: toy.seed, count: toy.replicates)) { a, _ in a },
                  results: first.results, checks: Replicates.joinChecks(seeds.map(\.checks)),
                  findings: SourceFinding.decide(seeds.map(\.findings)))
  }
}
