import Foundation
import LabNumerics

/// The step loop that ``Trainer`` and ``DeepTrainer`` share: each step gathers the next batch,
/// asks the model for its loss and gradient (told which latents are dead when AuxK is on), clips
/// the gradient, sets the scheduled learning rate, takes the Adam step, lets the model restore its
/// constraints, records which latents fired, resamples dead latents every `resampleInterval` steps
/// and reports progress.
enum TrainingLoop {
  /// What the model computes for one batch: its loss and which latents fired; the gradient is
  /// written to `gradient` (the state's weight layout).
  typealias LossAndGradient<State> = (
    _ state: inout State, _ batch: Matrix<Float>, _ step: Int, _ dead: [Bool]?, _ gradient: inout [Float]
  ) -> (loss: BatchLoss, fired: [Bool])

  /// Takes steps from `state.step` until `step` (at most `configuration.steps`), calling `progress`
  /// every `progressInterval` steps and after the last one. `dead` is passed to `lossAndGradient`
  /// when `configuration.auxK` is set and some latent has not fired for more than
  /// `configuration.deadWindow` steps; `afterUpdate` runs after each optimiser step. Stops early,
  /// returning why, when a value stops being finite (the rule of ``TrainingDivergence``).
  static func run<State: ResumableTrainingState>(
    _ state: inout State, _ configuration: TrainingConfiguration, data: Matrix<Float>, until step: Int,
    progressInterval: Int, progress: ((TrainingProgress) -> Void)?,
    lossAndGradient: LossAndGradient<State>, afterUpdate: (inout State) -> Void
  ) -> TrainingDivergence? {
    let start = Date()
    let m = data.columns, b = configuration.batchSize
    let last = min(step, configuration.steps)
    // The elementwise passes over all weights (finiteness, Adam) are split among the run's threads.
    let threads = configuration.batchBlocks
    var gradient = [Float](repeating: 0, count: state.weights.count)
    var batch = Matrix<Float>(rows: b, columns: m)
    while state.step < last {
      let t = state.step
      let indices = state.sampler.next()
      data.storage.withUnsafeBufferPointer { x in
        batch.storage.withUnsafeMutableBufferPointer { out in
          for (slot, row) in indices.enumerated() {
            (out.baseAddress! + slot * m).update(from: x.baseAddress! + row * m, count: m)
          }
        }
      }
      var dead: [Bool]?
      if configuration.auxK != nil {
        let flags = state.tracker.stepsSinceFired.map { $0 > configuration.deadWindow }
        if flags.contains(true) { dead = flags }
      }
      let (loss, fired) = lossAndGradient(&state, batch, t, dead, &gradient)
      guard loss.total.isFinite else { return TrainingDivergence(step: t + 1, value: .loss, loss: loss.total) }
      guard TrainingDivergence.allFinite(gradient, threads: threads) else { return TrainingDivergence(step: t + 1, value: .gradient, loss: loss.total) }
      state.lastLoss = loss
      if let clip = configuration.gradientClipNorm { GradientClipping.clip(&gradient, to: clip) }
      state.optimizer.learningRate = configuration.learningRate * configuration.schedule.multiplier(step: t, totalSteps: configuration.steps)
      // The weights are moved out for the update (no copy), as a generic state cannot lend two properties at once.
      var weights = state.weights
      state.weights = []
      state.optimizer.update(&weights, gradient: gradient, threads: threads)
      state.weights = weights
      afterUpdate(&state)
      state.tracker.record(fired: fired)
      state.step += 1
      guard TrainingDivergence.allFinite(state.weights, threads: threads) else { return TrainingDivergence(step: t + 1, value: .weights, loss: loss.total) }
      if let interval = configuration.resampleInterval, state.step % interval == 0 {
        state.resampledLatents += Resampler.resampleDead(&state, notFiredFor: interval)
      }
      if let progress, state.step % max(1, progressInterval) == 0 || state.step == last {
        progress(TrainingProgress(step: state.step, totalSteps: configuration.steps, loss: state.lastLoss,
                                  seconds: Date().timeIntervalSince(start)))
      }
    }
    return nil
  }
}
