extension SAEKernel {
  /// The elementwise passes of ``SAEKernel`` over the B×F codes, one row at a time (a row stays in
  /// the L1 cache between the passes that read it). Each loop is written so that the compiler
  /// vectorises it: no early exits, no `&&`, a select whose result is both stored and accumulated
  /// (a select that is only stored becomes a branch, and a conditional count becomes a branch that
  /// stops the vectoriser), and at most four arrays per loop (more need more run-time overlap checks
  /// than the vectoriser allows).

  /// `z_i ← (z_i + bias_i) if that exceeds `levels_i`, else 0`, and `sums_i += z_i`, for one row of
  /// `width` pre-activations: ReLU with every level 0, JumpReLU with the levels max(θ_i, 0).
  static func thresholdRow<Scalar: BinaryFloatingPoint>(
    _ z: UnsafeMutablePointer<Scalar>, bias: UnsafePointer<Scalar>, levels: UnsafePointer<Scalar>, width: Int,
    sums: UnsafeMutablePointer<Scalar>
  ) {
    for i in 0..<width {
      let v = z[i] + bias[i]
      let code = v > levels[i] ? v : 0
      z[i] = code
      sums[i] += code
    }
  }

  /// `sums_i += z_i` for one row of codes.
  static func addRow<Scalar: BinaryFloatingPoint>(_ z: UnsafePointer<Scalar>, width: Int, to sums: UnsafeMutablePointer<Scalar>) {
    for i in 0..<width { sums[i] += z[i] }
  }

  /// For one row of codes (each ≥ 0): `counts_i += 1` where z_i > 0, and `minimums_i` lowered to z_i
  /// where 0 < z_i < minimums_i. The batch's active count and smallest positive code are their
  /// total and minimum, found once per batch instead of once per entry.
  static func tallyRow<Scalar: BinaryFloatingPoint>(
    _ z: UnsafePointer<Scalar>, width: Int, counts: UnsafeMutablePointer<Int32>, minimums: UnsafeMutablePointer<Scalar>
  ) {
    for i in 0..<width {
      let code = z[i], on = code > 0
      counts[i] &+= on ? 1 : 0
      let candidate = on ? code : Scalar.infinity
      minimums[i] = candidate < minimums[i] ? candidate : minimums[i]
    }
  }

  /// Appends to `window` the latents i of one row whose pre-activation (before `b_enc`) lies in
  /// (low_i, high_i) — the rectangle kernel's support — and returns the new count. The comparison is
  /// made in `Double`, as the pseudo-gradient's definition reads. Without a branch: every index is
  /// written at the end and kept by counting it (at initialisation a fifth of the entries are in the
  /// support, at random, which a branch mispredicts); `window` needs room for every entry of the batch.
  static func recordWindow<Scalar: BinaryFloatingPoint>(
    pre: UnsafePointer<Scalar>, width: Int, low: UnsafePointer<Double>, high: UnsafePointer<Double>,
    window: UnsafeMutablePointer<Int32>, count: Int
  ) -> Int {
    var count = count
    for i in 0..<width {
      let h = Double(pre[i])
      let inside = unsafeBitCast(h > low[i], to: UInt8.self) & unsafeBitCast(h < high[i], to: UInt8.self)
      window[count] = Int32(truncatingIfNeeded: i)
      count &+= Int(inside)
    }
    return count
  }

  /// ∂u = (∂z + `weightedNorm`·norms_i) ⊙ act'(z) in place for one row, with act' = [z > 0], or
  /// (1 − z²)[z > 0] with `tanhDerivative`; `encoderBiasGradient_i += ∂u_i`.
  static func maskRow<Scalar: BinaryFloatingPoint>(
    _ dz: UnsafeMutablePointer<Scalar>, codes z: UnsafePointer<Scalar>, norms: UnsafePointer<Scalar>, weightedNorm: Scalar, width: Int,
    tanhDerivative: Bool, encoderBiasGradient: UnsafeMutablePointer<Scalar>
  ) {
    if tanhDerivative {
      for i in 0..<width {
        let code = z[i]
        let d = (dz[i] + weightedNorm * norms[i]) * (1 - code * code)
        let masked = code > 0 ? d : 0
        dz[i] = masked
        encoderBiasGradient[i] += masked
      }
    } else {
      for i in 0..<width {
        let code = z[i]
        let d = dz[i] + weightedNorm * norms[i]
        let masked = code > 0 ? d : 0
        dz[i] = masked
        encoderBiasGradient[i] += masked
      }
    }
  }
}

extension ActivationRule {
  /// The levels of a rule that keeps `h` where `h > level_i` (ReLU: 0; JumpReLU: max(θ_i, 0)), for
  /// `width` latents; nil for the other rules.
  func thresholdLevels<Scalar: BinaryFloatingPoint>(width: Int) -> [Scalar]? {
    switch self {
    case .relu: return Array(repeating: 0, count: width)
    case .jumpReLU(let thresholds), .trainedJumpReLU(let thresholds, _):
      // h > θ_i and h > 0 ⟺ h > max(θ_i, 0).
      return (0..<width).map { Swift.max(0, Scalar(thresholds.count == 1 ? thresholds[0] : thresholds[$0])) }
    case .topK, .batchTopK, .tanhReLU, .matchingPursuit: return nil
    }
  }
}
