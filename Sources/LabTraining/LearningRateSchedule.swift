import Foundation

/// The learning-rate multiplier of each step: a linear warm-up over `warmupSteps` (step t, counted
/// from 0, gets (t + 1)/W, as SAELens's `LinearLR` warm-up), then a decay from 1 towards
/// `finalFraction` over the remaining steps: none (constant), linear, or cosine
/// `f + (1 − f)(1 + cos πp)/2` with p = (t − W)/(T − W) the fraction of the decay phase done.
public struct LearningRateSchedule: Equatable, Sendable {
  /// The decay after the warm-up.
  public enum Decay: String, CaseIterable, Sendable {
    /// No decay.
    case constant
    /// Linear to `finalFraction` at the last step.
    case linear
    /// Cosine annealing to `finalFraction`.
    case cosine
  }

  /// W, the warm-up length in steps (0 for none).
  public var warmupSteps: Int
  /// The decay after the warm-up.
  public var decay: Decay
  /// f, the multiplier the decay approaches at the end of training.
  public var finalFraction: Double

  /// A schedule; the default is the constant learning rate.
  public init(warmupSteps: Int = 0, decay: Decay = .constant, finalFraction: Double = 0) {
    precondition(warmupSteps >= 0 && (0...1).contains(finalFraction), "Bad schedule: warm-up \(warmupSteps), final fraction \(finalFraction).")
    self.warmupSteps = warmupSteps
    self.decay = decay
    self.finalFraction = finalFraction
  }

  /// The multiplier of step `step` (0-based) of a run of `totalSteps` steps, in (0, 1].
  public func multiplier(step: Int, totalSteps: Int) -> Double {
    if step < warmupSteps { return Double(step + 1) / Double(warmupSteps) }
    let progress = Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
    switch decay {
    case .constant: return 1
    case .linear: return 1 - (1 - finalFraction) * progress
    case .cosine: return finalFraction + (1 - finalFraction) * (1 + cos(Double.pi * progress)) / 2
    }
  }
}
