import LabNumerics
import LabTraining

/// What the real-activations experiment measures of one SAE on the held-out rows: the frontier's
/// L0 and MSE, the suppression statistics of seeds/004 per token (the norm of the reconstruction
/// against the input's, overall and in the lowest and highest fifth of input norms, and how L0
/// follows the input norm), and the firing frequencies of seeds/002.
public struct HeldOutMetrics: Codable, Sendable, Equatable {
  /// Mean number of nonzero codes per row.
  public var l0: Double
  /// Mean Σ_d (x̂ − x)² per row.
  public var meanSquaredError: Double
  /// 1 − explained variance (SAELens 6.54).
  public var fractionOfVarianceUnexplained: Double
  /// Latents that never fire on the held-out rows.
  public var deadLatents: Int
  /// Σ‖x̂‖ / Σ‖x‖ over the rows (the NSAE post's suppression metric).
  public var normRatio: Double
  /// The same over the fifth of rows with the smallest ‖x‖, and over the fifth with the largest.
  public var lowNormRatio: Double, highNormRatio: Double
  /// Pearson's correlation over rows between ‖x‖ and the row's L0 (0 when either is constant).
  public var l0NormCorrelation: Double
  /// Median firing frequency of the latents that fire at all.
  public var medianFrequency: Double

  /// Rows scored at a time.
  static let chunkRows = 4096

  /// `model` scored on the rows of `data`.
  init<Model: SparseCodingModel>(_ model: Model, on data: Matrix<Float>) where Model.Scalar == Float {
    let metrics = SAEMetrics.evaluate(model, on: data)
    let m = data.columns, f = model.latentCount
    var inputNorms: [Double] = [], outputNorms: [Double] = [], l0s: [Double] = [], fired = [Int](repeating: 0, count: f)
    var start = 0
    while start < data.rows {
      let rows = min(Self.chunkRows, data.rows - start)
      let x = Matrix(rows: rows, columns: m, storage: Array(data.storage[(start * m)..<((start + rows) * m)]))
      let z = model.encode(x), xHat = model.decode(z)
      for r in 0..<rows {
        inputNorms.append(Self.norm(x.storage[(r * m)..<((r + 1) * m)]))
        outputNorms.append(Self.norm(xHat.storage[(r * m)..<((r + 1) * m)]))
        var active = 0
        for i in 0..<f where z.storage[r * f + i] != 0 { active += 1; fired[i] += 1 }
        l0s.append(Double(active))
      }
      start += rows
    }
    l0 = metrics.l0
    meanSquaredError = metrics.meanSquaredError
    fractionOfVarianceUnexplained = 1 - metrics.explainedVariance
    deadLatents = metrics.deadLatents
    func ratio(_ rows: [Int]) -> Double { rows.reduce(0) { $0 + outputNorms[$1] } / rows.reduce(0) { $0 + inputNorms[$1] } }
    let byNorm = inputNorms.indices.sorted { (inputNorms[$0], $0) < (inputNorms[$1], $1) }, fifth = max(1, byNorm.count / 5)
    normRatio = ratio(Array(byNorm.indices))
    lowNormRatio = ratio(Array(byNorm.prefix(fifth)))
    highNormRatio = ratio(Array(byNorm.suffix(fifth)))
    l0NormCorrelation = Self.pearson(inputNorms, l0s)
    medianFrequency = median(fired.filter { $0 > 0 }.map { Double($0) / Double(data.rows) })
  }

  static func norm(_ values: ArraySlice<Float>) -> Double { values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

  /// Pearson's r of paired values; 0 when either series is constant.
  static func pearson(_ xs: [Double], _ ys: [Double]) -> Double {
    let n = Double(xs.count), mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
    return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
  }
}
