extension AdamOptimizer {
  /// The coefficients of one step: β₁, 1 − β₁, β₂, 1 − β₂, the step size lr/(1 − β₁ᵗ), √(1 − β₂ᵗ) and ε.
  struct StepCoefficients<Value: Sendable>: Sendable {
    var b1: Value, c1: Value, b2: Value, c2: Value, stepSize: Value, rootCorrection2: Value, eps: Value
  }

  /// The dense step on float32 in four-lane vectors, then one lane at a time for the tail. A scalar
  /// `squareRoot()` is compiled to a call of libm's `sqrtf` (which may set `errno`), and that call keeps
  /// the compiler from vectorising the loop; the vector square root is one instruction. The lanes
  /// compute the scalar step's operations in the same order, so the bytes are the same.
  static func denseFloatStep(
    parameters p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, firstMoment m: UnsafeMutablePointer<Float>,
    secondMoment v: UnsafeMutablePointer<Float>, count: Int, _ c: StepCoefficients<Float>
  ) {
    typealias Lanes = SIMD4<Float>
    func load(_ pointer: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self) }
    func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self) }
    var i = 0
    while i + 4 <= count {
      let gi = load(g + i)
      let mi = c.b1 * load(m + i) + c.c1 * gi
      let vi = c.b2 * load(v + i) + c.c2 * gi * gi
      store(mi, m + i)
      store(vi, v + i)
      store(load(p + i) - c.stepSize * mi / ((vi.squareRoot() / c.rootCorrection2) + c.eps), p + i)
      i += 4
    }
    while i < count {
      c.step(i, parameters: p, gradient: g, firstMoment: m, secondMoment: v)
      i += 1
    }
  }
}

extension AdamOptimizer.StepCoefficients where Value: BinaryFloatingPoint {
  /// The step of coordinate `i`: both moments, then the parameter (the scalar path, and the vector
  /// path's tail, whose lanes compute these operations in this order).
  @inline(__always)
  func step(_ i: Int, parameters p: UnsafeMutablePointer<Value>, gradient g: UnsafePointer<Value>,
            firstMoment m: UnsafeMutablePointer<Value>, secondMoment v: UnsafeMutablePointer<Value>) {
    let gi = g[i]
    let mi = b1 * m[i] + c1 * gi
    let vi = b2 * v[i] + c2 * gi * gi
    m[i] = mi
    v[i] = vi
    p[i] -= stepSize * mi / ((vi.squareRoot() / rootCorrection2) + eps)
  }
}
