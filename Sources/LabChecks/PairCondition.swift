import LabSolvers

/// The pair condition (PC_{i→j}) of THEORY Theorem 4.2 in the modified-response form of
/// Corollary 4.3, for one ordered pair: i is the donor, j the silent feature.
///
/// With ẑ_in = 1 − z_in / z̄_i (z̄_i the mean over all N points) and B_j = {n : z_jn ≤ τ},
/// H_{i|j} = [min_{B_j} ẑ_in, max_{B_j} ẑ_in]. With a free bias the test is
/// c_ij ∈ H_{i|j} (±1e-9); without a bias it is the conic form: c_ij = 1 or some n ∈ B_j has
/// z_in > τ. B_j = ∅ fails and reports no hull.
///
/// Signed codes (THEORY Theorem 4.7): the test is the zonotope condition, hull ends `nil`, and
/// `zonotopeExcess` is the best first-order decrease rate of ‖Z‖₁ under the pair move (see
/// ``signed(i:j:in:activityThreshold:)``); it fails when that is > 10⁻⁹.
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
  /// Signed codes only: the pair move's best decrease rate of ‖Z‖₁ (≤ 0 up to rounding when it holds).
  public var zonotopeExcess: Double?

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
    if problem.isSigned {
      let used = (0..<problem.codes.columns).filter { problem.mass(of: $0) > 0 }
      return used.flatMap { i in used.filter { $0 != i }.map { j in signed(i: i, j: j, in: problem, activityThreshold: tau) } }
    }
    let z = problem.codes, d = problem.dictionary
    let n = z.rows, k = z.columns
    let mass = (0..<k).map { atom in (0..<n).reduce(0.0) { $0 + z[$1, atom] } }
    var pairs: [PairCondition] = []
    for i in 0..<k where mass[i] > 0 {
      for j in 0..<k where j != i && mass[j] > 0 {
        let silent = (0..<n).filter { z[$0, j] <= tau }.map { z[$0, i] }
        let statistics = SilentStatistics(count: silent.count, minimum: silent.min() ?? .infinity, maximum: silent.max() ?? -.infinity,
                                          active: silent.contains { $0 > tau })
        pairs.append(PairCondition(i: i, j: j, cosine: zip(d.row(i), d.row(j)).reduce(0) { $0 + $1.0 * $1.1 },
                                   donorMean: mass[i] / Double(n), silent: statistics, hasBias: problem.hasBias))
      }
    }
    return pairs
  }

  /// What the test needs of the donor's codes z_in on B_j = {n : z_jn ≤ τ}.
  public struct SilentStatistics: Sendable, Equatable {
    /// |B_j|.
    public var count: Int
    /// min and max of z_in over B_j (±∞ when B_j is empty).
    public var minimum: Double, maximum: Double
    /// Whether some n ∈ B_j has z_in > τ.
    public var active: Bool

    /// The statistics of B_j.
    public init(count: Int, minimum: Double, maximum: Double, active: Bool) {
      self.count = count
      self.minimum = minimum
      self.maximum = maximum
      self.active = active
    }
  }

  /// The pair record from the cosine, the donor's mean z̄_i over all N points and its codes on B_j:
  /// H_{i|j} = [1 − max/z̄_i, 1 − min/z̄_i]; with a bias pass iff c_ij ∈ H (±10⁻⁹), without iff
  /// c_ij = 1 or i is active somewhere on B_j; B_j = ∅ fails with no hull.
  public init(i: Int, j: Int, cosine: Double, donorMean: Double, silent: SilentStatistics, hasBias: Bool) {
    guard silent.count > 0 else {
      self.init(i: i, j: j, cosine: cosine, hullLow: nil, hullHigh: nil, pass: false)
      return
    }
    let low = 1 - silent.maximum / donorMean, high = 1 - silent.minimum / donorMean
    let pass = hasBias
      ? (low - Self.hullTolerance <= cosine && cosine <= high + Self.hullTolerance)
      : (cosine == 1 || silent.active)
    self.init(i: i, j: j, cosine: cosine, hullLow: low, hullHigh: high, pass: pass)
  }

  /// The signed pair condition of Theorem 4.7 for donor i and silent j. With T = c_ij‖z_i‖₁ − Σ_{A_j} s_jn z_in
  /// and σ = Σ_{A_j} s_jn, the pair move with rotation a and bias shift β changes ‖Z‖₁ at the rate
  /// aT − βσ + Σ_{B_j} |β + a z_in|. Without a bias (β = 0) the best decrease is |T| − Σ_{B_j} |z_in|.
  /// With a bias it is the largest of |σ| − |B_j| (a = 0, β = ±1) and, for a = ±1, the maximum over β of
  /// −aT + σβ − Σ_{B_j} |β + a z_in|, a concave piecewise-linear function attained at a breakpoint
  /// β = −a z_in. The rate's sign is that of the signed pair LP's value (``StarProgram``).
  public static func signed(i: Int, j: Int, in problem: SparseCodingProblem, activityThreshold tau: Double = 0) -> PairCondition {
    let z = problem.codes
    let (signSum, targets) = problem.signedTargets(receiver: j, donors: [i], threshold: tau)
    let target = targets[0]
    let silent = (0..<z.rows).filter { !problem.isActive($0, j, threshold: tau) }.map { z[$0, i] }
    var excess: Double
    if problem.hasBias {
      excess = abs(signSum) - Double(silent.count)
      for a in [1.0, -1.0] {
        let breaks = silent.map { -a * $0 }.sorted()
        if breaks.isEmpty { excess = max(excess, -a * target); continue }
        let total = breaks.reduce(0, +)
        var below = 0.0  // Σ of the breakpoints before position `index`
        for (index, beta) in breaks.enumerated() {
          let spread = beta * Double(index) - below + (total - below - beta) - beta * Double(breaks.count - index - 1)
          excess = max(excess, -a * target + signSum * beta - spread)
          below += beta
        }
      }
    } else {
      excess = abs(target) - silent.reduce(0) { $0 + abs($1) }
    }
    var pair = PairCondition(i: i, j: j, cosine: problem.cosine(i, j), hullLow: nil, hullHigh: nil,
                             pass: excess <= StarProgram.failureTolerance)
    pair.zonotopeExcess = excess
    return pair
  }
}
