import LabNumerics
import LabRandom

/// Correlated firing through a Gaussian copula (ANCHORS §3.6): draw `z ~ N(0, Σ)` with unit
/// diagonal and fire feature i when `zᵢ > τᵢ = Φ⁻¹(1 − pᵢ)`, so every marginal stays exactly pᵢ.
///
/// - `full`: Σ is the identity with the given `pairs` set symmetrically; if Σ has an eigenvalue
///   below −1e−6 it is made positive semi-definite by clipping eigenvalues at 1e−6 and rescaling
///   to a unit diagonal (as SAELens). `z = L·ε` with `L` the Cholesky factor.
/// - `low-rank`: `Σ = F Fᵀ + diag(δ)` with `F ~ N(0, scale²)^{F×rank}` and `δ = 1 − rowsum(F²)`;
///   any row whose δ would fall below 0.01 is rescaled so that δ = 0.01. `z = F·g + √δ ∘ ε`.
public struct CorrelationSpec: Codable, Equatable, Sendable {
  /// One prescribed correlation between two features.
  public struct Pair: Codable, Equatable, Sendable {
    /// The two feature indices.
    public var features: [Int]
    /// Their latent correlation, in (−1, 1).
    public var correlation: Double

    /// A pair.
    public init(features: [Int], correlation: Double) {
      self.features = features
      self.correlation = correlation
    }
  }

  /// `full` or `low-rank`.
  public var kind: String
  /// Full: the prescribed pairs.
  public var pairs: [Pair]?
  /// Low-rank: the rank.
  public var rank: Int?
  /// Low-rank: the standard deviation of the factor entries.
  public var scale: Double?

  /// The kinds.
  public static let kinds = ["full", "low-rank"]

  /// A specification.
  public init(kind: String, pairs: [Pair]? = nil, rank: Int? = nil, scale: Double? = nil) {
    self.kind = kind
    self.pairs = pairs
    self.rank = rank
    self.scale = scale
  }

  /// Problems with the specification, named under `field`.
  func problems(featureCount: Int, field: String) -> [ParameterProblem] {
    switch kind {
    case "full":
      var found: [ParameterProblem] = []
      if featureCount > 4096 { found.append(ParameterProblem(field, ": a full correlation needs featureCount <= 4096, got \(featureCount); use 'low-rank'")) }
      for (k, pair) in (pairs ?? []).enumerated() {
        if pair.features.count != 2 || !pair.features.allSatisfy({ (0..<featureCount).contains($0) }) || Set(pair.features).count != 2 {
          found.append(ParameterProblem("\(field).pairs[\(k)].features", mustBe: "two distinct indices in 0..<\(featureCount)", got: pair.features))
        }
        if !(pair.correlation > -1 && pair.correlation < 1) {
          found.append(ParameterProblem("\(field).pairs[\(k)].correlation", mustBe: "in (-1, 1)", got: pair.correlation))
        }
      }
      return found
    case "low-rank":
      var found: [ParameterProblem] = []
      if !(1...min(featureCount, 1024)).contains(rank ?? 0) {
        found.append(ParameterProblem("\(field).rank", mustBe: "in 1...\(min(featureCount, 1024))", got: rank))
      }
      if !((scale ?? -1) >= 0 && (scale ?? -1) <= 10) { found.append(ParameterProblem("\(field).scale", mustBe: "in [0, 10]", got: scale)) }
      return found
    default:
      return [ParameterProblem("\(field).kind", "is unknown: '\(kind)'. Did you mean '\(Nearest.name(to: kind, in: Self.kinds))'? Known: \(Self.kinds.joined(separator: ", "))")]
    }
  }

  /// The resolved latent model for `featureCount` features (low-rank factors drawn from the
  /// seed's `<path>/factor` stream).
  public func resolved(featureCount: Int, seeds: SeedTree, path: String) throws -> LatentGaussian {
    if kind == "low-rank" {
      let r = rank ?? 1, s = scale ?? 0
      var g = seeds.generator(for: "\(path)/factor")
      var factor = Matrix<Double>(rows: featureCount, columns: r)
      var diagonal = [Double](repeating: 0, count: featureCount)
      for i in 0..<featureCount {
        var norm = 0.0
        for k in 0..<r {
          factor[i, k] = s * g.nextNormal()
          norm += factor[i, k] * factor[i, k]
        }
        if 1 - norm < 0.01 {
          let shrink = (0.99 / norm).squareRoot()
          for k in 0..<r { factor[i, k] *= shrink }
          norm = 0.99
        }
        diagonal[i] = 1 - norm
      }
      return .lowRank(factor: factor, diagonal: diagonal)
    }
    var sigma = Matrix<Double>.identity(featureCount)
    for pair in pairs ?? [] {
      sigma[pair.features[0], pair.features[1]] = pair.correlation
      sigma[pair.features[1], pair.features[0]] = pair.correlation
    }
    let (values, vectors) = try sigma.symmetricEigen()
    if (values.min() ?? 1) < -1e-6 {
      let clipped = values.map { max($0, 1e-6) }
      var rebuilt = Matrix<Double>(rows: featureCount, columns: featureCount)
      for i in 0..<featureCount {
        for j in 0..<featureCount {
          var sum = 0.0
          for k in 0..<featureCount { sum += vectors[i, k] * clipped[k] * vectors[j, k] }
          rebuilt[i, j] = sum
        }
      }
      for i in 0..<featureCount {
        for j in 0..<featureCount { sigma[i, j] = rebuilt[i, j] / (rebuilt[i, i] * rebuilt[j, j]).squareRoot() }
      }
    }
    return .full(cholesky: try sigma.cholesky(), covariance: sigma)
  }
}

/// The latent Gaussian of a copula, ready to sample.
public enum LatentGaussian: Sendable, Equatable {
  /// `z = L·ε` with `L` lower triangular; `covariance = L Lᵀ` (unit diagonal).
  case full(cholesky: Matrix<Double>, covariance: Matrix<Double>)
  /// `z = F·g + √δ ∘ ε`.
  case lowRank(factor: Matrix<Double>, diagonal: [Double])

  /// Draws the shared part of one sample of `z`: `ε` for `full` (then `zᵢ = (L·ε)ᵢ`), `g` for
  /// `low-rank` (then `zᵢ = Fᵢ·g + √δᵢ·εᵢ` with an `εᵢ` of its own).
  func drawShared<G: RandomNumberGenerator>(into shared: inout [Double], using generator: inout G) {
    for k in shared.indices { shared[k] = generator.nextNormal() }
  }

  /// Whether `zᵢ > threshold` on the sample whose shared part is `shared`.
  ///
  /// `full`: computes `zᵢ = (L·ε)ᵢ`, no draw. `low-rank`: given `g`, `zᵢ > τ` exactly when
  /// `εᵢ > a = (τ − Fᵢ·g)/√δᵢ`, an event of probability `Φ̄(a)`; it is decided with one uniform
  /// `u` as `u < Φ̄(a)` (``NormalDistribution/upperTailExceeds(_:_:)``), which has the same
  /// probability, so each feature's event may be decided lazily, at most once per sample.
  @inline(__always)
  func exceeds<G: RandomNumberGenerator>(_ i: Int, threshold: Double, shared: [Double], using generator: inout G) -> Bool {
    switch self {
    case .full(let l, _):
      let n = l.rows
      let z = l.storage.withUnsafeBufferPointer { lp in
        var sum = 0.0
        for k in 0...i { sum += lp[i * n + k] * shared[k] }
        return sum
      }
      return z > threshold
    case .lowRank(let f, let diagonal):
      let r = f.columns
      // Fᵢ·g with four partial sums (the hot loop of a large correlated world).
      let common = f.storage.withUnsafeBufferPointer { fp in
        shared.withUnsafeBufferPointer { g in
          var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
          var k = 0
          var row = fp.baseAddress.unsafelyUnwrapped + i &* r
          let gp = g.baseAddress.unsafelyUnwrapped
          while k &+ 4 <= r {
            s0 += row[0] * gp[k]
            s1 += row[1] * gp[k &+ 1]
            s2 += row[2] * gp[k &+ 2]
            s3 += row[3] * gp[k &+ 3]
            row += 4
            k &+= 4
          }
          while k < r {
            s0 += row[0] * gp[k]
            row += 1
            k &+= 1
          }
          return (s0 + s1) + (s2 + s3)
        }
      }
      return NormalDistribution.upperTailExceeds((threshold - common) / diagonal[i].squareRoot(), generator.nextUniform())
    }
  }

  /// The length of the shared part.
  var sharedCount: Int {
    switch self {
    case .full(let l, _): return l.rows
    case .lowRank(let f, _): return f.columns
    }
  }
}
