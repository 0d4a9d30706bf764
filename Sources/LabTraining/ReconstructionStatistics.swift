import LabNumerics

/// Streamed sums over pairs (x, x̂) of an input and its reconstruction, in `Double`, and the
/// reconstruction metrics defined on them (ANCHORS §3.3–3.5). Rows are added in any chunks; the
/// result depends only on the rows added and their order.
public struct ReconstructionStatistics: Sendable, Equatable {
  /// The number of rows added.
  public private(set) var count = 0
  /// Σ_t ‖x_t − x̂_t‖².
  public private(set) var squaredError = 0.0
  /// Σ_t ‖x_t‖².
  public private(set) var squaredNorm = 0.0
  /// Σ_t x_t, per dimension.
  public private(set) var sum: [Double]
  /// Σ_t ‖x̂_t‖ / ‖x_t‖ over the rows with ‖x_t‖ > 1e−6, and their number.
  public private(set) var ratioSum = 0.0, ratioCount = 0
  /// Σ_t ‖x̂_t‖² and Σ_t x_t·x̂_t.
  public private(set) var reconstructionSquaredNorm = 0.0, innerProduct = 0.0
  /// Σ_t ‖x_t‖ and Σ_t ‖x̂_t‖.
  public private(set) var normSum = 0.0, reconstructionNormSum = 0.0

  /// SAELens's `ShrinkageCalculator` skips inputs with norm at most this.
  public static let minimumInputNorm = 1e-6

  /// Empty sums for inputs of dimension `dimension`.
  public init(dimension: Int) { sum = Array(repeating: 0, count: dimension) }

  /// Adds the rows of `inputs` and `reconstructions` (both N×m).
  public mutating func add<Scalar: LinearAlgebraScalar>(inputs: Matrix<Scalar>, reconstructions: Matrix<Scalar>) {
    let m = sum.count
    precondition(inputs.columns == m && reconstructions.columns == m && inputs.rows == reconstructions.rows,
                 "Inputs \(inputs.rows)×\(inputs.columns) and reconstructions \(reconstructions.rows)×\(reconstructions.columns) for dimension \(m).")
    for r in 0..<inputs.rows {
      var error = 0.0, xx = 0.0, hh = 0.0, xh = 0.0
      for j in 0..<m {
        let x = Double(inputs.storage[r * m + j]), h = Double(reconstructions.storage[r * m + j])
        error += (h - x) * (h - x)
        xx += x * x
        hh += h * h
        xh += x * h
        sum[j] += x
      }
      squaredError += error
      squaredNorm += xx
      reconstructionSquaredNorm += hh
      innerProduct += xh
      let (norm, outNorm) = (xx.squareRoot(), hh.squareRoot())
      normSum += norm
      reconstructionNormSum += outNorm
      if norm > Self.minimumInputNorm { ratioSum += outNorm / norm; ratioCount += 1 }
    }
    count += inputs.rows
  }

  /// MSE as SAELens and bench_w3_sae.py report it: mean_t ‖x̂_t − x_t‖².
  public var meanSquaredError: Double { squaredError / Double(count) }

  /// Explained variance (SAELens 6.54): 1 − E‖x − x̂‖² / (E‖x‖² − ‖E x‖²); when the total variance
  /// is below 1e−10 it is 1 if the MSE is below 1e−10 and 0 otherwise.
  public var explainedVariance: Double {
    let n = Double(count)
    let totalVariance = squaredNorm / n - sum.reduce(0) { $0 + ($1 / n) * ($1 / n) }
    return totalVariance < 1e-10 ? (meanSquaredError < 1e-10 ? 1 : 0) : 1 - meanSquaredError / totalVariance
  }

  /// Shrinkage as SAELens's synthetic `ShrinkageCalculator`: mean over the inputs with ‖x_t‖ > 1e−6 of
  /// ‖x̂_t‖ / ‖x_t‖ (1 = no shrinkage; 0 when no input qualifies).
  public var shrinkage: Double { ratioCount == 0 ? 0 : ratioSum / Double(ratioCount) }

  /// The relative reconstruction bias γ = mean_t ‖x̂_t‖² / mean_t x_t·x̂_t (Gated-SAE eq. 10, SAELens
  /// `evals.py`), over all rows as one batch; γ < 1 means shrinkage.
  public var relativeReconstructionBias: Double { reconstructionSquaredNorm / innerProduct }

  /// The NSAE feature-suppression ratio of sums Σ_t ‖x̂_t‖ / Σ_t ‖x_t‖.
  public var normRatioOfSums: Double { reconstructionNormSum / normSum }
}
