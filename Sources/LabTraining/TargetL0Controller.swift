import Foundation

/// Steers a sparsity coefficient c to a target mean L0 K, as the SynthSAEBench recipe does for L1
/// and JumpReLU SAEs: an integral controller on log c. After each batch with mean L0 ℓ,
///
///     log c ← log c + g · clamp((ℓ − K)/K, −1, 1),
///
/// so c grows while the batch is denser than K and shrinks while it is sparser, and settles where
/// the mean L0 is K. The relative error is clamped so that a first batch far from the target (every
/// latent firing at initialisation) moves c by at most a factor e^g per step.
public struct TargetL0Controller: Sendable, Equatable, Codable {
  /// K, the target mean number of nonzero codes per sample.
  public var target: Double
  /// log c.
  public var logCoefficient: Double

  /// g, the integral gain per step.
  public static let gain = 0.01
  /// The starting coefficient when none is given.
  public static let defaultInitialCoefficient = 0.01

  /// A controller aiming at `target` ≥ 1 from `initialCoefficient` > 0.
  public init(target: Int, initialCoefficient: Double = TargetL0Controller.defaultInitialCoefficient) {
    precondition(target >= 1, "The target L0 must be >= 1, got \(target).")
    precondition(initialCoefficient > 0 && initialCoefficient.isFinite, "The initial coefficient must be finite and > 0, got \(initialCoefficient).")
    self.target = Double(target)
    logCoefficient = log(initialCoefficient)
  }

  /// c.
  public var coefficient: Double { exp(logCoefficient) }

  /// The update after a batch of `batchSize` rows with `activeCount` nonzero codes.
  public mutating func record(activeCount: Int, batchSize: Int) {
    let l0 = Double(activeCount) / Double(batchSize)
    logCoefficient += Self.gain * min(1, max(-1, (l0 - target) / target))
  }
}
