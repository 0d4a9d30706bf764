/// Where, when and with what a run was made. Written beside the record as `<id>.provenance.json`
/// (``sidecarName(id:)``), which git does not track: it changes with every run (start time, wall time,
/// command line, the CPU OpenBLAS chose kernels for). The record keeps only ``RecordVersions``.
public struct Provenance: Codable, Sendable {
  /// SparseLab version.
  public var labVersion: String
  /// GLPK version.
  public var glpkVersion: String
  /// OpenBLAS build configuration.
  public var blasConfiguration: String
  /// BLAS threads.
  public var blasThreads: Int
  /// Start time, ISO 8601.
  public var startedAt: String
  /// Wall time of the run in seconds.
  public var wallSeconds: Double
  /// The command line.
  public var command: String

  /// Records where and with what a run was made.
  public init(labVersion: String, glpkVersion: String, blasConfiguration: String, blasThreads: Int,
              startedAt: String, wallSeconds: Double, command: String) {
    self.labVersion = labVersion
    self.glpkVersion = glpkVersion
    self.blasConfiguration = blasConfiguration
    self.blasThreads = blasThreads
    self.startedAt = startedAt
    self.wallSeconds = wallSeconds
    self.command = command
  }
}

extension Provenance {
  /// The file beside `<id>.json` that holds a run's provenance.
  public static func sidecarName(id: String) -> String { "\(id).provenance.json" }

  /// The BLAS library and its version, without the build options and CPU (the first two words
  /// of ``blasConfiguration``, e.g. "OpenBLAS 0.3.21").
  public var blasLibrary: String { blasConfiguration.split(separator: " ").prefix(2).joined(separator: " ") }
}

/// What made a record's numbers, kept in the record itself: the same for every run of one build
/// of the lab with one thread count, at any time, on any machine whose OpenBLAS computes with the
/// same kernels (`lab run` and `lab report` choose OpenBLAS's Haswell kernels wherever the CPU runs
/// them; the provenance names the kernels of each run).
public struct RecordVersions: Codable, Sendable, Equatable {
  /// SparseLab version.
  public var labVersion: String
  /// GLPK version.
  public var glpkVersion: String
  /// The BLAS library and its version.
  public var blas: String
  /// BLAS threads.
  public var blasThreads: Int

  /// The versions of a run's provenance.
  public init(_ provenance: Provenance) {
    labVersion = provenance.labVersion
    glpkVersion = provenance.glpkVersion
    blas = provenance.blasLibrary
    blasThreads = provenance.blasThreads
  }
}
