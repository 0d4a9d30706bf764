/// The one-shot encoders of SAEs and of scikit-learn's `sparse_encode(algorithm="threshold")`,
/// on the correlations c = D·(x − b) of one point. They solve no optimisation problem; their lasso
/// KKT residual says how far they are from the lasso codes.
enum ThresholdEncoders {
  /// Soft thresholding: z_k = max(c_k − λ, 0), or sign(c_k)·max(|c_k| − λ, 0) for signed codes
  /// (the exact lasso code when the atoms are orthonormal).
  static func softThreshold(_ c: UnsafePointer<Double>, count k: Int, lambda: Double, constraint: CodeConstraint,
                            into codes: UnsafeMutablePointer<Double>) {
    for a in 0..<k {
      switch constraint {
      case .nonnegative: codes[a] = max(c[a] - lambda, 0)
      case .signed: codes[a] = c[a] > lambda ? c[a] - lambda : (c[a] < -lambda ? c[a] + lambda : 0)
      }
    }
  }

  /// TopK: keeps the `activeCount` largest correlations (largest in absolute value for signed
  /// codes; only positive ones for nonnegative codes), z_k = c_k there and 0 elsewhere. Ties go to
  /// the lower atom index, so the result is deterministic.
  static func topK(_ c: UnsafePointer<Double>, count k: Int, activeCount: Int, constraint: CodeConstraint,
                   into codes: UnsafeMutablePointer<Double>) {
    codes.update(repeating: 0, count: k)
    let score: (Double) -> Double = constraint == .signed ? { abs($0) } : { $0 }
    for _ in 0..<activeCount {
      var best = -1
      var bestScore = 0.0
      for a in 0..<k where codes[a] == 0 && score(c[a]) > bestScore {
        best = a
        bestScore = score(c[a])
      }
      guard best >= 0 else { return }
      codes[best] = c[best]
    }
  }
}
