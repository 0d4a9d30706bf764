import Foundation

/// Adam (Kingma & Ba) exactly as `torch.optim.Adam` without weight decay (the learning rate may be
/// changed between steps by a schedule):
///
///     m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
///     p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
///
/// With `sparse` set, moments and parameters are updated only where the gradient is nonzero
/// (the masked "SparseAdam" of mlsae); `t` still counts every step.
public struct AdamOptimizer<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
  /// The learning rate.
  public var learningRate: Double
  /// β₁.
  public var beta1: Double
  /// β₂.
  public var beta2: Double
  /// ε.
  public var epsilon: Double
  /// Whether only coordinates with a nonzero gradient are updated.
  public var sparse: Bool
  /// The number of steps taken, t.
  public internal(set) var step = 0
  var firstMoment: [Scalar]
  var secondMoment: [Scalar]

  /// Adam for `parameterCount` parameters, moments zero.
  public init(parameterCount: Int, learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
              sparse: Bool = false) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.sparse = sparse
    firstMoment = Array(repeating: 0, count: parameterCount)
    secondMoment = Array(repeating: 0, count: parameterCount)
  }

  /// Zeroes both moments of parameter `index` (a resampled latent starts afresh).
  public mutating func resetMoments(at index: Int) {
    firstMoment[index] = 0
    secondMoment[index] = 0
  }

  /// Takes one step on `parameters` with `gradient` (same length as at init).
  public mutating func update(_ parameters: inout [Scalar], gradient: [Scalar]) {
    precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count,
                 "Adam was set up for \(firstMoment.count) parameters, got \(parameters.count) and a gradient of \(gradient.count).")
    step += 1
    let t = Double(step)
    let stepSize = Scalar(learningRate / (1 - pow(beta1, t)))
    let rootCorrection2 = Scalar((1 - pow(beta2, t)).squareRoot())
    let (b1, b2, eps) = (Scalar(beta1), Scalar(beta2), Scalar(epsilon))
    let (c1, c2) = (1 - b1, 1 - b2)
    let sparse = self.sparse
    parameters.withUnsafeMutableBufferPointer { p in
      gradient.withUnsafeBufferPointer { g in
        firstMoment.withUnsafeMutableBufferPointer { m in
          secondMoment.withUnsafeMutableBufferPointer { v in
            @inline(__always) func update(_ i: Int) {
              let gi = g[i]
              let mi = b1 * m[i] + c1 * gi
              let vi = b2 * v[i] + c2 * gi * gi
              m[i] = mi
              v[i] = vi
              p[i] -= stepSize * mi / ((vi.squareRoot() / rootCorrection2) + eps)
            }
            // One loop per mode: the dense one has no branch, so that it is vectorised.
            if sparse {
              for i in 0..<p.count where g[i] != 0 { update(i) }
            } else {
              for i in 0..<p.count { update(i) }
            }
          }
        }
      }
    }
  }
}
