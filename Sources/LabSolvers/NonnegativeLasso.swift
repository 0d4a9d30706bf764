import LabNumerics

/// Exact nonnegative lasso codes for a fixed dictionary, by a primal active-set method
/// (Lawson–Hanson style, THEORY §5.8).
///
/// For one point v = x − b it solves
///
///     min_{z ≥ 0}  ½‖v − Σ_k z_k d_k‖² + λ Σ_k z_k  =  ½ zᵀGz − (Dv − λ)ᵀz + const,
///
/// with G = D·Dᵀ. The support is kept linearly independent: when an entering atom is a linear
/// combination of the current support, a recession step moves along the null direction (the fit
/// is unchanged and the penalty strictly drops) until a support atom leaves. The answer satisfies
/// the KKT condition (K1) to about machine precision (Lawson & Hanson 1974, *Solving Least
/// Squares Problems*, ch. 23).
public struct NonnegativeLasso: Sendable {
  /// The dictionary D, `K × m`.
  public let dictionary: Matrix<Double>
  /// G = D·Dᵀ, `K × K`.
  public let gram: Matrix<Double>
  /// The L1 weight λ.
  public let lambda: Double

  /// Prepares the solver for a dictionary (rows are atoms) and λ ≥ 0.
  public init(dictionary: Matrix<Double>, lambda: Double) {
    self.init(dictionary: dictionary, gram: dictionary.rowGram(), lambda: lambda)
  }

  /// Prepares the solver with G = D·Dᵀ already computed (shared, not copied: K² numbers at K = 16,384 are 2 GB).
  init(dictionary: Matrix<Double>, gram: Matrix<Double>, lambda: Double) {
    precondition(lambda >= 0 && lambda.isFinite, "The lasso needs a finite λ ≥ 0, got \(lambda).")
    self.dictionary = dictionary
    self.gram = gram
    self.lambda = lambda
  }

  /// Codes for every row of `samples` (`N × m`) after subtracting `bias`; returns `N × K`.
  public func codes(for samples: Matrix<Double>, bias: [Double]?) -> Matrix<Double> {
    codes(for: samples, bias: bias, deadline: nil)!
  }

  /// As ``codes(for:bias:)``, or nil once `deadline` has passed (asked before every point).
  public func codes(for samples: Matrix<Double>, bias: [Double]?, deadline: LearningDeadline?) -> Matrix<Double>? {
    let correlations = SparseCodingProblem.subtractingBias(bias, from: samples)
      .multiplied(by: dictionary, transposingOther: true)
    var result = Matrix<Double>(rows: samples.rows, columns: dictionary.rows)
    for n in 0..<samples.rows {
      if let deadline, deadline.hasPassed { return nil }
      result.setRow(n, to: solve(correlations: correlations.row(n)))
    }
    return result
  }

  /// The optimal code for one point, given its correlations c = D·(x − b) with every atom.
  ///
  /// Invariant between outer steps: z is the exact minimiser on its support P (∇_P = 0, z_P > 0)
  /// and the atoms of P are linearly independent. Each outer step brings in the atom with the most
  /// negative gradient; the objective strictly decreases, so no support repeats and the loop ends.
  public func solve(correlations c: [Double]) -> [Double] {
    let k = gram.rows
    let q = c.map { $0 - lambda }
    var z = [Double](repeating: 0, count: k)
    var support: [Int] = []
    let tolerance = 1e-14 * max(1, q.map(abs).max() ?? 0)
    // Atoms whose entry failed by rounding (sub-problem value ≤ 0) since the support last changed.
    var rejected: Set<Int> = []
    for _ in 0..<(50 * k + 100) {
      let gradient = self.gradient(at: z, q: q)
      guard let entering = (0..<k).filter({ !support.contains($0) && !rejected.contains($0) && gradient[$0] < -tolerance })
        .min(by: { gradient[$0] < gradient[$1] }) else { break }
      let previous = (z, support)
      if let null = nullDirection(entering: entering, support: support) {
        guard recessionStep(z: &z, support: &support, entering: entering, null: null) else {
          rejected.insert(entering)
          continue
        }
      } else {
        support.append(entering)
      }
      guard solveOnSupport(z: &z, support: &support, q: q, entering: entering) else {
        (z, support) = previous
        rejected.insert(entering)
        continue
      }
      rejected.removeAll()
    }
    return z
  }

  /// ∇ = G z − q, summed over the nonzero entries of z in index order.
  private func gradient(at z: [Double], q: [Double]) -> [Double] {
    let k = gram.rows
    let active = (0..<k).filter { z[$0] != 0 }
    return gram.storage.withUnsafeBufferPointer { g in
      (0..<k).map { row in
        var sum = -q[row]
        for col in active { sum += g[row * k + col] * z[col] }
        return sum
      }
    }
  }

  /// When d_entering lies in the span of the support atoms, the coefficients u with
  /// d_entering = Σ u_i d_i; otherwise `nil`.
  private func nullDirection(entering: Int, support: [Int]) -> [Double]? {
    guard !support.isEmpty else { return nil }
    let sub = subGram(support)
    let rhs = Matrix(rows: support.count, columns: 1, storage: support.map { gram[$0, entering] })
    guard let u = try? sub.solvingPositiveDefinite(rhs) else { return nil }
    let projected = zip(support, u.storage).reduce(0) { $0 + gram[entering, $1.0] * $1.1 }
    let schur = gram[entering, entering] - projected
    return schur <= 1e-12 * gram[entering, entering] ? u.storage : nil
  }

  /// Moves along z_entering += α, z_support −= α·u (fit unchanged, penalty falls) until a support
  /// entry reaches 0; that atom leaves and the entering one joins, keeping the support independent.
  /// Returns false, changing nothing, when no entry blocks the move: impossible in exact arithmetic
  /// (the penalty falls only if some u_i > 0), it happens by rounding on nearly dependent atoms of
  /// extreme magnitude, and the entering atom is then rejected like a failed entry.
  private func recessionStep(z: inout [Double], support: inout [Int], entering: Int, null u: [Double]) -> Bool {
    var alpha = Double.infinity
    var leaving = -1
    for (position, index) in support.enumerated() where u[position] > 0 {
      let limit = z[index] / u[position]
      if limit < alpha { alpha = limit; leaving = index }
    }
    guard leaving >= 0 else { return false }
    for (position, index) in support.enumerated() { z[index] = max(0, z[index] - alpha * u[position]) }
    z[leaving] = 0
    z[entering] = alpha
    support.removeAll { $0 == leaving }
    support.append(entering)
    return true
  }

  /// The Lawson–Hanson inner loop: solves G_PP s = q_P and walks from z toward s while keeping
  /// z ≥ 0, dropping atoms that reach zero, until s > 0 on the whole support; then z_P = s.
  /// Returns `false` (and leaves z undefined) when `entering` cannot stay in the support — a
  /// rounding failure of the entry test, which the caller undoes.
  private func solveOnSupport(z: inout [Double], support: inout [Int], q: [Double], entering: Int) -> Bool {
    while !support.isEmpty {
      let rhs = Matrix(rows: support.count, columns: 1, storage: support.map { q[$0] })
      guard let s = try? subGram(support).solvingPositiveDefinite(rhs).storage else { return false }
      if s.allSatisfy({ $0 > 0 }) {
        for (position, index) in support.enumerated() { z[index] = s[position] }
        return true
      }
      // Step toward s until the first support entry with s_i ≤ 0 reaches zero (it leaves the support).
      var alpha = 1.0
      var blocking = -1
      for (position, index) in support.enumerated() where s[position] <= 0 {
        let limit = z[index] / (z[index] - s[position])
        if limit <= alpha { alpha = limit; blocking = index }
      }
      if blocking == entering && alpha == 0 { return false }
      for (position, index) in support.enumerated() { z[index] = max(0, z[index] + alpha * (s[position] - z[index])) }
      z[blocking] = 0
      support.removeAll { z[$0] == 0 }
    }
    return true
  }

  private func subGram(_ support: [Int]) -> Matrix<Double> {
    var sub = Matrix<Double>(rows: support.count, columns: support.count)
    for (a, i) in support.enumerated() {
      for (b, j) in support.enumerated() { sub[a, b] = gram[i, j] }
    }
    return sub
  }
}
