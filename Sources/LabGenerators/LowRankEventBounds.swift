import LabNumerics

/// The bounds a_i = (τ_i − F_i·g)/√δ_i of a low-rank copula's events `zᵢ > τᵢ` for a fixed list of
/// features, all at once for one sample's shared part g: feature i fires when its own uniform u
/// has `NormalDistribution.upperTailExceeds(a_i, u)`. Four features are computed per step, each in
/// a lane of its own with the arithmetic of ``LatentGaussian/exceeds(_:threshold:shared:using:)``
/// (four partial sums over g, in its order), so the bounds have the same bits, and no random draw
/// is involved: deciding the features one by one afterwards draws the same stream.
public struct LowRankEventBounds: Sendable {
  /// The features, in the order the bounds are written.
  public let features: [Int]
  /// Fᵀ restricted to the features: rank rows of `width` entries (the feature count rounded up to 4).
  private let columns: [Double]
  /// τᵢ and √δᵢ per feature, padded to `width` with 0 and 1.
  private let thresholds: [Double], roots: [Double]
  private let rank: Int, width: Int

  /// The bounds of `features` under `factor` (F, one row per feature of the world) and `diagonal` (δ),
  /// with thresholds `thresholds` (τ, per feature of the world).
  public init(features: [Int], factor: Matrix<Double>, diagonal: [Double], thresholds: [Double]) {
    self.features = features
    rank = factor.columns
    width = (features.count + 3) / 4 * 4
    var columns = [Double](repeating: 0, count: rank * width)
    for (j, i) in features.enumerated() {
      for k in 0..<rank { columns[k * width + j] = factor[i, k] }
    }
    self.columns = columns
    self.thresholds = features.map { thresholds[$0] } + [Double](repeating: 0, count: width - features.count)
    self.roots = features.map { diagonal[$0].squareRoot() } + [Double](repeating: 1, count: width - features.count)
  }

  /// Writes a_i for every feature, in ``features`` order, into `bounds` (at least `width` entries).
  public func compute(shared g: [Double], into bounds: UnsafeMutablePointer<Double>) {
    typealias Lanes = SIMD4<Double>
    func load(_ pointer: UnsafePointer<Double>) -> Lanes { UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self) }
    columns.withUnsafeBufferPointer { columns in
      thresholds.withUnsafeBufferPointer { thresholds in
        roots.withUnsafeBufferPointer { roots in
          guard let f = columns.baseAddress, let tau = thresholds.baseAddress, let root = roots.baseAddress else { return }
          var j = 0
          while j < width {
            var s0 = Lanes(repeating: 0), s1 = Lanes(repeating: 0), s2 = Lanes(repeating: 0), s3 = Lanes(repeating: 0)
            var k = 0
            while k + 4 <= rank {
              s0 += load(f + k * width + j) * Lanes(repeating: g[k])
              s1 += load(f + (k + 1) * width + j) * Lanes(repeating: g[k + 1])
              s2 += load(f + (k + 2) * width + j) * Lanes(repeating: g[k + 2])
              s3 += load(f + (k + 3) * width + j) * Lanes(repeating: g[k + 3])
              k += 4
            }
            while k < rank {
              s0 += load(f + k * width + j) * Lanes(repeating: g[k])
              k += 1
            }
            let common = (s0 + s1) + (s2 + s3)
            UnsafeMutableRawPointer(bounds + j).storeBytes(of: (load(tau + j) - common) / load(root + j), as: Lanes.self)
            j += 4
          }
        }
      }
    }
  }

  /// Entries `compute` writes: the feature count rounded up to a multiple of 4.
  public var count: Int { width }
}
