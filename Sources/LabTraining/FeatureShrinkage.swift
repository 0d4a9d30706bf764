import LabNumerics

/// Shrinkage per true feature (ANCHORS §3.3, the gap it names): for true feature i and its
/// Hungarian-matched latent j, on the samples where c_i > 0, the ratio z_j‖d_j‖ / c_i of the matched
/// latent's activation times its decoder norm to the true magnitude, binned by c_i — beside the
/// theory's per-point bound (THEORY §8.3, Theorem 8.3): for optimal codes of a unit-norm dictionary,
/// s(x) = ‖x̂ − b‖/‖x − b‖ ≤ (1 − λ/‖x − b‖)₊, i.e. ‖x̂ − b‖ ≤ (‖x − b‖ − λ)₊.
public struct FeatureShrinkage: Sendable, Equatable, Codable {
  /// One magnitude bin of one feature.
  public struct Bin: Sendable, Equatable, Codable {
    /// The bin [lower, upper) of true magnitudes c_i (the last bin includes its upper edge).
    public var lower: Double, upper: Double
    /// Samples with c_i in the bin.
    public var samples: Int
    /// Means over those samples of c_i, of z_j‖d_j‖/c_i, of s(x) = ‖x̂ − b‖/‖x − b‖ and of the bound (1 − λ/‖x − b‖)₊.
    public var meanMagnitude: Double, meanFeatureRatio: Double, meanSuppression: Double, meanBound: Double
  }
  /// The true feature i.
  public var feature: Int
  /// Its matched latent j, or `nil` when the matching leaves it out (then every ratio is 0).
  public var latent: Int?
  /// The bins with at least one sample.
  public var bins: [Bin]
  /// Samples (of this feature, in any bin) with s(x) above the bound by more than 1e−9; Theorem 8.3
  /// says none for optimal codes of a unit-norm dictionary.
  public var boundViolations: Int

  /// The per-feature shrinkage of a candidate: `inputs` X (N×m), `codes` Z (N×F), `decoder` D (F×m, any
  /// norms), `bias` b (length m; x̂ = b + Σ z_j d_j), `trueCodes` C (N×K), the matching, λ, and the
  /// increasing bin edges of the magnitudes.
  public static func measure(inputs: Matrix<Double>, codes: Matrix<Double>, decoder: Matrix<Double>, bias: [Double],
                             trueCodes: Matrix<Double>, matching: FeatureMatching, lambda: Double,
                             binEdges: [Double]) -> [FeatureShrinkage] {
    let n = inputs.rows, m = inputs.columns
    precondition(codes.rows == n && trueCodes.rows == n && codes.columns == decoder.rows && decoder.columns == m && bias.count == m,
                 "Inconsistent shapes for per-feature shrinkage.")
    precondition(binEdges.count >= 2 && zip(binEdges, binEdges.dropFirst()).allSatisfy { $0 < $1 }, "Bin edges must increase.")
    let norms = (0..<decoder.rows).map { decoder.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot() }
    let reconstructions = codes.multiplied(by: decoder)
    var suppression = [Double](repeating: 0, count: n), bound = suppression
    for t in 0..<n {
      var residualNorm = 0.0, outNorm = 0.0
      for d in 0..<m {
        let centred = inputs[t, d] - bias[d]
        residualNorm += centred * centred
        outNorm += reconstructions[t, d] * reconstructions[t, d]
      }
      (residualNorm, outNorm) = (residualNorm.squareRoot(), outNorm.squareRoot())
      suppression[t] = residualNorm > 0 ? outNorm / residualNorm : 0
      bound[t] = residualNorm > 0 ? max(0, 1 - lambda / residualNorm) : 0
    }
    return (0..<trueCodes.columns).map { i in
      let latent = matching.matchedLatents(of: i).first
      var sums = [(samples: Int, magnitude: Double, ratio: Double, suppression: Double, bound: Double)](
        repeating: (0, 0, 0, 0, 0), count: binEdges.count - 1)
      var violations = 0
      for t in 0..<n where trueCodes[t, i] > 0 {
        let c = trueCodes[t, i]
        guard c >= binEdges[0], c <= binEdges[binEdges.count - 1] else { continue }
        let b = min(binEdges.lastIndex { $0 <= c }!, binEdges.count - 2)
        sums[b].samples += 1
        sums[b].magnitude += c
        sums[b].ratio += latent.map { codes[t, $0] * norms[$0] / c } ?? 0
        sums[b].suppression += suppression[t]
        sums[b].bound += bound[t]
        if suppression[t] > bound[t] + 1e-9 { violations += 1 }
      }
      let bins = sums.indices.filter { sums[$0].samples > 0 }.map { b -> Bin in
        let s = sums[b], count = Double(s.samples)
        return Bin(lower: binEdges[b], upper: binEdges[b + 1], samples: s.samples, meanMagnitude: s.magnitude / count,
                   meanFeatureRatio: s.ratio / count, meanSuppression: s.suppression / count, meanBound: s.bound / count)
      }
      return FeatureShrinkage(feature: i, latent: latent, bins: bins, boundViolations: violations)
    }
  }
}
