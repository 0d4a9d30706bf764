/// The exact per-point lasso (nonnegative or signed) by a primal active-set method on the Gram
/// matrix (Lawson–Hanson, THEORY §5.8), without allocation: the fast path of ``SparseEncoder``.
///
/// The signed problem is the nonnegative one over the doubled atoms {+d_k, −d_k}; a support entry
/// is an (atom, sign) pair. Between outer steps z is the exact minimiser on its support P (z_P > 0,
/// ∇_P = 0) and the atoms of P are linearly independent, so the objective strictly decreases and
/// no support repeats. The active Gram is factorised incrementally (``GrowingCholesky``).
///
/// `solve` returns `false` when the point needs the reference solver (``NonnegativeLasso``, with
/// its recession steps): an entering atom in the span of the support, or a rounding failure of
/// the entry test. Not thread-safe: each worker owns a kernel.
final class ActiveSetKernel {
  private let problem: GramProblem
  private let cholesky: GrowingCholesky
  private let smoothGradient: UnsafeMutablePointer<Double>  // u = G z − c, length K
  private let blocked: UnsafeMutablePointer<Double>  // +∞ on the support, 0 elsewhere; length K
  private let values: UnsafeMutablePointer<Double>  // z on the support, factor order
  private let target: UnsafeMutablePointer<Double>  // the least-squares solution s on the support
  private let rhs: UnsafeMutablePointer<Double>

  /// A kernel for `problem`; supports never exceed `supportCapacity` atoms (min(K, m) suffices).
  init(problem: GramProblem, supportCapacity: Int) {
    self.problem = problem
    let k = problem.atomCount
    let capacity = max(1, min(k, supportCapacity))
    cholesky = GrowingCholesky(capacity: capacity)
    smoothGradient = .allocate(capacity: k)
    blocked = .allocate(capacity: k)
    values = .allocate(capacity: capacity)
    target = .allocate(capacity: capacity)
    rhs = .allocate(capacity: capacity)
  }

  deinit {
    smoothGradient.deallocate()
    blocked.deallocate()
    values.deallocate()
    target.deallocate()
    rhs.deallocate()
  }

  /// Writes the optimal code for correlations `c` (length K) into `codes` (length K).
  /// Returns `false` when the point must go to the reference solver (`codes` is then undefined).
  func solve(correlations c: UnsafePointer<Double>, into codes: UnsafeMutablePointer<Double>) -> Bool {
    let k = problem.atomCount, gram = problem.gram
    let signed = problem.constraint == .signed
    var largest = 0.0
    for a in 0..<k {
      smoothGradient[a] = -c[a]
      blocked[a] = 0
      largest = max(largest, abs(c[a]))
    }
    let tolerance = 1e-14 * max(1, largest)
    cholesky.removeAll()
    for _ in 0..<(10 * k + 100) {
      let entering = mostViolating(above: tolerance, signed: signed)
      guard entering >= 0 else {
        writeCodes(into: codes)
        return true
      }
      let sign: Double = smoothGradient[entering] > 0 ? -1 : 1
      let position = cholesky.count
      guard cholesky.append(atom: entering, sign: sign, gram: gram, atomCount: k) else { return false }
      values[position] = 0
      blocked[entering] = .infinity
      guard solveOnSupport(correlations: c, enteringPosition: position) else { return false }
      updateSmoothGradient(correlations: c)
    }
    return false
  }

  /// The entering atom: the first off-support atom with the largest excess (|u_a| or −u_a) − λ
  /// above `tolerance`, or −1. Four independent running maxima keep the comparison chain short;
  /// ties go to the lowest index, as in a single ascending scan.
  @inline(__always)
  private func mostViolating(above tolerance: Double, signed: Bool) -> Int {
    let k = problem.atomCount, lambda = problem.lambda
    var best = (tolerance, tolerance, tolerance, tolerance)
    var index = (-1, -1, -1, -1)
    @inline(__always) func excess(_ a: Int) -> Double {
      (signed ? abs(smoothGradient[a]) : -smoothGradient[a]) - lambda - blocked[a]
    }
    var a = 0
    while a + 4 <= k {
      let e0 = excess(a), e1 = excess(a + 1), e2 = excess(a + 2), e3 = excess(a + 3)
      if e0 > best.0 { best.0 = e0; index.0 = a }
      if e1 > best.1 { best.1 = e1; index.1 = a + 1 }
      if e2 > best.2 { best.2 = e2; index.2 = a + 2 }
      if e3 > best.3 { best.3 = e3; index.3 = a + 3 }
      a += 4
    }
    while a < k {
      let e = excess(a)
      if e > best.0 { best.0 = e; index.0 = a }
      a += 1
    }
    var winner = index.0, value = best.0
    @inline(__always) func consider(_ candidate: Int, _ candidateValue: Double) {
      guard candidate >= 0 else { return }
      if candidateValue > value || (candidateValue == value && (winner < 0 || candidate < winner)) {
        winner = candidate
        value = candidateValue
      }
    }
    consider(index.1, best.1)
    consider(index.2, best.2)
    consider(index.3, best.3)
    return winner
  }

  /// The Lawson–Hanson inner loop: solves G_PP s = q_P and walks from z toward s while keeping
  /// z ≥ 0, dropping atoms that reach zero, until s > 0 on the whole support; then z_P = s.
  private func solveOnSupport(correlations c: UnsafePointer<Double>, enteringPosition: Int) -> Bool {
    let lambda = problem.lambda
    var entering = enteringPosition
    while cholesky.count > 0 {
      let p = cholesky.count
      for i in 0..<p { rhs[i] = cholesky.signs[i] * c[cholesky.atoms[i]] - lambda }
      cholesky.solve(rhs, into: target)
      var alpha = 1.0
      var blocking = -1
      for i in 0..<p where target[i] <= 0 {
        let denominator = values[i] - target[i]  // ≥ 0; 0 only for an entering atom with s = 0
        let limit = denominator > 0 ? values[i] / denominator : 0
        if limit <= alpha { alpha = limit; blocking = i }
      }
      guard blocking >= 0 else {
        for i in 0..<p { values[i] = target[i] }
        return true
      }
      if blocking == entering && alpha == 0 { return false }  // the entry test failed by rounding
      for i in 0..<p { values[i] = max(0, values[i] + alpha * (target[i] - values[i])) }
      values[blocking] = 0
      var kept = 0
      var newEntering = -1
      for i in 0..<p {
        if values[i] > 0 {
          if i == entering { newEntering = kept }
          kept += 1
        } else {
          blocked[cholesky.atoms[i]] = 0
        }
      }
      let previous = values
      guard cholesky.retain(where: { previous[$0] > 0 }, gram: problem.gram, atomCount: problem.atomCount) else { return false }
      kept = 0
      for i in 0..<p where values[i] > 0 {
        values[kept] = values[i]
        kept += 1
      }
      entering = newEntering
    }
    return true
  }

  /// u = G z − c from scratch: u_a = −c_a + Σ_{j ∈ P} s_j z_j G[a_j, a] (G is symmetric), two
  /// rows of G per pass over u.
  private func updateSmoothGradient(correlations c: UnsafePointer<Double>) {
    let k = problem.atomCount, p = cholesky.count
    var j = 0
    if p % 2 == 1 {
      let weight = cholesky.signs[0] * values[0], row = problem.gram + cholesky.atoms[0] * k
      for a in 0..<k { smoothGradient[a] = weight * row[a] - c[a] }
      j = 1
    } else {
      for a in 0..<k { smoothGradient[a] = -c[a] }
    }
    while j < p {
      let w0 = cholesky.signs[j] * values[j], r0 = problem.gram + cholesky.atoms[j] * k
      let w1 = cholesky.signs[j + 1] * values[j + 1], r1 = problem.gram + cholesky.atoms[j + 1] * k
      for a in 0..<k { smoothGradient[a] += w0 * r0[a] + w1 * r1[a] }
      j += 2
    }
  }

  private func writeCodes(into codes: UnsafeMutablePointer<Double>) {
    codes.update(repeating: 0, count: problem.atomCount)
    for j in 0..<cholesky.count { codes[cholesky.atoms[j]] = cholesky.signs[j] * values[j] }
  }
}
