/// Counts, for each latent, the training steps since it last fired; a latent is dead when that
/// count exceeds a window (SAELens `dead_feature_window`, ANCHORS §3.4), counted in steps.
public struct DeadLatentTracker: Equatable, Sendable {
  /// Steps since each latent last had a positive code in a batch (0 = fired in the last step).
  public internal(set) var stepsSinceFired: [Int]

  /// A tracker for `width` latents, none having fired yet.
  public init(width: Int) {
    stepsSinceFired = Array(repeating: 0, count: width)
  }

  /// Records one step in which latent `i` fired when `fired[i]`.
  public mutating func record(fired: [Bool]) {
    precondition(fired.count == stepsSinceFired.count, "Tracker of \(stepsSinceFired.count) latents given \(fired.count) flags.")
    for i in 0..<fired.count { stepsSinceFired[i] = fired[i] ? 0 : stepsSinceFired[i] + 1 }
  }

  /// Marks latent `i` as just fired (after it was resampled).
  public mutating func reset(_ i: Int) { stepsSinceFired[i] = 0 }

  /// The number of latents that have not fired for more than `window` steps.
  public func deadCount(window: Int) -> Int {
    stepsSinceFired.reduce(0) { $1 > window ? $0 + 1 : $0 }
  }
}
