/// Per-point cyclic coordinate descent on the Gram matrix (the lasso of ``GramProblem``), with
/// glmnet-style active sweeps: after each full sweep over the K atoms, sweeps over the nonzero
/// codes only until they satisfy (K1) to `tolerance`; it stops when a full sweep finds every atom
/// within `tolerance` of (K1) / (K1±), measured on the gradient it keeps up to date.
///
/// Each update is the exact minimiser in one coordinate (the division by G_aa keeps it exact for
/// atoms whose norms are not exactly 1). Not thread-safe: each worker owns a kernel.
final class CoordinateDescentKernel {
  private let problem: GramProblem
  private let tolerance: Double
  private let maxSweeps: Int
  private let smoothGradient: UnsafeMutablePointer<Double>  // u = G z − c
  private let active: UnsafeMutablePointer<Int>

  /// A kernel that stops at (K1) ≤ `tolerance` or after `maxSweeps` sweeps (full or active).
  init(problem: GramProblem, tolerance: Double, maxSweeps: Int) {
    self.problem = problem
    self.tolerance = tolerance
    self.maxSweeps = maxSweeps
    smoothGradient = .allocate(capacity: problem.atomCount)
    active = .allocate(capacity: problem.atomCount)
  }

  deinit {
    smoothGradient.deallocate()
    active.deallocate()
  }

  /// Writes the code for correlations `c` into `codes` (both length K); returns whether it
  /// reached the tolerance within the sweep budget.
  func solve(correlations c: UnsafePointer<Double>, into z: UnsafeMutablePointer<Double>) -> Bool {
    let k = problem.atomCount
    for a in 0..<k { smoothGradient[a] = -c[a] }
    z.update(repeating: 0, count: k)
    var sweeps = 0
    while sweeps < maxSweeps {
      var activeCount = 0
      for a in 0..<k {
        update(a, z)
        if z[a] != 0 { active[activeCount] = a; activeCount += 1 }
      }
      sweeps += 1
      while sweeps < maxSweeps && violation(z, over: active, count: activeCount) > tolerance {
        for i in 0..<activeCount { update(active[i], z) }
        sweeps += 1
      }
      var worst = 0.0
      for a in 0..<k { worst = max(worst, problem.violation(code: z[a], smoothGradient: smoothGradient[a])) }
      if worst <= tolerance { return true }
    }
    return false
  }

  @inline(__always)
  private func update(_ a: Int, _ z: UnsafeMutablePointer<Double>) {
    let k = problem.atomCount
    let row = problem.gram + a * k
    let curvature = row[a]
    let old = z[a]
    let unconstrained = old - smoothGradient[a] / curvature
    let shrink = problem.lambda / curvature
    let new: Double
    switch problem.constraint {
    case .nonnegative: new = max(unconstrained - shrink, 0)
    case .signed: new = unconstrained > shrink ? unconstrained - shrink : (unconstrained < -shrink ? unconstrained + shrink : 0)
    }
    guard new != old else { return }
    z[a] = new
    let delta = new - old
    for j in 0..<k { smoothGradient[j] += delta * row[j] }
  }

  private func violation(_ z: UnsafeMutablePointer<Double>, over indices: UnsafeMutablePointer<Int>, count: Int) -> Double {
    var worst = 0.0
    for i in 0..<count {
      let a = indices[i]
      worst = max(worst, problem.violation(code: z[a], smoothGradient: smoothGradient[a]))
    }
    return worst
  }
}
