import LabNumerics

/// Cyclic coordinate descent on the nonnegative lasso codes of a whole data set, keeping the
/// residual up to date (THEORY §5.8, step 1).
///
/// One sweep visits k = 1…K in order and, for every point n, sets
/// z_nk ← max(z_nk + d_kᵀr_n − λ, 0) (signed codes: the soft threshold of z_nk + d_kᵀr_n at λ) and
/// updates r_n; each update is the exact minimiser in z_nk because the atoms have unit norm. Every
/// sweep lowers L_λ or leaves it unchanged.
public enum CoordinateDescent {
  /// Runs up to `maxSweeps` sweeps on `codes` (`N × K`) and `residual` (`N × m`), in place.
  /// Stops early when the largest change of a code in a sweep is below `tolerance`, or before the
  /// next atom once `deadline` has passed (codes and residual then still match: every update
  /// keeps r_n = x_n − b − Σ_k z_nk d_k). Returns the number of sweeps begun.
  @discardableResult
  public static func sweep(codes: inout Matrix<Double>, residual: inout Matrix<Double>, dictionary: Matrix<Double>,
                           lambda: Double, maxSweeps: Int, tolerance: Double = 1e-13,
                           constraint: CodeConstraint = .nonnegative, deadline: LearningDeadline? = nil) -> Int {
    let signed = constraint == .signed
    let n = codes.rows, k = codes.columns, m = dictionary.columns
    precondition(residual.rows == n && residual.columns == m && dictionary.rows == k,
                 "Coordinate descent shapes: Z \(n)×\(k), R \(residual.rows)×\(residual.columns), D \(dictionary.rows)×\(m).")
    let atoms = dictionary.storage
    var z = codes.storage
    var r = residual.storage
    var done = 0
    sweeps: for _ in 0..<maxSweeps {
      done += 1
      var largestChange = 0.0
      for atom in 0..<k {
        if let deadline, deadline.hasPassed { break sweeps }
        let a = atom * m
        for point in 0..<n {
          let rp = point * m
          var correlation = 0.0
          for i in 0..<m { correlation += atoms[a + i] * r[rp + i] }
          let old = z[point * k + atom]
          let u = old + correlation
          let new = signed ? (u > lambda ? u - lambda : (u < -lambda ? u + lambda : 0)) : max(u - lambda, 0)
          if new != old {
            let delta = new - old
            for i in 0..<m { r[rp + i] -= delta * atoms[a + i] }
            z[point * k + atom] = new
            largestChange = max(largestChange, abs(delta))
          }
        }
      }
      if largestChange < tolerance { break }
    }
    codes.storage = z
    residual.storage = r
    return done
  }
}
