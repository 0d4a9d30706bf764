import LabSolvers

/// The pair condition (PC_{i→j}) of THEORY Theorem 4.2 in the modified-response form of
/// Corollary 4.3, for one ordered pair: i is the donor, j the silent feature.
///
/// With ẑ_in = 1 − z_in / z̄_i (z̄_i the mean over all N points) and B_j = {n : z_jn ≤ τ},
/// H_{i|j} = [min_{B_j} ẑ_in, max_{B_j} ẑ_in]. With a free bias the test is
/// c_ij ∈ H_{i|j} (±1e-9); without a bias it is the conic form: c_ij = 1 or some n ∈ B_j has
/// z_in > τ. B_j = ∅ fails and reports no hull.
public struct PairCondition: Codable, Sendable, Equatable {
  /// Donor feature index (0-based).
  public var i: Int
  /// Silent feature index (0-based).
  public var j: Int
  /// c_ij = d_iᵀd_j.
  public var cosine: Double
  /// Lower end of H_{i|j}, `nil` when B_j is empty.
  public var hullLow: Double?
  /// Upper end of H_{i|j}, `nil` when B_j is empty.
  public var hullHigh: Double?
  /// Whether (PC_{i→j}) holds.
  public var pass: Bool

  /// Creates a pair record.
  public init(i: Int, j: Int, cosine: Double, hullLow: Double?, hullHigh: Double?, pass: Bool) {
    self.i = i
    self.j = j
    self.cosine = cosine
    self.hullLow = hullLow
    self.hullHigh = hullHigh
    self.pass = pass
  }

  /// Tolerance on the hull ends (THEORY §4.2, pair report).
  public static let hullTolerance = 1e-9

  /// Every ordered pair (i, j), i ≠ j, with both features used (Z_i > 0, Z_j > 0), in row-major order.
  public static func all(in problem: SparseCodingProblem, activityThreshold tau: Double = 0) -> [PairCondition] {
    let z = problem.codes, d = problem.dictionary
    let n = z.rows, k = z.columns
    let mass = (0..<k).map { atom in (0..<n).reduce(0.0) { $0 + z[$1, atom] } }
    var pairs: [PairCondition] = []
    for i in 0..<k where mass[i] > 0 {
      for j in 0..<k where j != i && mass[j] > 0 {
        let cosine = zip(d.row(i), d.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
        let silent = (0..<n).filter { z[$0, j] <= tau }
        guard !silent.isEmpty else {
          pairs.append(PairCondition(i: i, j: j, cosine: cosine, hullLow: nil, hullHigh: nil, pass: false))
          continue
        }
        let mean = mass[i] / Double(n)
        let modified = silent.map { 1 - z[$0, i] / mean }
        let low = modified.min()!, high = modified.max()!
        let pass = problem.hasBias
          ? (low - hullTolerance <= cosine && cosine <= high + hullTolerance)
          : (cosine == 1 || silent.contains { z[$0, i] > tau })
        pairs.append(PairCondition(i: i, j: j, cosine: cosine, hullLow: low, hullHigh: high, pass: pass))
      }
    }
    return pairs
  }
}
