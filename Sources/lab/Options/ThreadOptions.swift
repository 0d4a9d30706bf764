import ArgumentParser

/// `--threads n`, the same option with the same meaning and default in every command that computes:
/// the number of threads the command computes on (its worker threads, OpenBLAS's threads, or both,
/// as the command's help says). A given count gives the same bytes on every run.
struct ThreadOptions: ParsableArguments {
  /// The counts `--threads` accepts.
  static let allowed = 1...64

  /// The default count, the same in every command.
  static let defaultCount = 2

  @Option(name: .long,
          help: ArgumentHelp("Threads to compute on (workers and OpenBLAS); a given count gives the same bytes.", valueName: "n"))
  var threads: Int = ThreadOptions.defaultCount

  func validate() throws {
    guard Self.allowed.contains(threads) else {
      throw ValidationError("'--threads' must be in \(Self.allowed.lowerBound)...\(Self.allowed.upperBound), got \(threads).")
    }
  }
}
