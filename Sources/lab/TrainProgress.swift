import Foundation
import LabTraining

/// The progress line of `lab train`: on standard error, only when it is a terminal and `--quiet`
/// is not given, so that pipes and logs receive nothing but the JSON line on standard output.
enum TrainProgress {
  /// A reporter rewriting one stderr line, or nil when progress is not shown.
  static func reporter(quiet: Bool) -> ((TrainingProgress) -> Void)? {
    guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
    return { progress in
      let percent = 100 * progress.step / max(1, progress.totalSteps)
      var line = "\rstep \(progress.step)/\(progress.totalSteps) (\(percent)%)  loss \(String(format: "%.6g", progress.loss.total))"
      if progress.step == progress.totalSteps { line += "\n" }
      FileHandle.standardError.write(Data(line.utf8))
    }
  }
}
