import LabTraining

/// Records a training run's loss from the trainer's progress reports: every ``interval`` steps
/// and at the last, as [step, loss] pairs (the loss of that step's batch, all its terms), for run
/// records and their loss-curve figures.
final class LossHistoryRecorder {
  /// Steps between two entries: about `points` entries per run.
  let interval: Int
  /// The [step, loss] pairs so far.
  private(set) var entries: [[Double]] = []

  /// A recorder for a run of `steps` steps.
  init(steps: Int, points: Int = 40) {
    interval = max(1, steps / points)
  }

  /// Takes one progress report.
  func record(_ progress: TrainingProgress) {
    entries.append([Double(progress.step), progress.loss.total])
  }
}
