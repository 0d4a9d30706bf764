import LabNumerics

/// How similar the latents of two SAEs are (the metrics of `seeds/002`, "Sparse Autoencoder
/// Universality"), by their decoder directions and by their activations on shared inputs.
public enum LatentAgreement {
  /// Mean over the rows of `from` of the largest signed cosine similarity to a row of `to` (the
  /// study's "MCS"; with `from` the true features it is the MMCS of ``SAEMetrics``). Not symmetric:
  /// `from` small and `to` large asks whether every small latent has a counterpart in the large SAE.
  public static func meanMaxCosine(from: Matrix<Float>, to: Matrix<Float>) -> Double {
    SAEMetrics.meanMaxCosineSimilarity(truth: Matrix(rows: from.rows, columns: from.columns, storage: from.storage.map(Double.init)),
                                       decoder: to)
  }

  /// The mean max activation correlation from the latents of `from` to those of `to`.
  public struct Correlation: Equatable, Sendable {
    /// Mean over the live latents of `from` of the largest Pearson correlation with a live latent of `to`.
    public var mean: Double
    /// Latents of `from` and of `to` that vary on the inputs (the others have no correlation).
    public var liveFrom: Int, liveTo: Int
  }

  /// Pearson correlations between the columns of `from` (N × F₁) and `to` (N × F₂), the codes of
  /// two SAEs on the same N inputs; a latent constant on all N inputs is left out on both sides.
  /// `nil` when either side has no live latent.
  public static func meanMaxCorrelation(from: Matrix<Float>, to: Matrix<Float>) -> Correlation? {
    precondition(from.rows == to.rows && from.rows >= 2, "Correlations need the same N ≥ 2 inputs, got \(from.rows) and \(to.rows).")
    let (a, liveFrom) = standardisedLiveColumns(from), (b, liveTo) = standardisedLiveColumns(to)
    guard liveFrom > 0 && liveTo > 0 else { return nil }
    let correlations = a.multiplied(by: b, transposingSelf: true)  // F₁' × F₂'
    var total = 0.0
    for i in 0..<liveFrom {
      var best = -Double.infinity
      for j in 0..<liveTo { best = max(best, correlations.storage[i * liveTo + j]) }
      total += best
    }
    return Correlation(mean: total / Double(liveFrom), liveFrom: liveFrom, liveTo: liveTo)
  }

  /// The columns of `codes` that vary, centred and scaled to unit norm (in Double), as an
  /// N × live matrix, and their count.
  private static func standardisedLiveColumns(_ codes: Matrix<Float>) -> (Matrix<Double>, Int) {
    let n = codes.rows, f = codes.columns
    var mean = [Double](repeating: 0, count: f), squares = [Double](repeating: 0, count: f)
    for r in 0..<n { for i in 0..<f { mean[i] += Double(codes.storage[r * f + i]) } }
    for i in 0..<f { mean[i] /= Double(n) }
    for r in 0..<n {
      for i in 0..<f {
        let d = Double(codes.storage[r * f + i]) - mean[i]
        squares[i] += d * d
      }
    }
    let live = (0..<f).filter { squares[$0] > 1e-24 * Double(n) }
    var storage = [Double](repeating: 0, count: n * live.count)
    for r in 0..<n {
      for (column, i) in live.enumerated() {
        storage[r * live.count + column] = (Double(codes.storage[r * f + i]) - mean[i]) / squares[i].squareRoot()
      }
    }
    return (Matrix(rows: n, columns: live.count, storage: storage), live.count)
  }
}
