import LabNumerics

/// A first-order perturbation y = (Δ, δb, W) of a candidate (D, b, Z), in the lab's layout:
/// `atoms` Δ is `K × m` (row k perturbs atom k), `bias` δb has length m (zeros without a bias),
/// `codes` W is `N × K`.
public struct PerturbationDirection: Sendable, Equatable {
  /// Δ, `K × m`.
  public var atoms: Matrix<Double>
  /// δb, length m.
  public var bias: [Double]
  /// W, `N × K`.
  public var codes: Matrix<Double>

  /// Creates a direction.
  public init(atoms: Matrix<Double>, bias: [Double], codes: Matrix<Double>) {
    self.atoms = atoms
    self.bias = bias
    self.codes = codes
  }
}

/// The column layout of the first-order LPs of THEORY §5.1: Δ_ik ↦ i + m·k, δb_i ↦ mK + i,
/// W_kn ↦ mK + m + k + K·n (0-based, column-major as in the reference code). The signed LPs split
/// each inactive W_kn into W⁺_kn − W⁻_kn (THEORY §5.2–5.3): W⁺_kn keeps the column above and W⁻_kn
/// gets a column after all of them, recorded in `negativeCodes`.
struct FirstOrderColumns {
  let m: Int, k: Int, n: Int
  /// Signed LPs: the W⁻ column of each split entry, keyed by k + K·n.
  var negativeCodes: [Int: Int] = [:]
  init(m: Int, k: Int, n: Int) {
    self.m = m
    self.k = k
    self.n = n
  }
  func atom(_ i: Int, _ atom: Int) -> Int { i + m * atom }
  func bias(_ i: Int) -> Int { m * k + i }
  func code(_ atom: Int, _ point: Int) -> Int { m * k + m + atom + k * point }
  var count: Int { m * k + m + k * n }

  /// Reads a direction back from an LP's primal vector.
  func direction(from x: [Double]) -> PerturbationDirection {
    var atoms = Matrix<Double>(rows: k, columns: m)
    for a in 0..<k { for i in 0..<m { atoms[a, i] = x[atom(i, a)] } }
    var codes = Matrix<Double>(rows: n, columns: k)
    for p in 0..<n {
      for a in 0..<k { codes[p, a] = x[code(a, p)] - (negativeCodes[a + k * p].map { x[$0] } ?? 0) }
    }
    return PerturbationDirection(atoms: atoms, bias: (0..<m).map { x[bias($0)] }, codes: codes)
  }
}
