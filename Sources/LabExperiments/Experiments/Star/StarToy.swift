/// The declarative description of the star experiment (`toys/star.json`): THEORY §4.3 and
/// prediction 14, a data set on which every pair condition holds but a star condition fails.
///
/// The data are exact: `atoms` (rows, unit norm) and a list of activity types, each repeated
/// `count` times; X = Z·D, and the problem has a free bias when `bias` is set (b = 0).
public struct StarToy: ExperimentToy {
  /// One activity type: a code vector and how many points have it.
  public struct ActivityType: Codable, Equatable, Sendable {
    /// The code z_n (length K, ≥ 0).
    public var codes: [Double]
    /// The number of points with these codes.
    public var count: Int
  }

  public var id: String
  /// Registered experiment kind; `star`.
  public var kind: String
  public var title: String
  public var claim: String
  /// Unused by the exact data; recorded for uniformity and kept for generated variants.
  public var seed: UInt64
  /// The dictionary, rows are atoms (unit norm).
  public var atoms: [[Double]]
  /// The activity types.
  public var activityTypes: [ActivityType]
  /// The receiver j of the star (0-based).
  public var receiver: Int
  /// The donors S (0-based).
  public var donors: [Int]
  /// Step lengths τ of the exact move.
  public var steps: [Double]

  public static let `default` = StarToy(
    id: "star", kind: "star",
    title: "A star condition can fail although every pair condition holds",
    claim: "Theorem 4.4 and §4.3: with a free bias, the star moves (j, S) admit no first-order descent iff ((1 − c_ij) z̄_i)_{i∈S} ∈ conv{(z_in)_{i∈S} : n ∈ B_j}. The star condition is strictly stronger than the collection of its pair conditions: on the five-type data set all six ordered pair conditions hold, but for the receiver j = 2 the target (0.7, 0.7) lies outside the triangle conv{(0,0), (1,0), (0,1)}; the star move (rotate d₀ and d₁ toward d₂, shift the bias by −d₂) lowers the exact cost with slope −40. (Atoms are numbered from 0, as everywhere in the lab; THEORY numbers them from 1.)",
    seed: 0,
    atoms: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    activityTypes: [
      ActivityType(codes: [0, 0, 0], count: 10), ActivityType(codes: [1, 0, 0], count: 15),
      ActivityType(codes: [0, 1, 0], count: 15), ActivityType(codes: [0, 0, 4], count: 5),
      ActivityType(codes: [1, 1, 0.5], count: 55),
    ],
    receiver: 2, donors: [0, 1], steps: [1e-2, 1e-3, 1e-4])

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "star" { found.append("'kind' must be \"star\", got \"\(kind)\"") }
    let k = atoms.count
    let m = atoms.first?.count ?? 0
    if k < 2 || m < 1 { found.append("'atoms' must hold at least two rows, got \(k)") }
    for (index, row) in atoms.enumerated() {
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if row.count != m || !(abs(norm - 1) <= 1e-9) { found.append("'atoms[\(index)]' must have \(m) entries and unit norm, got norm \(norm)") }
    }
    if activityTypes.isEmpty { found.append("'activityTypes' must not be empty") }
    for (index, type) in activityTypes.enumerated() {
      if type.codes.count != k || !type.codes.allSatisfy({ $0.isFinite && $0 >= 0 }) {
        found.append("'activityTypes[\(index)].codes' must be \(k) finite numbers ≥ 0, got \(type.codes)")
      }
      if !(1...100_000).contains(type.count) { found.append("'activityTypes[\(index)].count' must be in 1...100000, got \(type.count)") }
    }
    if !(0..<k).contains(receiver) { found.append("'receiver' must be in 0..<\(k), got \(receiver)") }
    if donors.count < 2 || Set(donors).count != donors.count || donors.contains(receiver) || !donors.allSatisfy({ (0..<k).contains($0) }) {
      found.append("'donors' must be at least two distinct atoms in 0..<\(k) other than the receiver, got \(donors)")
    }
    if steps.isEmpty || !steps.allSatisfy({ $0.isFinite && $0 > 0 && $0 < 0.1 }) { found.append("'steps' must be numbers in (0, 0.1), got \(steps)") }
    return found
  }
}
