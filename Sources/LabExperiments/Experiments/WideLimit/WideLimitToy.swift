import LabSolvers

/// The declarative description of the wide-limit experiment (`toys/wide-limit.json`): THEORY §8,
/// Theorems 8.1, 8.2, 8.5 and Proposition 8.4, predictions 27–29.
public struct WideLimitToy: ExperimentToy {
  /// Prediction 27: the ray dictionary and the convex bias problem, on Gaussian data.
  public struct Rays: Codable, Equatable, Sendable {
    public var lambda: Double
    public var sampleCount: Int
    /// x_n = offset + spread·ξ.
    public var offset: [Double]
    public var spread: Double
    /// Random starts of the convex bias problem (offset + spread·ξ).
    public var starts: Int
  }

  /// Prediction 28: equally spaced planar δ-nets (δ = π/K).
  public struct Nets: Codable, Equatable, Sendable {
    public var lambda: Double
    public var sampleCount: Int
    /// x_n = spread·ξ in ℝ².
    public var spread: Double
    public var sizes: [Int]
  }

  /// Prediction 29: points on equally spaced rays of the quarter plane, no bias.
  public struct Splitting: Codable, Equatable, Sendable {
    public var lambda: Double
    /// Rays at angles 0, (π/2)/(rays − 1), …, π/2.
    public var rays: Int
    public var pointsPerRay: Int
    public var magnitude: [Double]
    /// Dictionary sizes 1…maxAtoms are trained.
    public var maxAtoms: Int
    /// Runs per size initialised at distinct true rays (sizes ≤ rays), and runs at normalised |ξ|.
    public var trueRayRuns: Int
    public var randomRuns: Int
    /// Random dictionaries (normalised ξ) per size below the number of rays.
    public var randomDictionaries: Int
    public var training: BlockMinimization.Configuration
  }

  public var id: String
  /// Registered experiment kind; `wide-limit`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  public var rays: Rays
  public var nets: Nets
  public var splitting: Splitting

  public static let `default` = WideLimitToy(
    id: "wide-limit", kind: "wide-limit",
    title: "The wide-dictionary limit: one atom per ray, a universal shrinkage law, and splitting until every ray has an atom",
    claim: "Theorems 8.1–8.2: for every unit-norm dictionary ℓ_λ(D, b; x) ≥ h_λ(‖x − b‖); the infimum over all dictionaries is min_b W_λ(b) = Σ_n h_λ(‖x_n − b‖), a convex Huber location problem, attained by one atom per data ray with x̂_n = b* + (1 − λ/‖x_n − b*‖)₊(x_n − b*) and Σ_n r_n = 0; the exact limit is the geometric median. Proposition 8.4: a δ-net gives h_λ ≤ ℓ_λ ≤ h_{λ/cos δ}. Theorem 8.5: without bias L*(K) > W_λ(0) for K < R rays, L*(K + 1) < L*(K) for K < R, and L*(K) = W_λ(0) for K ≥ R.",
    seed: 20_261_202,
    rays: Rays(lambda: 0.1, sampleCount: 200, offset: [0.5, -0.2, 0.1], spread: 1, starts: 5),
    nets: Nets(lambda: 0.5, sampleCount: 300, spread: 2, sizes: [3, 4, 8, 16, 64]),
    splitting: Splitting(lambda: 0.05, rays: 5, pointsPerRay: 30, magnitude: [0.5, 1.5], maxAtoms: 6, trueRayRuns: 4, randomRuns: 4,
                         randomDictionaries: 50,
                         training: BlockMinimization.Configuration(sweepsPerIteration: 10, maxIterations: 3000)))

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "wide-limit" { found.append("'kind' must be \"wide-limit\", got \"\(kind)\"") }
    var check = ToyProblems()
    check.positive("rays.lambda", rays.lambda)
    check.positive("rays.spread", rays.spread)
    check.count("rays.sampleCount", rays.sampleCount, 2...2000)
    check.count("rays.starts", rays.starts, 1...100)
    if rays.offset.isEmpty || !rays.offset.allSatisfy(\.isFinite) { found.append("'rays.offset' must be finite numbers (one per dimension), got \(rays.offset)") }
    check.positive("nets.lambda", nets.lambda)
    check.positive("nets.spread", nets.spread)
    check.count("nets.sampleCount", nets.sampleCount, 1...100_000)
    if nets.sizes.isEmpty || !nets.sizes.allSatisfy({ (3...4096).contains($0) }) { found.append("'nets.sizes' must be in 3...4096 (δ = π/K < π/2), got \(nets.sizes)") }
    let s = splitting
    check.positive("splitting.lambda", s.lambda)
    check.count("splitting.rays", s.rays, 2...64)
    check.count("splitting.pointsPerRay", s.pointsPerRay, 1...10_000)
    check.count("splitting.maxAtoms", s.maxAtoms, 1...128)
    check.count("splitting.trueRayRuns", s.trueRayRuns, 0...100)
    check.count("splitting.randomRuns", s.randomRuns, 0...100)
    check.count("splitting.randomDictionaries", s.randomDictionaries, 0...10_000)
    if s.trueRayRuns + s.randomRuns == 0 { found.append("'splitting.trueRayRuns' and 'splitting.randomRuns' must not both be 0") }
    if s.magnitude.count != 2 || !(s.magnitude[0] > 0 && s.magnitude[0] <= s.magnitude[1] && s.magnitude[1].isFinite) { found.append("'splitting.magnitude' must be [low, high] with 0 < low ≤ high, got \(s.magnitude)") }
    found += s.training.problems().map { "splitting.training: \($0)" }
    return check.found + found
  }
}

extension WideLimitToy {
  /// `--quick`: a fifth of the random dictionaries per K below the number of rays (at least one
  /// when the full run has any); rays, nets and the training runs are those of the full run.
  public func quick() -> WideLimitToy {
    var toy = self
    toy.splitting.randomDictionaries = (splitting.randomDictionaries + 4) / 5
    return toy
  }
}
