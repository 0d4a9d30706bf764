import LabSolvers

/// The declarative description of the exclusive experiment (`toys/exclusive.json`): THEORY §6.2,
/// Theorems 6.4 and 6.8, predictions 20 and 21.
public struct ExclusiveToy: ExperimentToy {
  /// A dictionary of exclusive rays; rows are atoms, normalised before use.
  public struct Dictionary: Codable, Equatable, Sendable {
    /// Short name used in check ids.
    public var name: String
    /// The atoms (rows; any nonzero length).
    public var atoms: [[Double]]
  }

  /// The exact-problem part of prediction 20.
  public struct Exact: Codable, Equatable, Sendable {
    /// Number of points N.
    public var sampleCount: Int
    /// Fraction of points with no feature (counted as ⌊fraction·N⌋).
    public var emptyFraction: Double
    /// Each other point has one feature, chosen uniformly, with a magnitude uniform on this interval.
    public var magnitude: [Double]
    /// Random exact star moves of (D, b) (``ExclusiveStarMoves``) tried with per-point LP re-solves, with a bias.
    public var perturbations: Int
    /// Their step τ (θ_i = τ·sin φ_i·a_i, |a_i| ≤ 1) is log-uniform on this interval; below 1.
    public var perturbationScale: [Double]
  }

  /// The λ > 0 part of prediction 20: train with a bias, then test.
  public struct Trained: Codable, Equatable, Sendable {
    /// The L1 weight λ.
    public var lambda: Double
    /// Number of points N.
    public var sampleCount: Int
    /// Standard deviation of the additive Gaussian noise on X.
    public var noise: Double
    /// Standard deviation of the Gaussian added to the atoms for the initial dictionary.
    public var initialNoise: Double
    /// Random perturbations tried with exact lasso codes.
    public var perturbations: Int
    /// Their geodesic angle is log-uniform on this interval (radians).
    public var perturbationScale: [Double]
    /// Block-minimisation options.
    public var training: BlockMinimization.Configuration
  }

  /// An exact counterexample of prediction 21: two exclusive features and a bias.
  public struct Counterexample: Codable, Equatable, Sendable {
    /// Short name used in check ids.
    public var name: String
    /// The two atoms (rows, unit norm after normalisation).
    public var atoms: [[Double]]
    /// Activity types (codes, count), as in the star toy.
    public var activityTypes: [StarToy.ActivityType]
    /// The end of H_{0|1} expected to fail.
    public var failingEnd: End
    /// Step lengths τ of the exact pair move.
    public var steps: [Double]

    /// An end of the raw pair inequality min_{B_1} z_0 ≤ (1 − c)z̄_0 ≤ max_{B_1} z_0, as toy files name it.
    public enum End: String, NamedCase {
      /// min_{B_1} z_0 ≤ (1 − c)z̄_0.
      case lower
      /// (1 − c)z̄_0 ≤ max_{B_1} z_0.
      case upper
    }
  }

  public var id: String
  /// Registered experiment kind; `exclusive`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  /// Dictionaries of exclusive rays.
  public var dictionaries: [Dictionary]
  public var exact: Exact
  public var trained: Trained
  public var counterexamples: [Counterexample]

  public static let `default` = ExclusiveToy(
    id: "exclusive", kind: "exclusive",
    title: "Mutually exclusive features are stable, and a bias adds two conditions",
    claim: "Theorem 6.4: let A_i ∩ A_j = ∅, both nonempty. (a) Without a bias both pair conditions always hold. (b) With a bias (PC_{i→j}) holds iff min_{B_j} z_i ≤ (1 − c_ij) z̄_i ≤ max_n z_in; the lower inequality holds automatically if some point has both features off, the upper one if c_ij ≥ 0. (d) Exclusive features on data rays are globally optimal under the conditions of Theorem 6.8. Two counterexamples show the conditions are needed: two exclusive clusters covering all points (the lower end fails) and obtuse atoms with a feature firing on 60 % of the points (the upper end fails); without a bias both configurations are globally optimal.",
    seed: 20_261_201,
    dictionaries: [
      Dictionary(name: "non-orthogonal", atoms: [[1, 0, 0], [0.3, 0.91.squareRoot(), 0], [-0.2, 0.5, 1]]),
      Dictionary(name: "overcomplete", atoms: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]),
    ],
    exact: Exact(sampleCount: 120, emptyFraction: 0.55, magnitude: [0.5, 1.5], perturbations: 300, perturbationScale: [1e-3, 0.3]),
    trained: Trained(lambda: 0.05, sampleCount: 300, noise: 0.01, initialNoise: 0.2, perturbations: 200,
                     perturbationScale: [1e-4, 1e-2], training: BlockMinimization.Configuration()),
    counterexamples: [
      Counterexample(name: "covering-clusters", atoms: [[1, 0], [0, 1]],
                     activityTypes: [.init(codes: [1, 0], count: 20), .init(codes: [0, 1], count: 20)],
                     failingEnd: .lower, steps: [0.05, 0.2, 0.5]),
      Counterexample(name: "obtuse", atoms: [[1, 0], [-0.8, 0.6]],
                     activityTypes: [.init(codes: [1, 0], count: 30), .init(codes: [0, 1], count: 10), .init(codes: [0, 0], count: 10)],
                     failingEnd: .upper, steps: [0.05, 0.2, 0.5]),
    ])

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "exclusive" { found.append("'kind' must be \"exclusive\", got \"\(kind)\"") }
    if dictionaries.isEmpty { found.append("'dictionaries' must not be empty") }
    for (index, dictionary) in dictionaries.enumerated() {
      let m = dictionary.atoms.first?.count ?? 0
      if dictionary.atoms.count < 2 || !dictionary.atoms.allSatisfy({ $0.count == m && $0.allSatisfy(\.isFinite) && $0.contains { $0 != 0 } }) {
        found.append("'dictionaries[\(index)].atoms' must be at least two nonzero finite rows of equal length, got \(dictionary.atoms)")
      }
    }
    func interval(_ name: String, _ values: [Double], positive: Bool) {
      if values.count != 2 || !values.allSatisfy(\.isFinite) || values[0] > values[1] || (positive && values[0] <= 0) {
        found.append("'\(name)' must be [low, high] with \(positive ? "0 < " : "")low ≤ high, got \(values)")
      }
    }
    if !(4...100_000).contains(exact.sampleCount) { found.append("'exact.sampleCount' must be in 4...100000, got \(exact.sampleCount)") }
    if !(exact.emptyFraction >= 0 && exact.emptyFraction < 1) { found.append("'exact.emptyFraction' must be in [0, 1), got \(exact.emptyFraction)") }
    interval("exact.magnitude", exact.magnitude, positive: true)
    interval("exact.perturbationScale", exact.perturbationScale, positive: true)
    if exact.perturbationScale.count == 2 && exact.perturbationScale[1] >= 1 {
      found.append("'exact.perturbationScale' must lie below 1 (a star move's angle must stay inside (−(π − φ), φ)), got \(exact.perturbationScale)")
    }
    interval("trained.perturbationScale", trained.perturbationScale, positive: true)
    if !(0...100_000).contains(exact.perturbations) { found.append("'exact.perturbations' must be in 0...100000, got \(exact.perturbations)") }
    if !(0...100_000).contains(trained.perturbations) { found.append("'trained.perturbations' must be in 0...100000, got \(trained.perturbations)") }
    if !(trained.lambda.isFinite && trained.lambda > 0) { found.append("'trained.lambda' must be a finite number > 0, got \(trained.lambda)") }
    if !(4...100_000).contains(trained.sampleCount) { found.append("'trained.sampleCount' must be in 4...100000, got \(trained.sampleCount)") }
    for (name, value) in [("trained.noise", trained.noise), ("trained.initialNoise", trained.initialNoise)] where !(value.isFinite && value >= 0) {
      found.append("'\(name)' must be a finite number ≥ 0, got \(value)")
    }
    found += trained.training.problems().map { "trained.training: \($0)" }
    for (index, example) in counterexamples.enumerated() {
      let place = "counterexamples[\(index)]"
      if example.atoms.count != 2 || example.atoms[0].count != example.atoms[1].count || !example.atoms.allSatisfy({ $0.contains { $0 != 0 } }) {
        found.append("'\(place).atoms' must be two nonzero rows of equal length, got \(example.atoms)")
      }
      if !example.activityTypes.allSatisfy({ $0.codes.count == 2 && $0.codes.allSatisfy { $0.isFinite && $0 >= 0 } && (1...100_000).contains($0.count) }) {
        found.append("'\(place).activityTypes' must have two finite codes ≥ 0 and a count in 1...100000 each")
      }
      if example.steps.isEmpty || !example.steps.allSatisfy({ $0.isFinite && $0 > 0 && $0 < 1 }) { found.append("'\(place).steps' must be numbers in (0, 1), got \(example.steps)") }
    }
    return found
  }
}

extension ExclusiveToy {
  /// `--quick`: a fifth of the random perturbations (at least one) in the exact and the trained
  /// part; the dictionaries, data, training and counterexamples are those of the full run, so
  /// every check tests the same claim on fewer random probes.
  public func quick() -> ExclusiveToy {
    var toy = self
    toy.exact.perturbations = (exact.perturbations + 4) / 5
    toy.trained.perturbations = (trained.perturbations + 4) / 5
    return toy
  }
}
