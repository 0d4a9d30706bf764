import LabNumerics
import LabRandom

/// The feature-hedging rate of Chanin et al. 2025 ("Feature Hedging: Correlated Features Break
/// Narrow Sparse Autoencoders", arXiv 2505.11756), measured between a narrow *control* SAE and an
/// *extended* SAE whose first latents continue the control's and which has `addedLatents` more.
///
/// When a narrow SAE hedges, a latent's decoder row mixes in features the SAE has no room for; give
/// the SAE that room (the added latents) and the row moves those components out, into the span of
/// the added latents. With every decoder row scaled to unit norm (sae-lens `fold_W_dec_norm`):
/// Δᵢ = extended row i − control row i for the control's latents i; p = mean‖P Δᵢ‖ / mean‖control
/// row‖ with P the projection onto the span of the added rows; b = the same with the added rows
/// replaced by Gaussian rows (the mean over `baselines` draws); rate = max(0, (p − b)/(1 − b)). As in
/// the authors' `hedging_eval.py`, the span's rank is that of the added rows to float32 rounding.
public struct HedgingRate: Codable, Sendable, Equatable {
  /// The control's latent count.
  public var width: Int
  /// Latents the extended SAE adds.
  public var addedLatents: Int
  /// Mean ‖Δᵢ‖ over the control's latents.
  public var deltaNorm: Double
  /// p: the mean projection of Δ onto the added latents' span, over the mean control row norm.
  public var deltaProjectionPortion: Double
  /// b: the same for random rows in place of the added latents (mean over the draws).
  public var baselinePortion: Double
  /// Standard deviation of the baseline's mean projection over the draws.
  public var baselineStandardDeviation: Double
  /// Random draws in the baseline.
  public var baselines: Int
  /// max(0, (p − b)/(1 − b)).
  public var rate: Double

  /// The random draws of the authors' evaluation.
  public static let defaultBaselines = 50

  /// Measures the rate from the decoder rows of `control` (w × m) and `extended` (w' × m, w' > w);
  /// the Gaussian baselines are drawn from `seed`.
  public static func measure(control: Matrix<Double>, extended: Matrix<Double>, baselines: Int = defaultBaselines,
                             seed: UInt64) throws -> HedgingRate {
    let w = control.rows, m = control.columns
    guard extended.columns == m else {
      throw TrainingError.parameter("extended", of: "HedgingRate", mustBe: "an SAE with the control's input dimension \(m)", got: extended.columns)
    }
    guard extended.rows > w, w >= 1 else {
      throw TrainingError.parameter("extended", of: "HedgingRate", mustBe: "wider than the control's \(w) latents", got: extended.rows)
    }
    guard baselines >= 2 else { throw TrainingError.parameter("baselines", of: "HedgingRate", mustBe: "at least 2", got: baselines) }
    let controlRows = unitRows(control), extendedRows = unitRows(extended)
    let added = extended.rows - w
    let deltas = (0..<w).map { i in zip(extendedRows.row(i), controlRows.row(i)).map { $0 - $1 } }
    let addedRows = Matrix(rows: added, columns: m, storage: Array(extendedRows.storage[(w * m)...]))
    let controlNorm = (0..<w).reduce(0.0) { $0 + norm(controlRows.row($1)) } / Double(w)
    let p = try meanProjection(deltas, onto: addedRows) / controlNorm
    var generator = Xoshiro256StarStar(seed: seed)
    let draws = try (0..<baselines).map { _ in
      let gaussian = Matrix(rows: added, columns: m, storage: (0..<(added * m)).map { _ in generator.nextNormal() })
      return try meanProjection(deltas, onto: gaussian)
    }
    let mean = draws.reduce(0, +) / Double(baselines)
    let spread = (draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(baselines - 1)).squareRoot()
    let b = mean / controlNorm
    return HedgingRate(width: w, addedLatents: added, deltaNorm: deltas.reduce(0) { $0 + norm($1) } / Double(w),
                       deltaProjectionPortion: p, baselinePortion: b, baselineStandardDeviation: spread, baselines: baselines,
                       rate: max(0, (p - b) / (1 - b)))
  }

  /// Mean over `vectors` of the norm of their projection onto the row space of `rows`, whose rank
  /// counts singular values above σ_max · max(rows, columns) · float32 ε (torch's `matrix_rank`).
  static func meanProjection(_ vectors: [[Double]], onto rows: Matrix<Double>) throws -> Double {
    let (_, singular, vt) = try rows.singularValueDecomposition()
    let cutoff = (singular.first ?? 0) * Double(max(rows.rows, rows.columns)) * Double(Float.ulpOfOne)
    let rank = singular.filter { $0 > cutoff }.count
    let total = vectors.reduce(0.0) { sum, v in
      let squares = (0..<rank).reduce(0.0) { acc, k in
        let c = zip(vt.row(k), v).reduce(0.0) { $0 + $1.0 * $1.1 }
        return acc + c * c
      }
      return sum + squares.squareRoot()
    }
    return total / Double(vectors.count)
  }

  /// The rows scaled to unit norm (a zero row stays zero), as sae-lens `fold_W_dec_norm` leaves W_dec.
  static func unitRows(_ a: Matrix<Double>) -> Matrix<Double> {
    var out = a
    for i in 0..<a.rows {
      let n = norm(a.row(i))
      if n > 0 { out.setRow(i, to: a.row(i).map { $0 / n }) }
    }
    return out
  }

  static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
