/// Per-point FISTA (Beck & Teboulle 2009) on the Gram matrix (the lasso of ``GramProblem``),
/// with O'Donoghue & Candès' gradient restart, step 1/L for L ≥ λ_max(G).
///
/// The gradient at each iterate is recomputed from scratch over its nonzero entries (the iterates
/// are sparse), and the extrapolated point's gradient follows by linearity. It stops when the
/// iterate satisfies (K1) / (K1±) to `tolerance` or after `maxIterations`. Not thread-safe.
final class FISTAKernel {
  private let problem: GramProblem
  private let step: Double
  private let tolerance: Double
  private let maxIterations: Int
  private let current: UnsafeMutablePointer<Double>  // z_k
  private let extrapolated: UnsafeMutablePointer<Double>  // y_k
  private let gradientAtCurrent: UnsafeMutablePointer<Double>  // G z_k − c
  private let gradientAtExtrapolated: UnsafeMutablePointer<Double>  // G y_k − c

  /// A kernel with step `1 / lipschitz`, where `lipschitz` ≥ the largest eigenvalue of G.
  init(problem: GramProblem, lipschitz: Double, tolerance: Double, maxIterations: Int) {
    precondition(lipschitz > 0 && lipschitz.isFinite, "FISTA needs a finite Lipschitz constant > 0, got \(lipschitz).")
    self.problem = problem
    step = 1 / lipschitz
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    let k = problem.atomCount
    current = .allocate(capacity: k)
    extrapolated = .allocate(capacity: k)
    gradientAtCurrent = .allocate(capacity: k)
    gradientAtExtrapolated = .allocate(capacity: k)
  }

  deinit {
    current.deallocate()
    extrapolated.deallocate()
    gradientAtCurrent.deallocate()
    gradientAtExtrapolated.deallocate()
  }

  /// Writes the code for correlations `c` into `codes` (length K); returns whether it converged.
  func solve(correlations c: UnsafePointer<Double>, into codes: UnsafeMutablePointer<Double>) -> Bool {
    let k = problem.atomCount, threshold = step * problem.lambda
    current.update(repeating: 0, count: k)
    extrapolated.update(repeating: 0, count: k)
    for a in 0..<k { gradientAtCurrent[a] = -c[a]; gradientAtExtrapolated[a] = -c[a] }
    var t = 1.0
    var converged = false
    for _ in 0..<maxIterations {
      // z⁺ = prox(y − ∇/L); codes holds z⁺ until it becomes z.
      var restart = 0.0
      for a in 0..<k {
        let w = extrapolated[a] - step * gradientAtExtrapolated[a]
        let new: Double
        switch problem.constraint {
        case .nonnegative: new = max(w - threshold, 0)
        case .signed: new = w > threshold ? w - threshold : (w < -threshold ? w + threshold : 0)
        }
        codes[a] = new
        restart += (extrapolated[a] - new) * (new - current[a])
      }
      let tNext = restart > 0 ? 1 : (1 + (1 + 4 * t * t).squareRoot()) / 2
      let beta = restart > 0 ? 0 : (t - 1) / tNext
      t = tNext
      var worst = 0.0
      for a in 0..<k { extrapolated[a] = -c[a] }  // reused as the new gradient G z⁺ − c
      for j in 0..<k where codes[j] != 0 {
        let weight = codes[j], row = problem.gram + j * k
        for a in 0..<k { extrapolated[a] += weight * row[a] }
      }
      for a in 0..<k {
        let gradient = extrapolated[a]
        worst = max(worst, problem.violation(code: codes[a], smoothGradient: gradient))
        gradientAtExtrapolated[a] = gradient + beta * (gradient - gradientAtCurrent[a])
        gradientAtCurrent[a] = gradient
      }
      for a in 0..<k {
        extrapolated[a] = codes[a] + beta * (codes[a] - current[a])
        current[a] = codes[a]
      }
      if worst <= tolerance { converged = true; break }
    }
    codes.update(from: current, count: k)
    return converged
  }
}
