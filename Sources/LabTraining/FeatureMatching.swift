import LabNumerics

/// How the decoder rows of an SAE line up with the true features (ANCHORS §3.4, SAELens 6.54
/// `sae_lens/synthetic/evals.py`). Depends on the weights only, so it works for any architecture.
public struct FeatureMatching: Sendable, Equatable {
  /// `cosines[j, i]` = cos(W_dec,j, g_i), signed; norms are clamped at 1e−8 as SAELens's
  /// `cosine_similarities` does, so a zero row has cosine 0 with everything. F×K.
  public var cosines: Matrix<Double>
  /// The Hungarian pairs (latent, true feature) on the cost 1 − |cos| (scipy `linear_sum_assignment`):
  /// min(F, K) pairs, sorted by latent.
  public var pairs: [(latent: Int, feature: Int)]

  /// The matching of `decoder` (F×m, rows are atoms, any norms) against `truth` (K×m, rows are the
  /// true features).
  public init<Scalar: LinearAlgebraScalar>(decoder: Matrix<Scalar>, truth: Matrix<Double>) {
    precondition(decoder.columns == truth.columns, "The decoder has dimension \(decoder.columns), the truth \(truth.columns).")
    precondition(decoder.rows >= 1 && truth.rows >= 1, "Matching needs at least one latent and one true feature.")
    func unitRows(_ rows: [[Double]]) -> Matrix<Double> {
      Matrix(rows.map { row in
        let norm = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-8)
        return row.map { $0 / norm }
      })
    }
    let atoms = unitRows((0..<decoder.rows).map { decoder.row($0).map(Double.init) })
    cosines = atoms.multiplied(by: unitRows(truth.nestedRows), transposingOther: true)
    let cost = Matrix(rows: cosines.rows, columns: cosines.columns, storage: cosines.storage.map { 1 - abs($0) })
    pairs = HungarianAssignment.solve(cost).map { (latent: $0.row, feature: $0.column) }
  }

  public static func == (a: FeatureMatching, b: FeatureMatching) -> Bool {
    a.cosines == b.cosines && a.pairs.elementsEqual(b.pairs) { $0 == $1 }
  }

  /// MCC (SAELens `mean_correlation_coefficient`): the mean of |cos| over the Hungarian pairs.
  public var meanCorrelationCoefficient: Double {
    pairs.reduce(0) { $0 + abs(cosines[$1.latent, $1.feature]) } / Double(pairs.count)
  }

  /// For each latent, the true feature with the largest |cos| (the first on ties, as `argmax`).
  public var bestFeatures: [Int] {
    (0..<cosines.rows).map { j in
      var best = 0
      for i in 1..<max(1, cosines.columns) where abs(cosines[j, i]) > abs(cosines[j, best]) { best = i }
      return best
    }
  }

  /// Uniqueness (SAELens `feature_uniqueness`): the number of distinct best features over the
  /// latents, divided by the number of latents F.
  public var uniqueness: Double { Double(Set(bestFeatures).count) / Double(cosines.rows) }

  /// The latents Hungarian-matched to true feature `i` (empty or one latent).
  public func matchedLatents(of feature: Int) -> [Int] { pairs.filter { $0.feature == feature }.map(\.latent) }

  /// Feature-splitting counts: for each true feature, the number of latents whose best feature it
  /// is (more than 1 means the feature is split over several latents, 0 that no latent tracks it).
  public var latentsPerFeature: [Int] {
    var counts = [Int](repeating: 0, count: cosines.columns)
    for i in bestFeatures { counts[i] += 1 }
    return counts
  }
}
