import LabRandom

/// Re-initialises dead latents as at initialisation (mlsae re-initialises dead latents with fresh
/// noise): a standard normal decoder row rescaled to the architecture's initial decoder norm, the
/// encoder column set to its transpose, the encoder bias 0, and their Adam moments zeroed.
enum Resampler {
  /// Resamples every latent that has not fired for `window` steps or more, in latent order from
  /// `state.resampleGenerator`; returns how many were resampled.
  static func resampleDead(_ state: inout TrainingState, notFiredFor window: Int) -> Int {
    let m = state.parameters.inputDimension, f = state.parameters.width
    let norm = state.architecture.initialDecoderNorm
    var count = 0
    for i in 0..<f where state.tracker.stepsSinceFired[i] >= window {
      let row = (0..<m).map { _ in state.resampleGenerator.nextNormal() }
      let length = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
      for j in 0..<m {
        let value = Float(norm * row[j] / length)
        let decoderIndex = state.parameters.decoderWeightsOffset + i * m + j, encoderIndex = j * f + i
        state.parameters.values[decoderIndex] = value
        state.parameters.values[encoderIndex] = value
        state.optimizer.resetMoments(at: decoderIndex)
        state.optimizer.resetMoments(at: encoderIndex)
      }
      let biasIndex = state.parameters.encoderBiasOffset + i
      state.parameters.values[biasIndex] = 0
      state.optimizer.resetMoments(at: biasIndex)
      state.tracker.reset(i)
      count += 1
    }
    return count
  }
}
