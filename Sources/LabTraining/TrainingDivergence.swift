/// Why a training run stopped early. The rule: a step whose batch loss or gradient is not finite
/// stops the run before its update, so the weights stay those of the previous step; an update that
/// leaves a weight not finite stops the run after that step. Nothing else counts as divergence: a
/// finite but poor model is reported by its metrics, not stopped.
public struct TrainingDivergence: Error, Equatable, Sendable, CustomStringConvertible {
  /// The value that stopped being finite.
  public enum Value: String, Sendable {
    case loss, gradient
    case weights = "weights after the update"
  }

  /// The step (from 1) that produced the value.
  public var step: Int
  public var value: Value
  /// The batch loss of that step.
  public var loss: Double

  public var description: String {
    switch value {
    case .loss: "training diverged at step \(step): the batch loss is \(loss)"
    case .gradient: "training diverged at step \(step): the gradient is not finite (batch loss \(loss))"
    case .weights: "training diverged at step \(step): the weights after the update are not finite (batch loss \(loss))"
    }
  }

  /// Whether every value is finite (a float is not finite exactly when its exponent bits are all
  /// ones; the integer maximum below is one vectorised pass).
  static func allFinite(_ values: [Float]) -> Bool {
    let exponent: UInt32 = 0x7f80_0000
    var largest: UInt32 = 0
    values.withUnsafeBufferPointer { buffer in
      for value in buffer { largest = max(largest, value.bitPattern & exponent) }
    }
    return largest != exponent
  }
}
