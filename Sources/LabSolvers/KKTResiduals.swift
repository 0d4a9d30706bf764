import LabNumerics

/// The first-order (KKT) residuals of THEORY §3.2 for problem P⁺_λ, in the sum units of L_λ.
///
/// * K1 = max( max_{z_nk > τ} |λ − d_kᵀr_n|,  max_{z_nk ≤ τ} (d_kᵀr_n − λ)₊ )  — codes;
/// * K2 = max_{i,k} |(P_k Σ_n z_nk r_n)_i|, P_k = I − d_k d_kᵀ               — atoms;
/// * K3 = max_i |Σ_n r_{n,i}|  (0 without a free bias)                          — bias.
///
/// For signed codes (P^±_λ, Theorem 3.2) K1 is (K1±): max( max_{|z_nk| > τ} |λ sign z_nk − d_kᵀr_n|,
/// max_{|z_nk| ≤ τ} (|d_kᵀr_n| − λ)₊ ); K2 and K3 are unchanged.
public struct KKTResiduals: Sendable, Equatable, Codable {
  /// Code condition (K1).
  public var codes: Double
  /// Atom condition (K2).
  public var atoms: Double
  /// Bias condition (K3).
  public var bias: Double
  /// max(K1, K2, K3), "the KKT residual".
  public var maximum: Double { max(codes, atoms, bias) }

  /// Creates residuals from their three parts.
  public init(codes: Double, atoms: Double, bias: Double) {
    self.codes = codes
    self.atoms = atoms
    self.bias = bias
  }

  /// Measures (K1)–(K3) at `problem`, with activity threshold `tau` (THEORY §5.1).
  public init(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0) {
    let residual = problem.residual
    let d = problem.dictionary, z = problem.codes, lambda = problem.lambda
    let correlations = residual.multiplied(by: d, transposingOther: true)  // N × K: d_kᵀ r_n
    var k1 = 0.0
    for index in 0..<z.storage.count {
      let c = correlations.storage[index], code = z.storage[index]
      if problem.isSigned {
        k1 = max(k1, abs(code) > tau ? abs(lambda * (code > 0 ? 1 : -1) - c) : max(abs(c) - lambda, 0))
      } else {
        k1 = max(k1, code > tau ? abs(lambda - c) : max(c - lambda, 0))
      }
    }
    let weighted = z.multiplied(by: residual, transposingSelf: true)  // K × m: Σ_n z_nk r_n
    var k2 = 0.0
    for atom in 0..<d.rows {
      let u = weighted.row(atom), dk = d.row(atom)
      let along = zip(u, dk).reduce(0) { $0 + $1.0 * $1.1 }
      for i in 0..<d.columns { k2 = max(k2, abs(u[i] - along * dk[i])) }
    }
    var k3 = 0.0
    if problem.hasBias {
      for i in 0..<residual.columns { k3 = max(k3, abs(residual.column(i).reduce(0, +))) }
    }
    self.init(codes: k1, atoms: k2, bias: k3)
  }
}
