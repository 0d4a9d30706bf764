import LabNumerics

/// The nonnegative L1 dictionary-learning objective of THEORY §2.1 (problem P⁺_λ),
/// in the lab's file layout:
///
///     L_λ(D, b, Z) = ½ Σ_n ‖x_n − b − Σ_k z_nk d_k‖² + λ Σ_{n,k} z_nk
///
/// `samples` X is `N × m` (rows are samples), `dictionary` D is `K × m` (rows are unit-norm
/// atoms), `codes` Z is `N × K`, and `bias` b has length `m` or is `nil` when the problem has no
/// free bias. The loss is summed over points, not averaged (THEORY §5.2 conventions).
/// With `constraint == .signed` it is the signed problem P^±_λ: Z is unrestricted and the penalty
/// is λ Σ |z_nk|.
public struct SparseCodingProblem: Sendable {
  /// The data X, `N × m`.
  public var samples: Matrix<Double>
  /// The dictionary D, `K × m`, rows of unit norm.
  public var dictionary: Matrix<Double>
  /// The free decoder bias b (length m), or `nil` for the problem without bias.
  public var bias: [Double]?
  /// The codes Z, `N × K`.
  public var codes: Matrix<Double>
  /// The L1 weight λ > 0.
  public var lambda: Double
  /// Nonnegative codes (P⁺_λ, the default) or signed codes (P^±_λ).
  public var constraint: CodeConstraint

  /// Creates the problem; shapes must agree.
  public init(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, codes: Matrix<Double>, lambda: Double,
              constraint: CodeConstraint = .nonnegative) {
    precondition(dictionary.columns == samples.columns && codes.rows == samples.rows && codes.columns == dictionary.rows
      && (bias?.count ?? samples.columns) == samples.columns,
      "Inconsistent shapes: X \(samples.rows)×\(samples.columns), D \(dictionary.rows)×\(dictionary.columns), Z \(codes.rows)×\(codes.columns), b \(bias?.count ?? 0).")
    self.samples = samples
    self.dictionary = dictionary
    self.bias = bias
    self.codes = codes
    self.lambda = lambda
    self.constraint = constraint
  }

  /// Whether the codes are signed (problem P^±_λ).
  public var isSigned: Bool { constraint == .signed }

  /// ‖Z‖₁ = Σ |z_nk| (Σ z_nk for nonnegative codes), the penalty's sum and the verdict's mass.
  public var codeMass: Double { codes.storage.reduce(0) { $0 + abs($1) } }

  /// Whether the bias is a free variable of the problem (THEORY §5.3: a supplied b, even 0, is free).
  public var hasBias: Bool { bias != nil }

  /// The samples with the bias removed, `x_n − b` (`N × m`).
  public var centredSamples: Matrix<Double> { Self.subtractingBias(bias, from: samples) }

  /// The residuals r_n = x_n − b − Σ_k z_nk d_k, `N × m`.
  public var residual: Matrix<Double> { centredSamples - codes * dictionary }

  /// L_λ(D, b, Z) (penalty λΣ|z| for signed codes).
  public var loss: Double {
    let r = residual
    return 0.5 * r.storage.reduce(0) { $0 + $1 * $1 } + lambda * (isSigned ? codeMass : codes.storage.reduce(0, +))
  }

  /// `x_n − b` for every row; the samples themselves when `bias` is `nil`.
  public static func subtractingBias(_ bias: [Double]?, from samples: Matrix<Double>) -> Matrix<Double> {
    guard let bias else { return samples }
    // Work on a local array: element writes through `Matrix.storage` (an observed property of
    // another module) copy the whole array each time, which made this quadratic in N·m.
    let m = samples.columns
    var centred = samples.storage
    for n in 0..<samples.rows {
      for i in 0..<m { centred[n * m + i] -= bias[i] }
    }
    return Matrix(rows: samples.rows, columns: m, storage: centred)
  }
}
