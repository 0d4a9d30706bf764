import Foundation
import LabTraining

/// The progress line of `lab train`: on standard error, only when it is a terminal and `--quiet`
/// is not given, so that pipes and logs receive nothing but the JSON line on standard output.
/// Like ``ProgressBar``, it stays one column short of the terminal's width (so it never wraps) and
/// is cleared at the last step, before the result line.
enum TrainProgress {
  /// A reporter rewriting one stderr line, or nil when progress is not shown.
  static func reporter(quiet: Bool, streams: ProgressBar.Streams = .standard) -> ((TrainingProgress) -> Void)? {
    guard ProgressBar.isWanted(quiet: quiet) else { return nil }
    return { progress in streams.bar(text(progress, width: streams.width() - 1)) }
  }

  /// What the reporter writes for `progress`: the step line cut to `width`, or at the last step
  /// the sequence that clears it.
  static func text(_ progress: TrainingProgress, width: Int) -> String {
    if progress.step >= progress.totalSteps { return ProgressBar.clearLine }
    let percent = 100 * progress.step / max(1, progress.totalSteps)
    let line = "step \(progress.step)/\(progress.totalSteps) (\(percent)%)  loss \(String(format: "%.6g", progress.loss.total))"
    let width = max(1, width)
    return ProgressBar.clearLine + (line.count <= width ? line : String(line.prefix(width - 1)) + "…")
  }
}
