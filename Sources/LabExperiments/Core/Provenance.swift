/// Where and with what a run was made. Lives only in the JSON record.
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
