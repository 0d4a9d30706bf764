import ArgumentParser

/// `--quiet`, shared by every command that shows progress on standard error.
struct ProgressOptions: ParsableArguments {
  @Flag(name: .long, help: "Show no progress on standard error (it is shown only on a terminal).")
  var quiet = false

  /// Whether a progress bar should be drawn: not with `--quiet`, and only on a terminal.
  var showsBar: Bool { ProgressBar.isWanted(quiet: quiet) }
}
