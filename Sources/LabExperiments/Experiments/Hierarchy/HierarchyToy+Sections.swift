extension HierarchyToy {
  /// Prediction 17: the absorption path of Proposition 6.2 in the exact problem P⁺₀, on the toy's
  /// world (at its angle) without a bias.
  public struct Absorption: Codable, Equatable, Sendable {
    /// Points of the path's world (the toy world's fractions and magnitudes).
    public var sampleCount: Int
    /// The path is measured at θ = θmax·s/angles, s = 1…angles.
    public var angles: Int

    /// The path setting of prediction 17.
    public init(sampleCount: Int = 60, angles: Int = 8) {
      self.sampleCount = sampleCount
      self.angles = angles
    }
  }

  /// Prediction 19: the mop-up pull on a dog atom and the tilt of a single trained atom (Props 6.5, 6.6):
  /// in m = 2, no bias, `parentOnlyCount` points (a, 0) and `withChildCount` points (a, c).
  public struct MopUp: Codable, Equatable, Sendable {
    /// The L1 weight λ.
    public var lambda: Double
    /// Points (a, 0).
    public var parentOnlyCount: Int
    /// Points (a, c).
    public var withChildCount: Int
    /// a is uniform on this interval.
    public var parentMagnitude: [Double]
    /// c is uniform on this interval.
    public var childMagnitude: [Double]

    /// The setting of prediction 19.
    public init(lambda: Double = 0.1, parentOnlyCount: Int = 200, withChildCount: Int = 100,
                parentMagnitude: [Double] = [0.5, 1.5], childMagnitude: [Double] = [0.3, 1]) {
      self.lambda = lambda
      self.parentOnlyCount = parentOnlyCount
      self.withChildCount = withChildCount
      self.parentMagnitude = parentMagnitude
      self.childMagnitude = childMagnitude
    }
  }

  /// Prediction 18's random hierarchical datasets: the toy world with a random child angle,
  /// independent child magnitudes, Gaussian noise, a bias on every other dataset (the first has one),
  /// trained from the ground truth at the toy's λ.
  public struct RandomDatasets: Codable, Equatable, Sendable {
    /// Number of datasets.
    public var count: Int
    /// The child angle α is uniform on this interval, in degrees.
    public var angleDegrees: [Double]
    /// Standard deviation of the noise added to every coordinate.
    public var noise: Double

    /// The setting of prediction 18.
    public init(count: Int = 6, angleDegrees: [Double] = [50, 130], noise: Double = 0.01) {
      self.count = count
      self.angleDegrees = angleDegrees
      self.noise = noise
    }
  }

  /// Problems with the sections added after the first toy format, each naming the field and the value.
  func sectionProblems() -> [String] {
    var check = ToyProblems()
    check.count("absorption.sampleCount", absorption.sampleCount, 10...10_000)
    check.count("absorption.angles", absorption.angles, 1...100)
    check.positive("mopUp.lambda", mopUp.lambda)
    check.count("mopUp.parentOnlyCount", mopUp.parentOnlyCount, 0...100_000)
    check.count("mopUp.withChildCount", mopUp.withChildCount, 1...100_000)
    check.count("randomDatasets.count", randomDatasets.count, 0...100)
    var found = check.found
    func interval(_ name: String, _ v: [Double], low: Double, high: Double) {
      if v.count != 2 || !(v[0] > low && v[0] <= v[1] && v[1] < high) {
        found.append("'\(name)' must be [a, b] with \(Figures.format(low)) < a ≤ b < \(Figures.format(high)), got \(v)")
      }
    }
    interval("mopUp.parentMagnitude", mopUp.parentMagnitude, low: 0, high: .infinity)
    interval("mopUp.childMagnitude", mopUp.childMagnitude, low: 0, high: .infinity)
    interval("randomDatasets.angleDegrees", randomDatasets.angleDegrees, low: 0, high: 180)
    if !(randomDatasets.noise.isFinite && randomDatasets.noise >= 0) {
      found.append("'randomDatasets.noise' must be a finite number ≥ 0, got \(randomDatasets.noise)")
    }
    return found
  }
}
