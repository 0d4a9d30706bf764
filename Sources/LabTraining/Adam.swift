import Foundation
import LabNumerics

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

  /// Takes one step on `parameters` with `gradient` (same length as at init), the coordinates split
  /// among `threads` threads (each coordinate's step is its own, so the bytes do not depend on it).
  public mutating func update(_ parameters: inout [Scalar], gradient: [Scalar], threads: Int = 1) {
    precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count,
                 "Adam was set up for \(firstMoment.count) parameters, got \(parameters.count) and a gradient of \(gradient.count).")
    step += 1
    let t = Double(step)
    let (b1, b2) = (Scalar(beta1), Scalar(beta2))
    let c = StepCoefficients(b1: b1, c1: 1 - b1, b2: b2, c2: 1 - b2, stepSize: Scalar(learningRate / (1 - pow(beta1, t))),
                             rootCorrection2: Scalar((1 - pow(beta2, t)).squareRoot()), eps: Scalar(epsilon))
    let sparse = self.sparse
    parameters.withUnsafeMutableBufferPointer { p in
      gradient.withUnsafeBufferPointer { g in
        firstMoment.withUnsafeMutableBufferPointer { m in
          secondMoment.withUnsafeMutableBufferPointer { v in
            let count = p.count
            guard count > 0 else { return }
            let p = DisjointOutput(base: p.baseAddress!), g = SharedInput(base: g.baseAddress!)
            let m = DisjointOutput(base: m.baseAddress!), v = DisjointOutput(base: v.baseAddress!)
            RowBlocks.forEach(rows: count, count: threads) { range in
              if !sparse && Scalar.self == Float.self {
                func float<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
                  UnsafeMutableRawPointer(pointer + range.lowerBound).assumingMemoryBound(to: Float.self)
                }
                let floats = StepCoefficients(b1: Float(c.b1), c1: Float(c.c1), b2: Float(c.b2), c2: Float(c.c2), stepSize: Float(c.stepSize),
                                              rootCorrection2: Float(c.rootCorrection2), eps: Float(c.eps))
                Self.denseFloatStep(parameters: float(p.base), gradient: float(UnsafeMutablePointer(mutating: g.base)),
                                    firstMoment: float(m.base), secondMoment: float(v.base), count: range.count, floats)
                return
              }
              for i in range where !sparse || g.base[i] != 0 {
                c.step(i, parameters: p.base, gradient: g.base, firstMoment: m.base, secondMoment: v.base)
              }
            }
          }
        }
      }
    }
  }
}
