/// The declarative description of one experiment: a JSON file in `toys/` and an embedded default.
public protocol ExperimentToy: Codable, Equatable, Sendable {
  /// Experiment id (the CLI name).
  var id: String { get }
  /// One-line title.
  var title: String { get }
  /// The claim under test, quoted from THEORY.
  var claim: String { get }
  /// Root seed of every random draw.
  var seed: UInt64 { get set }
  /// The embedded default; `toys/<id>.json` holds the same values (a test keeps them equal).
  static var `default`: Self { get }
  /// Problems with the toy, each naming the field and the bad value; empty when valid.
  func problems() -> [String]
}

extension HierarchyToy: ExperimentToy {}
