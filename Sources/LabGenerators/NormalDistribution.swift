import RealModule

/// The standard normal distribution's CDF and quantile, used for Gaussian-copula thresholds.
public enum NormalDistribution {
  /// `Φ(x) = ½·erfc(−x/√2)` (libm's `erfc` through swift-numerics).
  public static func cdf(_ x: Double) -> Double {
    0.5 * Double.erfc(-x / 2.0.squareRoot())
  }

  /// `Φ⁻¹(p)` for `0 < p < 1`: Acklam's rational approximation (relative error 1.15e−9) refined by
  /// two Halley steps on `Φ(x) − p`, which brings it to within a few ulps of the exact quantile.
  /// Returns `−∞` for `p = 0` and `+∞` for `p = 1`.
  public static func quantile(_ p: Double) -> Double {
    precondition(p >= 0 && p <= 1, "quantile needs p in [0, 1], got \(p).")
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
             -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
             -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
             4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    let low = 0.02425
    var x: Double
    if p < low {
      let q = (-2 * Double.log(p)).squareRoot()
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    } else if p <= 1 - low {
      let q = p - 0.5, r = q * q
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    } else {
      let q = (-2 * Double.log(onePlus: -p)).squareRoot()
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    for _ in 0..<2 {
      // Φ(x) − p, computed through the smaller tail (for x > 0, p > ½ and 1 − p is exact).
      let e = x > 0 ? (1 - p) - 0.5 * Double.erfc(x / 2.0.squareRoot()) : cdf(x) - p
      let density = Double.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
      let u = e / density
      x -= u / (1 + 0.5 * x * u)
    }
    return x
  }

  /// `Φ⁻¹(1 − p) = −Φ⁻¹(p)`, the threshold a standard normal exceeds with probability `p`,
  /// computed without forming `1 − p`.
  public static func upperQuantile(_ p: Double) -> Double {
    -quantile(p)
  }

  /// Grid of the upper-tail table: `Φ̄` at `a = −8 + k/64`, `k = 0…1024`.
  private static let tailTable: [Double] = (0...1024).map { 0.5 * Double.erfc((-8 + Double($0) / 64) / 2.0.squareRoot()) }

  /// Whether `u < Φ̄(a) = 1 − Φ(a)`, exactly (up to `erfc`'s rounding).
  ///
  /// `Φ̄` is decreasing, so on a grid cell `[a_k, a_{k+1}]` the answer is yes when
  /// `u < Φ̄(a_{k+1})` and no when `u ≥ Φ̄(a_k)`; only in between (probability at most
  /// `φ(a)/64 < 0.7%`) is `Φ̄(a)` computed. Outside `[−8, 8]` it is always computed.
  @inline(__always)
  public static func upperTailExceeds(_ a: Double, _ u: Double) -> Bool {
    let position = (a + 8) * 64
    if position >= 0 && position < 1024 {
      let k = Int(position)
      if u < tailTable[k + 1] { return true }
      if u >= tailTable[k] { return false }
    }
    return u < 0.5 * Double.erfc(a / 2.0.squareRoot())
  }
}
