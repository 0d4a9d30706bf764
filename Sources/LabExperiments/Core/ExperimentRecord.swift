import Foundation

/// A run record whose report files (Markdown and figures) are a pure function of it, so that
/// `lab report` re-renders them from the saved JSON without re-running the experiment.
public protocol ExperimentRecord: Codable, Sendable {
  /// The experiment's toy type.
  associatedtype Toy: ExperimentToy
  /// The toy as run; ``RunRecords`` validates it before rendering.
  var toy: Toy { get }
  /// The report files, `<id>.md` and any figures, as (file name, contents); the JSON record
  /// itself is not among them.
  func reportFiles() throws -> [(name: String, contents: Data)]
}

extension ExperimentRecord {
  /// The report files followed by the record, `<id>.json`: everything a run writes.
  func allFiles(id: String) throws -> [(name: String, contents: Data)] {
    try reportFiles() + [("\(id).json", try RecordEncoding.encode(self))]
  }
}
