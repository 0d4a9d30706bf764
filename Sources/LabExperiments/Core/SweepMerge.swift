import Foundation

/// `lab report --merge`: joins the shard records of a sweep into the run record of the unsharded
/// run. Every shard must be present exactly once and all must agree on the experiment, the
/// resolved toy, the shard count, the invocation and the versions and thread count that the
/// report shows; every failure names the file and the field.
public enum SweepMerge {
  /// One experiment's shards, joined.
  public struct Merged {
    /// The experiment id.
    public var id: String
    /// The checks and renderer of the joined record, as an unsharded run has them.
    public var product: ExperimentProduct
    /// The joined provenance: the shards' versions and thread count, the earliest start, the
    /// sum of the shards' wall times, and the merge's command line.
    public var provenance: Provenance
    /// The unsharded run's invocation, which every shard recorded.
    public var invocation: RunInvocation
    /// The shard files joined, by shard number.
    public var files: [String]
  }

  /// Reads the shard records at `paths` (files, or directories whose `<id>.shard-<i>-of-<n>.json`
  /// files are read), groups them by experiment and joins each group; with `only`, just those
  /// experiments, each of which must have shards. Throws ``SweepError`` or ``RunRecordError``.
  public static func merge(paths: [String], only: [ExperimentEntry]? = nil, command: String) throws -> [Merged] {
    try merge(files: try shardFiles(paths).map { ($0, try RunRecords.read($0)) }, only: only, command: command,
              searched: paths.joined(separator: ", "))
  }

  /// Joins shard records given as (path, contents); `searched` names where they came from in errors.
  public static func merge(files: [(path: String, data: Data)], only: [ExperimentEntry]? = nil, command: String,
                           searched: String) throws -> [Merged] {
    var groups: [String: [(path: String, data: Data)]] = [:]
    for (path, data) in files {
      let header = try RunRecords.decode(ShardHeader.self, from: data, path: path)
      if let problem = header.shard.problem { throw RunRecordError(path: path, problem) }
      guard case .success(let entry) = ExperimentRegistry.entry(header.experiment), entry.sweep != nil else {
        throw RunRecordError(path: path, "field 'experiment' is '\(header.experiment)', not an experiment with a sweep (\(sweepNames))")
      }
      groups[entry.id, default: []].append((path, data))
    }
    let entries = only ?? ExperimentRegistry.all.filter { groups[$0.id] != nil }
    return try entries.map { entry in
      guard let sweep = entry.sweep else { throw SweepError("'\(entry.id)' has no sweep (experiments with a sweep: \(sweepNames))") }
      guard let files = groups[entry.id] else {
        throw SweepError("no shard records of '\(entry.id)' in \(searched)")
      }
      return try sweep.join(files, command)
    }
  }

  /// The registered experiments that have a sweep.
  public static var sweepNames: String { ExperimentRegistry.all.filter { $0.sweep != nil }.map(\.id).joined(separator: ", ") }

  /// The shard files named by `paths`, each once: a file as given, a directory's shard files sorted by name.
  static func shardFiles(_ paths: [String]) throws -> [String] {
    var files: [String] = [], seen = Set<String>()
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw SweepError("\(path): no such file or directory") }
      var found = [path]
      if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        found = names.filter(ShardFileName.matches).sorted().map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
        if found.isEmpty { throw SweepError("\(path): no shard records (<experiment>.shard-<i>-of-<n>.json) in this directory") }
      }
      for file in found where seen.insert(URL(fileURLWithPath: file).standardizedFileURL.path).inserted { files.append(file) }
    }
    return files
  }

  /// Joins the shard records of experiment `id` (all with that `experiment` field).
  static func join<Sweep: SweepExperiment>(_ type: Sweep.Type, id: String, files: [(path: String, data: Data)], command: String) throws -> Merged {
    typealias Shard = ShardRecord<Sweep.Toy, Sweep.PointResult>
    var shards: [(path: String, record: Shard)] = []
    for file in files {
      let record = try RunRecords.decode(Shard.self, from: file.data, path: file.path)
      guard record.toy.id == id else { throw RunRecordError(path: file.path, "field 'toy.id' is '\(record.toy.id)', expected '\(id)'") }
      let problems = record.toy.problems()
      guard problems.isEmpty else { throw RunRecordError(path: file.path, "field 'toy' is invalid: " + problems.joined(separator: "; ")) }
      shards.append((file.path, record))
    }
    shards.sort { ($0.record.shard.index, $0.path) < ($1.record.shard.index, $1.path) }
    let (referencePath, reference) = shards[0]
    for (path, record) in shards.dropFirst() { try agree(record, path: path, with: reference, at: referencePath) }

    let count = reference.shard.count
    for (previous, next) in zip(shards, shards.dropFirst()) where previous.record.shard.index == next.record.shard.index {
      throw RunRecordError(path: next.path, "field 'shard' is \(next.record.shard), the same shard as \(previous.path)")
    }
    if shards.count != count {  // the indices are distinct and in 1...count, so some are missing
      var missing: [Int] = [], next = 1
      for index in shards.map(\.record.shard.index) + [count + 1] {
        while next < index && missing.count < 10 { missing.append(next); next += 1 }
        next = index + 1
      }
      throw SweepError("shards of '\(id)' are incomplete: missing shard \(missing.map { "\($0)/\(count)" }.joined(separator: ", "))"
        + "\(count - shards.count > missing.count ? " and \(count - shards.count - missing.count) more" : "") (have \(shards.map(\.path).joined(separator: ", ")))")
    }

    let names = Sweep.sweepPoints(reference.toy)
    var results = [Sweep.PointResult?](repeating: nil, count: names.count), sources = [(path: String, position: Int)](repeating: ("", 0), count: names.count)
    for (path, record) in shards {
      guard record.pointCount == names.count else {
        throw RunRecordError(path: path, "field 'pointCount' is \(record.pointCount), but the toy has \(names.count) sweep points")
      }
      let expected = record.shard.points(of: names.count)
      guard record.points.map(\.index) == expected else {
        throw RunRecordError(path: path, "field 'points' holds points \(record.points.map(\.index)), expected \(expected) (shard \(record.shard) of \(names.count) points)")
      }
      for (position, point) in record.points.enumerated() {
        guard point.name == names[point.index] else {
          throw RunRecordError(path: path, "field 'points[\(position)].name' is '\(point.name)', expected '\(names[point.index])'")
        }
        results[point.index] = point.result
        sources[point.index] = (path, position)
      }
    }
    let record: Sweep.Record
    do { record = try Sweep.record(reference.toy, results: results.compactMap { $0 }) } catch let error as SweepPointError {
      let source = sources[error.index]
      throw RunRecordError(path: source.path, "field 'points[\(source.position)].result' \(error.message)")
    }
    var provenance = reference.provenance
    provenance.startedAt = shards.map(\.record.provenance.startedAt).min()!
    provenance.wallSeconds = shards.map(\.record.provenance.wallSeconds).reduce(0, +)
    provenance.command = command
    return Merged(id: id, product: ExperimentProduct(record: record), provenance: provenance, invocation: reference.invocation,
                  files: shards.map(\.path))
  }

  /// Fails unless `record` (at `path`) agrees with `reference` on everything the joined record
  /// or its report shows, naming the first field that differs.
  private static func agree<Toy, Result>(_ record: ShardRecord<Toy, Result>, path: String, with reference: ShardRecord<Toy, Result>,
                                         at referencePath: String) throws {
    func differs(_ field: String, _ value: String, _ expected: String) -> RunRecordError {
      RunRecordError(path: path, "field '\(field)' is \(value), but \(referencePath) has \(expected)")
    }
    if record.shard.count != reference.shard.count { throw differs("shard.count", "\(record.shard.count)", "\(reference.shard.count)") }
    if record.toy != reference.toy { throw RunRecordError(path: path, "field 'toy' differs from the toy of \(referencePath)") }
    if record.invocation != reference.invocation {
      throw differs("invocation", "'\(record.invocation.reproduce)'\(record.invocation.quick ? " (quick)" : "")",
                    "'\(reference.invocation.reproduce)'\(reference.invocation.quick ? " (quick)" : "")")
    }
    let shown: [(String, KeyPath<Provenance, String>)] = [
      ("provenance.labVersion", \.labVersion), ("provenance.glpkVersion", \.glpkVersion), ("provenance.blasConfiguration", \.blasConfiguration),
    ]
    for (field, key) in shown where record.provenance[keyPath: key] != reference.provenance[keyPath: key] {
      throw differs(field, "'\(record.provenance[keyPath: key])'", "'\(reference.provenance[keyPath: key])'")
    }
    if record.provenance.blasThreads != reference.provenance.blasThreads {
      throw differs("provenance.blasThreads", "\(record.provenance.blasThreads)", "\(reference.provenance.blasThreads)")
    }
  }
}
