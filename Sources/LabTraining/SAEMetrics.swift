import LabNumerics

/// Evaluation metrics of an SAE on a data set (ANCHORS §3.4–3.5, SAELens 6.54 definitions), with
/// sums accumulated in `Double`.
public struct SAEMetrics: Equatable, Sendable {
  /// L0: mean over samples of the number of nonzero codes.
  public var l0: Double
  /// MSE: ``ReconstructionStatistics/meanSquaredError``.
  public var meanSquaredError: Double
  /// Explained variance: ``ReconstructionStatistics/explainedVariance`` (SAELens 6.54).
  public var explainedVariance: Double
  /// Latents whose code is zero on every sample.
  public var deadLatents: Int
  /// Mean over the true features of the largest (signed) cosine similarity to a decoder row;
  /// `nil` without a ground-truth dictionary or when the model's decoder is not linear.
  public var meanMaxCosineSimilarity: Double?

  /// Evaluates `autoencoder` on the rows of `data` (N×m), in chunks of `chunkRows` rows, and, given
  /// `truth` (K×m, rows are the true features), the MMCS of its decoder rows. Specialised for the
  /// float32 SAE that `lab train` measures: generic, its element loops ran through witness tables
  /// and took longer than the training loop.
  @_specialize(where Model == SparseAutoencoder<Float>)
  public static func evaluate<Model: SparseCodingModel>(
    _ autoencoder: Model, on data: Matrix<Model.Scalar>, truth: Matrix<Double>? = nil, chunkRows: Int = 8192
  ) -> SAEMetrics {
    let m = data.columns, f = autoencoder.latentCount, n = data.rows
    precondition(n >= 1, "Metrics need at least one sample.")
    var statistics = ReconstructionStatistics(dimension: m)
    var active = 0
    var fired = [Bool](repeating: false, count: f)
    var start = 0
    while start < n {
      let rows = min(chunkRows, n - start)
      let x = Matrix(rows: rows, columns: m, storage: Array(data.storage[(start * m)..<((start + rows) * m)]))
      let z = autoencoder.encode(x)
      for r in 0..<rows {
        for i in 0..<f where z.storage[r * f + i] != 0 { active += 1; fired[i] = true }
      }
      statistics.add(inputs: x, reconstructions: autoencoder.decode(z))
      start += rows
    }
    let count = Double(n)
    let dictionary = autoencoder.linearDictionary
    let mmcs = truth.flatMap { t in dictionary.map { meanMaxCosineSimilarity(truth: t, decoder: $0) } }
    return SAEMetrics(l0: Double(active) / count, meanSquaredError: statistics.meanSquaredError,
                      explainedVariance: statistics.explainedVariance,
                      deadLatents: fired.reduce(0) { $1 ? $0 : $0 + 1 }, meanMaxCosineSimilarity: mmcs)
  }

  /// Mean over the rows g of `truth` of max over decoder rows d of cos(g, d), signed; decoder norms
  /// are floored at 1e−12 as in bench/common.py. Both matrices need the same number of columns.
  public static func meanMaxCosineSimilarity<Scalar: LinearAlgebraScalar>(truth: Matrix<Double>, decoder: Matrix<Scalar>) -> Double {
    precondition(truth.columns == decoder.columns, "Truth has dimension \(truth.columns), the decoder \(decoder.columns).")
    precondition(truth.rows >= 1 && decoder.rows >= 1, "MMCS needs at least one true feature and one decoder row.")
    func unit(_ row: [Double], floor: Double) -> [Double] {
      let norm = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), floor)
      return row.map { $0 / norm }
    }
    let atoms = (0..<decoder.rows).map { unit(decoder.row($0).map(Double.init), floor: 1e-12) }
    let cosines = Matrix(truth.nestedRows.map { unit($0, floor: 0) }).multiplied(by: Matrix(atoms), transposingOther: true)
    let best = (0..<cosines.rows).map { cosines.row($0).max()! }
    return best.reduce(0, +) / Double(best.count)
  }
}
