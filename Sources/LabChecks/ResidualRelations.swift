import LabNumerics
import LabSolvers

/// The feature–residual relations that hold at every stationary point, and the shrinkage bound
/// that holds for every dictionary with optimal codes.
///
/// * Mop-up (THEORY Proposition 6.5, R1): Σ_n z_nk r_n = λ Z_k d_k for every used atom. Reported
///   per atom as ‖Σ_n z_nk r_n − λ Z_k d_k‖ / (λ Z_k) (Z_k = ‖z_k‖₁ for signed codes, Theorem 3.2).
/// * Wide-limit bound (Theorem 8.3): ‖x̂_n − b‖ ≤ (‖x_n − b‖ − λ)₊ for every point.
public struct ResidualRelations: Codable, Sendable, Equatable {
  /// Per atom (0-based), ‖Σ_n z_nk r_n − λ Z_k d_k‖ / (λ Z_k); `nil` for unused atoms.
  public var mopUp: [Double?]
  /// max_n [‖x̂_n − b‖ − (‖x_n − b‖ − λ)₊]; ≤ 0 up to rounding when the codes are optimal.
  public var wideBoundExcess: Double
  /// The point attaining it.
  public var wideBoundPoint: Int

  /// Relations measured elsewhere (e.g. in one streaming pass).
  public init(mopUp: [Double?], wideBoundExcess: Double, wideBoundPoint: Int) {
    self.mopUp = mopUp
    self.wideBoundExcess = wideBoundExcess
    self.wideBoundPoint = wideBoundPoint
  }

  /// Measures the relations at `problem` with its codes as given.
  public init(_ problem: SparseCodingProblem) {
    let residual = problem.residual
    let z = problem.codes, d = problem.dictionary, lambda = problem.lambda
    let weighted = z.multiplied(by: residual, transposingSelf: true)  // K × m: Σ_n z_nk r_n
    mopUp = (0..<d.rows).map { atom in
      let mass = problem.isSigned ? problem.mass(of: atom) : z.column(atom).reduce(0, +)
      guard mass > 0 else { return nil }
      let gap = zip(weighted.row(atom), d.row(atom)).map { $0 - lambda * mass * $1 }
      return gap.reduce(0) { $0 + $1 * $1 }.squareRoot() / (lambda * mass)
    }
    let centred = problem.centredSamples
    let fit = z * d
    var worst = -Double.infinity, worstPoint = 0
    for n in 0..<centred.rows {
      let norm = centred.row(n).reduce(0) { $0 + $1 * $1 }.squareRoot()
      let fitted = fit.row(n).reduce(0) { $0 + $1 * $1 }.squareRoot()
      let excess = fitted - max(norm - lambda, 0)
      if excess > worst { worst = excess; worstPoint = n }
    }
    wideBoundExcess = centred.rows == 0 ? 0 : worst
    wideBoundPoint = worstPoint
  }
}
