import LabNumerics

/// The wide-dictionary limit of THEORY §8: the per-point lower bound h_λ(‖x − b‖) valid for every
/// unit-norm dictionary (Theorem 8.1), and the convex bias problem it leaves (Theorem 8.2),
///
///     W_λ(b) = Σ_n h_λ(‖x_n − b‖),  h_λ(ρ) = ρ²/2 (ρ ≤ λ), λρ − λ²/2 (ρ > λ),
///
/// a multivariate Huber location problem with ∇W_λ(b) = −Σ_n ψ_λ(x_n − b), ψ_λ(v) = v·min(1, λ/‖v‖).
/// As λ → 0, W_λ/λ → Σ‖x_n − b‖, whose minimiser is the geometric median.
public enum WideLimit {
  /// h_λ(ρ); with λ = 0 the exact problem's ρ.
  public static func huber(_ rho: Double, lambda: Double) -> Double {
    rho <= lambda ? 0.5 * rho * rho : lambda * rho - 0.5 * lambda * lambda
  }

  /// W_λ(b) (b = `nil`: no bias, b = 0).
  public static func bound(samples: Matrix<Double>, bias: [Double]?, lambda: Double) -> Double {
    let centred = SparseCodingProblem.subtractingBias(bias, from: samples)
    return (0..<centred.rows).reduce(0) { total, n in
      total + huber(centred.row(n).reduce(0) { $0 + $1 * $1 }.squareRoot(), lambda: lambda)
    }
  }

  /// The result of minimising W_λ.
  public struct Location: Sendable, Equatable {
    /// The minimiser b*.
    public var bias: [Double]
    /// ‖∇W_λ(b*)‖ = ‖Σ_n ψ_λ(x_n − b*)‖ (λ = 0: ‖Σ_n (x_n − b*)/‖x_n − b*‖‖).
    public var gradientNorm: Double
    /// W_λ(b*) (λ = 0: Σ‖x_n − b*‖).
    public var value: Double
    /// Newton iterations done.
    public var iterations: Int
  }

  /// Minimises W_λ from `start` by Newton's method with backtracking (W_λ is convex and C¹; its
  /// Hessian Σ_n [I if ‖v_n‖ ≤ λ, else (λ/‖v_n‖)(I − v_n v_nᵀ/‖v_n‖²)] exists off a null set).
  /// `lambda = 0` gives the geometric median. Stops when ‖∇W‖ ≤ 10⁻¹³·N·scale or after 200 steps.
  public static func location(samples x: Matrix<Double>, lambda: Double, start: [Double]) -> Location {
    let n = x.rows, m = x.columns
    let scale = max(1, x.storage.map(abs).max() ?? 0)
    func value(_ b: [Double]) -> Double {
      (0..<n).reduce(0) { total, point in
        let rho = zip(x.row(point), b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        return total + (lambda > 0 ? huber(rho, lambda: lambda) : rho)
      }
    }
    func gradientAndHessian(_ b: [Double]) -> (gradient: [Double], hessian: Matrix<Double>) {
      var gradient = [Double](repeating: 0, count: m)
      var hessian = Matrix<Double>(rows: m, columns: m)
      for point in 0..<n {
        let v = zip(x.row(point), b).map { $0 - $1 }
        let rho = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if lambda > 0 && rho <= lambda {
          for i in 0..<m { gradient[i] -= v[i]; hessian[i, i] += 1 }
        } else if rho > 0 {
          let weight = lambda > 0 ? lambda / rho : 1 / rho
          for i in 0..<m {
            gradient[i] -= weight * v[i]
            for j in 0..<m { hessian[i, j] += weight * ((i == j ? 1 : 0) - v[i] * v[j] / (rho * rho)) }
          }
        }
      }
      return (gradient, hessian)
    }
    var b = start
    var current = value(b)
    var iterations = 0
    var (gradient, hessian) = gradientAndHessian(b)
    while iterations < 200 {
      let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if norm <= 1e-13 * Double(n) * scale { break }
      iterations += 1
      for i in 0..<m { hessian[i, i] += 1e-12 * Double(n) }
      let step = (try? hessian.solvingPositiveDefinite(Matrix(rows: m, columns: 1, storage: gradient.map { -$0 })).storage)
        ?? gradient.map { -$0 / Double(n) }
      // Near the minimiser W changes by less than its own rounding; there the full step is taken when
      // it shrinks the gradient. Elsewhere: backtracking on W.
      var t = 1.0
      var trial = zip(b, step).map { $0 + t * $1 }
      var trialValue = value(trial)
      var next = gradientAndHessian(trial)
      let rounding = 1e-14 * abs(current)
      let shrinks = next.gradient.reduce(0) { $0 + $1 * $1 }.squareRoot() < norm
      if !(trialValue <= current + rounding && (trialValue < current || shrinks)) {
        while trialValue >= current && t > 1e-12 {
          t /= 2
          trial = zip(b, step).map { $0 + t * $1 }
          trialValue = value(trial)
        }
        if trialValue >= current { break }
        next = gradientAndHessian(trial)
      }
      b = trial
      current = trialValue
      (gradient, hessian) = next
    }
    return Location(bias: b, gradientNorm: gradient.reduce(0) { $0 + $1 * $1 }.squareRoot(), value: current, iterations: iterations)
  }
}
