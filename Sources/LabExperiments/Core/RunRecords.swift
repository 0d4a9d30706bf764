import Foundation
import LabChecks
import LabFormats

/// Reads saved run records (`<id>.json` beside each report) for `lab report`, `lab list` and the
/// index. Every failure is a ``RunRecordError`` naming the file, and the field when there is one.
public enum RunRecords {
  /// Largest run record accepted, in bytes (the largest written today is about 100 kB).
  public static let maximumFileSize = 32 << 20

  /// What `lab list` and the index need from any record: its verdict table and invocation.
  public struct Summary: Decodable, Equatable, Sendable {
    /// The verdict table.
    public var checks: [CheckResult]
    /// How the run was asked for; absent in records written before it was recorded.
    public var invocation: RunInvocation?
    /// The findings of a source study; absent for the theory experiments.
    public var findings: [SourceFinding]?

    /// The findings counted by outcome (all zero when there are none).
    public var findingCounts: FindingCounts { FindingCounts(findings ?? []) }

    /// "k of n checks pass" with "(quick)" for a quick run.
    public var verdict: String {
      let passed = checks.filter { $0.status == .pass }.count
      return "\(passed) of \(checks.count) checks pass" + (invocation?.quick == true ? " (quick)" : "")
    }

    /// Whether every check passed.
    public var allPass: Bool { checks.allSatisfy { $0.status == .pass } }
  }

  /// The record of experiment `id` in `directory`, or nil when there is none.
  public static func summary(id: String, in directory: String) throws -> Summary? {
    let path = URL(fileURLWithPath: directory).appendingPathComponent("\(id).json").path
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return try decode(Summary.self, from: read(path), path: path)
  }

  /// The record of experiment `id` at `path`, decoded and with its toy validated.
  static func load<Record: ExperimentRecord>(_ type: Record.Type, id: String, path: String) throws -> Record {
    try parse(type, id: id, data: read(path), path: path)
  }

  /// Decodes and validates a record from its bytes (`path` only names it in errors).
  public static func parse<Record: ExperimentRecord>(_ type: Record.Type, id: String, data: Data, path: String) throws -> Record {
    let record = try decode(type, from: data, path: path)
    guard record.toy.id == id else { throw RunRecordError(path: path, "field 'toy.id' is '\(record.toy.id)', expected '\(id)'") }
    let problems = record.toy.problems()
    guard problems.isEmpty else { throw RunRecordError(path: path, "field 'toy' is invalid: " + problems.joined(separator: "; ")) }
    return record
  }

  /// Decodes `data`, turning a decoding failure into a message naming the field.
  public static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
    guard data.count <= maximumFileSize else {
      throw RunRecordError(path: path, "record is \(data.count) bytes, larger than the \(maximumFileSize)-byte limit")
    }
    do { return try RecordEncoding.decode(type, from: data) } catch { throw RunRecordError(path: path, decoding: error) }
  }

  static func read(_ path: String) throws -> Data {
    guard FileManager.default.fileExists(atPath: path) else { throw RunRecordError(path: path, "no such run record (run the experiment first)") }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size <= maximumFileSize else {
      throw RunRecordError(path: path, "record is \(size) bytes, larger than the \(maximumFileSize)-byte limit")
    }
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw RunRecordError(path: path, "cannot be read: \(FileProblem.reason(error))")
    }
  }
}

/// A run record that cannot be used, with a message naming the file and field.
public struct RunRecordError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The full message.
  public let description: String

  /// Creates the error for `path`.
  public init(path: String, _ message: String) { description = "\(path): \(message)" }

  /// Turns a JSON decoding failure into a sentence naming the field (as toy files do).
  public init(path: String, decoding error: Error) { description = ToyFileError(path: path, decoding: error).description }
}
