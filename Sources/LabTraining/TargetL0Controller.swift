import Foundation

/// Steers a sparsity coefficient c to a target mean L0 K, as the SynthSAEBench recipe does for L1
/// and JumpReLU SAEs: an integral controller on log c. After each batch with mean L0 ℓ,
///
///     log c ← clamp(log c + g · clamp((ℓ − K)/K, −1, 1), log c_min, log c_max),
///
/// so c grows while the batch is denser than K and shrinks while it is sparser, and settles where
/// the mean L0 is K. The relative error is clamped so that a first batch far from the target (every
/// latent firing at initialisation) moves c by at most a factor e^g per step. The outer clamp is the
/// anti-windup: while L0 stays far from K (the thresholds or weights have not caught up yet) log c
/// stops at a bound instead of integrating the error without limit, so it has no excess to unwind
/// once L0 crosses K. ``bounded(target:initialCoefficient:)`` bounds c to the SynthSAEBench
/// autotuner's multiplier range around its start; the plain initialiser leaves c unbounded.
public struct TargetL0Controller: Sendable, Equatable, Codable {
  /// K, the target mean number of nonzero codes per sample.
  public var target: Double
  /// log c.
  public var logCoefficient: Double
  /// [log c_min, log c_max], where log c is kept (unbounded: −∞…∞).
  public var logCoefficientRange: ClosedRange<Double>

  /// g, the integral gain per step.
  public static let gain = 0.01
  /// The starting coefficient when none is given.
  public static let defaultInitialCoefficient = 0.01
  /// How far c may move from its start in either direction, as a factor: the SynthSAEBench
  /// autotuner's multiplier range [1/100, 100] (`autotune_min_multiplier`, `autotune_max_multiplier`).
  public static let multiplierBound = 100.0

  /// A controller aiming at `target` ≥ 1 from `initialCoefficient` > 0, with c unbounded.
  public init(target: Int, initialCoefficient: Double = TargetL0Controller.defaultInitialCoefficient) {
    precondition(target >= 1, "The target L0 must be >= 1, got \(target).")
    precondition(initialCoefficient > 0 && initialCoefficient.isFinite, "The initial coefficient must be finite and > 0, got \(initialCoefficient).")
    self.target = Double(target)
    logCoefficient = log(initialCoefficient)
    logCoefficientRange = -Double.infinity...Double.infinity
  }

  /// A controller aiming at `target` ≥ 1 from `initialCoefficient` > 0, with c kept within a factor
  /// ``multiplierBound`` of its start.
  public static func bounded(target: Int, initialCoefficient: Double) -> TargetL0Controller {
    var controller = TargetL0Controller(target: target, initialCoefficient: initialCoefficient)
    let start = controller.logCoefficient, width = log(multiplierBound)
    controller.logCoefficientRange = (start - width)...(start + width)
    return controller
  }

  /// c.
  public var coefficient: Double { exp(logCoefficient) }

  /// The same controller with c and its bounds multiplied by `factor` > 0 (a change of units).
  public func rescaled(by factor: Double) -> TargetL0Controller {
    precondition(factor > 0 && factor.isFinite, "The factor must be finite and > 0, got \(factor).")
    var copy = self
    let shift = log(factor)
    copy.logCoefficient += shift
    copy.logCoefficientRange = (logCoefficientRange.lowerBound + shift)...(logCoefficientRange.upperBound + shift)
    return copy
  }

  /// The update after a batch of `batchSize` rows with `activeCount` nonzero codes.
  public mutating func record(activeCount: Int, batchSize: Int) {
    let l0 = Double(activeCount) / Double(batchSize)
    let next = logCoefficient + Self.gain * min(1, max(-1, (l0 - target) / target))
    logCoefficient = min(logCoefficientRange.upperBound, max(logCoefficientRange.lowerBound, next))
  }
}
