import LabNumerics
import LabSolvers

/// The corrected curve of THEORY Proposition 3.8, which realises a LIN direction y = (Δ, δb, W) of the
/// exact problem P⁺₀ at a feasible (D, b, Z) (X = b + ZD) as an exactly feasible curve:
///
///     D(t) = normalise(D + tΔ),  b(t) = b + t·δb,
///     e_n(t) = x_n − b(t) − D(t)ᵀ(z_n + t·w_n) = O(t²),
///     z_n(t) = z_n + t·w_n + q_n(t),  q_n(t) = D_{J_n}(t)⁺ e_n(t) supported on J_n = {k : z_kn > 0 or W_kn > 0}.
///
/// When the atoms of every J_n span the space of the data (the proposition's condition), D(t)ᵀz_n(t) =
/// x_n − b(t) exactly, the codes stay nonnegative for small t and Σ Z(t) = Σ Z + t Σ W + O(t²).
public enum RealisedLINCurve {
  /// The curve at one t.
  public struct Point: Sendable {
    /// (D(t), b(t), Z(t)) with the samples of the candidate.
    public var problem: SparseCodingProblem
    /// max_n ‖x_n − b(t) − D(t)ᵀz_n(t)‖∞: zero up to rounding when the curve is exactly feasible.
    public var reconstructionError: Double
    /// min over entries of Z(t) (≥ 0 when the codes stay feasible).
    public var smallestCode: Double
    /// Σ Z(t) − Σ Z.
    public var costChange: Double
  }

  /// The point of the curve at `t` for `direction` from `problem` (its samples are X; its λ is unused).
  /// Throws when some D_{J_n}(t) is rank deficient (the construction's spanning condition fails).
  public static func point(_ problem: SparseCodingProblem, along direction: PerturbationDirection, at t: Double) throws -> Point {
    let d = problem.dictionary, z = problem.codes, w = direction.codes
    let (k, m) = (d.rows, d.columns)
    var moved = problem
    for atom in 0..<k {
      let row = zip(d.row(atom), direction.atoms.row(atom)).map { $0 + t * $1 }
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      moved.dictionary.setRow(atom, to: row.map { $0 / norm })
    }
    if let bias = problem.bias { moved.bias = zip(bias, direction.bias).map { $0 + t * $1 } }
    let centred = SparseCodingProblem.subtractingBias(moved.bias, from: problem.samples)
    var error = 0.0
    for n in 0..<z.rows {
      var code = (0..<k).map { z[n, $0] + t * w[n, $0] }
      let support = (0..<k).filter { z[n, $0] > 0 || w[n, $0] > 0 }
      let e = Matrix(rows: m, columns: 1, storage: (0..<m).map { i in centred[n, i] - (0..<k).reduce(0) { $0 + code[$1] * moved.dictionary[$1, i] } })
      if !support.isEmpty {
        // A = D_J(t) as an m × |J| matrix (columns are atoms); q = A⁺e by least squares (|J| ≤ m) or minimum norm (|J| > m).
        let a = Matrix(rows: m, columns: support.count, storage: (0..<m).flatMap { i in support.map { moved.dictionary[$0, i] } })
        let q = support.count <= m
          ? try a.leastSquares(e)
          : a.multiplied(by: try a.multiplied(by: a, transposingOther: true).solvingPositiveDefinite(e), transposingSelf: true)
        for (position, atom) in support.enumerated() { code[atom] += q[position, 0] }
      }
      moved.codes.setRow(n, to: code)
      for i in 0..<m {
        let fit = (0..<k).reduce(0) { $0 + code[$1] * moved.dictionary[$1, i] }
        error = max(error, abs(centred[n, i] - fit))
      }
    }
    return Point(problem: moved, reconstructionError: error, smallestCode: moved.codes.storage.min() ?? 0,
                 costChange: moved.codes.storage.reduce(0, +) - z.storage.reduce(0, +))
  }
}
