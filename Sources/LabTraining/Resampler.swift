import LabRandom

/// Re-initialises dead latents as at initialisation (mlsae re-initialises dead latents with fresh
/// noise), by the state's ``LatentSlots``: the shallow SAE's decoder row a standard normal vector
/// at the architecture's initial decoder norm with the encoder column its transpose; the deep SAE's
/// sparse-layer column and first decoder row as its initialisation draws them. The latent's bias
/// is set to 0 and the Adam moments of all its weights are zeroed.
enum Resampler {
  /// Resamples every latent that has not fired for `window` steps or more, in latent order from
  /// `state.resampleGenerator`; returns how many were resampled.
  static func resampleDead<State: ResumableTrainingState>(_ state: inout State, notFiredFor window: Int) -> Int {
    let f = state.width, slots = state.latentSlots
    let dead = (0..<f).filter { state.tracker.stepsSinceFired[$0] >= window }
    guard !dead.isEmpty else { return 0 }
    var weights = state.weights
    for i in dead {
      let (incoming, outgoing) = draw(slots, using: &state.resampleGenerator)
      for (j, value) in incoming.enumerated() { weights[slots.incomingOffset + j * f + i] = Float(value) }
      weights[slots.biasOffset + i] = 0
      for (j, value) in outgoing.enumerated() { weights[slots.outgoingOffset + i * slots.outgoingOutputs + j] = Float(value) }
      for index in slots.indices(of: i, width: f) { state.optimizer.resetMoments(at: index) }
      state.tracker.reset(i)
    }
    state.weights = weights
    return dead.count
  }

  /// One latent's incoming column and outgoing row, drawn by `slots.draw`.
  private static func draw(_ slots: LatentSlots, using generator: inout Xoshiro256StarStar) -> (incoming: [Double], outgoing: [Double]) {
    switch slots.draw {
    case .tied(let norm):
      precondition(slots.incomingInputs == slots.outgoingOutputs, "A tied latent needs as many inputs as outputs.")
      let row = (0..<slots.outgoingOutputs).map { _ in generator.nextNormal() }
      let length = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
      let scaled = row.map { norm * $0 / length }
      return (scaled, scaled)
    case .uniform(let incoming, let outgoing):
      let column = (0..<slots.incomingInputs).map { _ in generator.nextUniform(in: -incoming...incoming) }
      return (column, (0..<slots.outgoingOutputs).map { _ in generator.nextUniform(in: -outgoing...outgoing) })
    }
  }
}
