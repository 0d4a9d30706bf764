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
  /// The `--quick` configuration (see the extension below); recorded in the run record.
  func quick() -> Self
  /// The memory a run needs for the arrays the toy's sizes set (``ToyMemory``), checked when a toy
  /// file is loaded; each experiment states it in `ToyMemory+Experiments.swift`.
  func memory() -> ToyMemory
}

extension HierarchyToy: ExperimentToy {}

extension ExperimentToy {
  /// The `--quick` configuration: the same claims tested on fewer random probes, for CI and a
  /// first look. The default is the toy itself (an experiment that runs in seconds needs no
  /// smaller form); experiments whose cost is dominated by random probes override it.
  public func quick() -> Self { self }
}
