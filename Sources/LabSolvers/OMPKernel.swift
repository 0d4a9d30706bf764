/// Per-point orthogonal matching pursuit (Pati, Rezaiifar & Krishnaprasad 1993) on the Gram
/// matrix, signed codes: up to `activeCount` atoms, each step adds the atom most correlated with
/// the residual and refits all coefficients by least squares (incremental Cholesky).
///
/// It stops early when the residual is orthogonal to every atom (to rounding) or when the next
/// atom is in the span of the chosen ones. Below the coherence bound k < (1 + 1/μ)/2 it recovers
/// every exactly k-sparse code (Tropp 2004). Not thread-safe: each worker owns a kernel.
final class OMPKernel {
  private let gram: UnsafePointer<Double>
  private let atomCount: Int
  private let activeCount: Int
  private let cholesky: GrowingCholesky
  private let residualCorrelations: UnsafeMutablePointer<Double>  // D r = c − G z
  private let chosen: UnsafeMutablePointer<Bool>
  private let rhs: UnsafeMutablePointer<Double>
  private let coefficients: UnsafeMutablePointer<Double>

  /// A kernel choosing at most `activeCount` of the `atomCount` atoms of `gram` (K × K, row-major).
  init(gram: UnsafePointer<Double>, atomCount: Int, activeCount: Int) {
    precondition(activeCount >= 1 && activeCount <= atomCount, "OMP needs 1 ≤ k ≤ K, got k = \(activeCount), K = \(atomCount).")
    self.gram = gram
    self.atomCount = atomCount
    self.activeCount = activeCount
    cholesky = GrowingCholesky(capacity: activeCount)
    residualCorrelations = .allocate(capacity: atomCount)
    chosen = .allocate(capacity: atomCount)
    rhs = .allocate(capacity: activeCount)
    coefficients = .allocate(capacity: activeCount)
  }

  deinit {
    residualCorrelations.deallocate()
    chosen.deallocate()
    rhs.deallocate()
    coefficients.deallocate()
  }

  /// Writes the code for correlations `c` into `codes` (both length K).
  func solve(correlations c: UnsafePointer<Double>, into codes: UnsafeMutablePointer<Double>) {
    let k = atomCount
    var largest = 0.0
    for a in 0..<k {
      residualCorrelations[a] = c[a]
      chosen[a] = false
      largest = max(largest, abs(c[a]))
    }
    let floor = 1e-13 * max(1, largest)
    cholesky.removeAll()
    for _ in 0..<activeCount {
      var best = -1
      var bestValue = floor
      for a in 0..<k where !chosen[a] && abs(residualCorrelations[a]) > bestValue {
        best = a
        bestValue = abs(residualCorrelations[a])
      }
      guard best >= 0, cholesky.append(atom: best, sign: 1, gram: gram, atomCount: k) else { break }
      chosen[best] = true
      let p = cholesky.count
      for i in 0..<p { rhs[i] = c[cholesky.atoms[i]] }
      cholesky.solve(rhs, into: coefficients)
      for a in 0..<k { residualCorrelations[a] = c[a] }
      for i in 0..<p {
        let weight = coefficients[i], row = gram + cholesky.atoms[i] * k
        for a in 0..<k { residualCorrelations[a] -= weight * row[a] }
      }
    }
    codes.update(repeating: 0, count: k)
    for i in 0..<cholesky.count { codes[cholesky.atoms[i]] = coefficients[i] }
  }
}
