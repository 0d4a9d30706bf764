import LabNumerics

/// How good codes are for a fixed dictionary (and bias): the objective, the code part of the KKT
/// residual and the duality gap of every point's lasso, in the sum units of THEORY §2.1.
///
/// With r_n = x_n − b − Σ_k z_nk d_k and q_nk = d_kᵀ r_n:
/// * (K1)  max( max_{z_nk > 0} |λ − q_nk|, max_{z_nk = 0} (q_nk − λ)₊ ) for nonnegative codes, and
///   (K1±) max( max_{z_nk ≠ 0} |λ sign z_nk − q_nk|, max_{z_nk = 0} (|q_nk| − λ)₊ ) for signed
///   codes (THEORY §3.2, Theorems 3.1–3.2); a negative code in the nonnegative problem counts as +∞;
/// * the duality gap P(z_n) − (⟨v_n, θ_n⟩ − ½‖θ_n‖²) ≥ 0, v_n = x_n − b, at the dual-feasible point
///   θ_n = s·r_n, s = min(1, λ / max_k q_nk) (max_k |q_nk| for signed codes). It is 0 exactly at the
///   optimum, and bounds the distance of the point's objective from the optimal one.
public struct CodeOptimality: Sendable, Equatable, Codable {
  /// Σ_n ½‖r_n‖² + λ‖z_n‖₁.
  public var objective: Double
  /// The largest (K1) / (K1±) violation over all points and atoms.
  public var maxKKTViolation: Double
  /// The largest per-point duality gap.
  public var maxDualityGap: Double
  /// The mean number of nonzero codes per point.
  public var meanL0: Double
  /// N.
  public var pointCount: Int

  /// The objective per point, `objective / pointCount`.
  public var meanObjective: Double { pointCount == 0 ? 0 : objective / Double(pointCount) }

  /// Rows measured at once: the residual and correlation blocks stay a few MB whatever N is, so
  /// the measurement streams at BLAS speed instead of faulting in N × K arrays (whose page
  /// clearing cost more than the coding itself in `lab encode` at N = 20,000, K = 256).
  static let blockRows = 1024

  /// Measures `codes` (`N × K`) for `samples` (`N × m`), `dictionary` (`K × m`), `bias` (length m or `nil`).
  public init(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, codes: Matrix<Double>, lambda: Double,
              constraint: CodeConstraint) {
    self.init(samples: samples, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda, constraint: constraint, continuing: nil)
  }

  /// The measure of the points measured in `previous` (nil: none) followed by these: bit for bit
  /// what one call on all of them gives, so a data set can be measured a block of rows at a time.
  public init(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, codes: Matrix<Double>, lambda: Double,
              constraint: CodeConstraint, continuing previous: CodeOptimality?) {
    let n = samples.rows, k = dictionary.rows, m = dictionary.columns
    var objective = previous?.objective ?? 0, worstKKT = previous?.maxKKTViolation ?? 0, worstGap = previous?.maxDualityGap ?? 0
    // meanL0 is a count over pointCount, both exact in a Double: the product recovers the count.
    var nonzeros = previous.map { Int(($0.meanL0 * Double($0.pointCount)).rounded()) } ?? 0
    var first = 0
    while first < n {
      let rows = min(Self.blockRows, n - first)
      let block = Matrix(rows: rows, columns: m, storage: Array(samples.storage[(first * m)..<((first + rows) * m)]))
      let centred = SparseCodingProblem.subtractingBias(bias, from: block)
      let blockCodes = Matrix(rows: rows, columns: k, storage: Array(codes.storage[(first * k)..<((first + rows) * k)]))
      let residual = centred - blockCodes * dictionary
      let correlations = residual.multiplied(by: dictionary, transposingOther: true)
      let r = residual.storage, v = centred.storage, zs = blockCodes.storage, qs = correlations.storage
      for point in 0..<rows {
        var squared = 0.0, inner = 0.0, l1 = 0.0, largest = 0.0
        for i in 0..<m {
          let ri = r[point * m + i]
          squared += ri * ri
          inner += v[point * m + i] * ri
        }
        for a in 0..<k {
          let z = zs[point * k + a], q = qs[point * k + a]
          l1 += abs(z)
          if z != 0 { nonzeros += 1 }
          let violation: Double
          switch (constraint, z) {
          case (.nonnegative, ..<0): violation = .infinity
          case (_, 0): violation = max((constraint == .signed ? abs(q) : q) - lambda, 0)
          default: violation = abs(lambda * (z > 0 ? 1 : -1) - q)
          }
          worstKKT = max(worstKKT, violation)
          largest = max(largest, constraint == .signed ? abs(q) : q)
        }
        let primal = 0.5 * squared + lambda * l1
        let scale = largest > lambda ? lambda / largest : 1
        let dual = scale * inner - 0.5 * scale * scale * squared
        objective += primal
        worstGap = max(worstGap, primal - dual)
      }
      first += rows
    }
    self.objective = objective
    maxKKTViolation = worstKKT
    maxDualityGap = worstGap
    let total = n + (previous?.pointCount ?? 0)
    meanL0 = total == 0 ? 0 : Double(nonzeros) / Double(total)
    pointCount = total
  }
}
