/// How a run was asked for: the command that reproduces it and whether it used the quick
/// configuration. Kept in the run record, so that `lab report` can re-render the report's
/// "Reproduce" section without the original command line.
public struct RunInvocation: Codable, Sendable, Equatable {
  /// The `lab run …` command that reproduces the report (seed, toy file, `--quick`).
  public var reproduce: String
  /// Whether the toy was reduced by ``ExperimentToy/quick()``.
  public var quick: Bool

  /// An invocation.
  public init(reproduce: String, quick: Bool) {
    self.reproduce = reproduce
    self.quick = quick
  }

  /// The reproduce command of a record written before invocations were recorded: those runs
  /// were full runs of the embedded toy with its own seed.
  static func legacy(id: String, seed: UInt64) -> RunInvocation {
    RunInvocation(reproduce: "lab run \(id) --seed \(seed)", quick: false)
  }
}
