import LabSolvers

/// The declarative description of the one-dimensional experiment (`toys/one-d.json`): THEORY §7
/// and Proposition 6.7, predictions 22–26.
public struct OneDToy: ExperimentToy {
  /// Predictions 22–23: x_n = offset + t_n·u with t lognormal.
  public struct Line: Codable, Equatable, Sendable {
    public var lambda: Double
    public var sampleCount: Int
    /// u before normalisation.
    public var direction: [Double]
    public var offset: [Double]
    /// t = exp(σξ).
    public var logSigma: Double
    /// Best of this many restarts (D⁽⁰⁾ with N(0, 1) entries, b⁽⁰⁾ = data mean): with a bias and K = 2,
    /// without a bias (data through the origin) and K = 2, and with a bias and K = 1. The K = 1 runs
    /// start from random directions and their negatives (``OneDExperiment/signedPairs(_:_:_:)``): a single
    /// atom started with a negative cosine to u ends at the worse one-sided optimum on −u, which 6
    /// independent draws all did in 5 of 100 seeds.
    public var restarts: Int, restartsWithoutBias: Int, singleAtomRestarts: Int
  }

  /// Prediction 24 (and 25): t = 0 on a fraction p of the points, else the quantile grid of U[low, high].
  public struct Transition: Codable, Equatable, Sendable {
    public var lambda: Double
    public var gridCount: Int
    public var gridRange: [Double]
    /// p is tested at p* − offset and p* + offset.
    public var offset: Double
    /// p*(λ) → 1/2 as λ → 0: checked at this λ.
    public var smallLambda: Double
    /// Runs from (u, −u) + initialNoise·ξ, and random restarts. At 0.3 the perturbed −u fired on no
    /// point and died in 9 of 150 draws (at p* − offset, where it must fire); at 0.1 in none.
    public var initialNoise: Double
    public var randomRestarts: Int
  }

  /// Prediction 26: points evenly spread on an arc of the unit circle, exact problem, no bias.
  public struct Arc: Codable, Equatable, Sendable {
    public var angleDegrees: Double
    public var sampleCount: Int
    public var sizes: [Int]
    /// Points on which the per-point formula is compared with the LP.
    public var formulaPoints: Int
    /// Sizes whose interior atoms are optimised numerically.
    public var optimisedSizes: [Int]
  }

  public var id: String
  /// Registered experiment kind; `one-d`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  public var line: Line
  public var transition: Transition
  public var arc: Arc
  public var training: BlockMinimization.Configuration

  public static let `default` = OneDToy(
    id: "one-d", kind: "one-d",
    title: "One-dimensional features: an antipodal pair around a robust centre, a dense/sparse transition, and equally spaced atoms on an arc",
    claim: "Theorem 7.1: for data on a line x_n = b₀ + t_n u with a free bias and K ≥ 2, the optimum is Σ_n H_λ(t_n − β*) with β* the Huber location, attained by the antipodal pair d = ±u, b = b₀ + β*u, z₊ = (t − β* − λ)₊, z₋ = (β* − t − λ)₊; without a bias and t > 0 one atom u fires on every point with t > λ. Claim 7.1′: with K = 1 the optimum is a one-sided Huber loss, worse than the pair. Proposition 7.2: when t = 0 on a fraction p of the points, −u fires iff p < p*(λ) = e_λ/(λ + e_λ), and p* → 1/2 as λ → 0. Proposition 6.7: a stationary point with a dead atom is detected by max_n ‖r_n‖ > λ. Theorem 7.3: on an arc the per-point exact cost is cos(φ − mid)/cos(gap/2), equal spacing is optimal and C*(K) = N tan(Δ/2)/(Δ/2).",
    seed: 20_261_203,
    line: Line(lambda: 0.1, sampleCount: 400, direction: [1, 2, -1], offset: [0.5, -0.2, 0.1], logSigma: 0.5,
               restarts: 8, restartsWithoutBias: 4, singleAtomRestarts: 6),
    transition: Transition(lambda: 0.4, gridCount: 400, gridRange: [0.5, 1.5], offset: 0.04, smallLambda: 1e-3, initialNoise: 0.1, randomRestarts: 4),
    arc: Arc(angleDegrees: 100, sampleCount: 2000, sizes: [2, 3, 4, 5, 8, 16], formulaPoints: 200, optimisedSizes: [4, 5]),
    training: BlockMinimization.Configuration())

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "one-d" { found.append("'kind' must be \"one-d\", got \"\(kind)\"") }
    var check = ToyProblems()
    check.positive("line.lambda", line.lambda)
    check.positive("line.logSigma", line.logSigma)
    check.count("line.sampleCount", line.sampleCount, 4...100_000)
    check.count("line.restarts", line.restarts, 1...100)
    check.count("line.restartsWithoutBias", line.restartsWithoutBias, 1...100)
    check.count("line.singleAtomRestarts", line.singleAtomRestarts, 1...100)
    if line.direction.count != 3 || !line.direction.allSatisfy(\.isFinite) || !line.direction.contains(where: { $0 != 0 }) { found.append("'line.direction' must be a nonzero finite vector of length 3 (the dead-atom case uses u × e₁), got \(line.direction)") }
    if line.offset.count != line.direction.count || !line.offset.allSatisfy(\.isFinite) { found.append("'line.offset' must be \(line.direction.count) finite numbers, got \(line.offset)") }
    check.positive("transition.lambda", transition.lambda)
    check.positive("transition.smallLambda", transition.smallLambda)
    check.count("transition.gridCount", transition.gridCount, 2...100_000)
    check.count("transition.randomRestarts", transition.randomRestarts, 0...100)
    if !(transition.offset > 0 && transition.offset < 0.5) { found.append("'transition.offset' must be in (0, 0.5), got \(transition.offset)") }
    if !(transition.initialNoise.isFinite && transition.initialNoise >= 0) { found.append("'transition.initialNoise' must be a finite number ≥ 0, got \(transition.initialNoise)") }
    let g = transition.gridRange
    if g.count != 2 || !(g[0] > 0 && g[0] < g[1] && g[1].isFinite) { found.append("'transition.gridRange' must be [low, high] with 0 < low < high, got \(g)") }
    if !(arc.angleDegrees > 0 && arc.angleDegrees < 180) { found.append("'arc.angleDegrees' must be in (0, 180), got \(arc.angleDegrees)") }
    check.count("arc.sampleCount", arc.sampleCount, 2...1_000_000)
    check.count("arc.formulaPoints", arc.formulaPoints, 1...100_000)
    if arc.sizes.count < 2 || !arc.sizes.allSatisfy({ (2...1000).contains($0) }) { found.append("'arc.sizes' must be at least two sizes in 2...1000, got \(arc.sizes)") }
    if !arc.optimisedSizes.allSatisfy({ (3...64).contains($0) }) { found.append("'arc.optimisedSizes' must be in 3...64, got \(arc.optimisedSizes)") }
    found += training.problems().map { "training: \($0)" }
    return check.found + found
  }
}
