import LabNumerics

/// Shrinkage as a function of the input norm: the points (x, x̂) binned by ‖x‖, with per bin the
/// means of SAELens's per-point ratio ‖x̂‖/‖x‖, of the suppression ratio s(x) = ‖x̂ − b‖/‖x − b‖ and of
/// the theory's bound (1 − λ/‖x − b‖)₊ (THEORY §8.3, Theorem 8.3: for optimal codes of a unit-norm
/// dictionary, ‖x̂ − b‖ ≤ (‖x − b‖ − λ)₊ at every point), and over all points the largest excess over
/// the bound.
public struct InputNormShrinkage: Sendable, Equatable, Codable {
  /// One bin of input norms.
  public struct Bin: Sendable, Equatable, Codable {
    /// The bin [lower, upper) of ‖x‖ (the last bin includes its upper edge).
    public var lower: Double, upper: Double
    /// Points with ‖x‖ in the bin.
    public var samples: Int
    /// Means over those points of ‖x‖, of ‖x̂‖/‖x‖, of s(x) = ‖x̂ − b‖/‖x − b‖ and of (1 − λ/‖x − b‖)₊.
    public var meanInputNorm: Double, meanRatio: Double, meanSuppression: Double, meanBound: Double
    /// Mean over those points of the absolute shrinkage ‖x − b‖ − ‖x̂ − b‖ (Theorem 8.3: at least
    /// min(λ, ‖x − b‖) for optimal codes).
    public var meanDeficit: Double
  }

  /// λ of the bound.
  public var lambda: Double
  /// The bins with at least one point.
  public var bins: [Bin]
  /// The mean absolute shrinkage ‖x − b‖ − ‖x̂ − b‖ over every binned point.
  public var meanDeficit: Double
  /// The largest ‖x̂ − b‖ − (‖x − b‖ − λ)₊ over every point (also those outside the bins), and the
  /// number of points where it exceeds 1e−9·max(1, ‖x − b‖); Theorem 8.3 says ≤ 0 and none for
  /// optimal codes of a unit-norm dictionary.
  public var largestExcess: Double, boundViolations: Int

  /// Points with ‖x‖ at most this have no ratio and are left out of the bins (as SAELens's
  /// `ShrinkageCalculator` leaves them out).
  public static let minimumInputNorm = ReconstructionStatistics.minimumInputNorm

  /// How far above the bound a point may be, relative to max(1, ‖x − b‖), before it counts as a
  /// violation: rounding of the reconstruction, not a failure of Theorem 8.3.
  public static let excessTolerance = 1e-9

  /// Edges of `bins` bins holding about equally many of `norms` (those above ``minimumInputNorm``):
  /// the order statistics at ranks ⌊i·n/bins⌋ and the largest norm, with repeated edges merged;
  /// empty when no norm qualifies.
  public static func quantileEdges(of norms: [Double], bins: Int) -> [Double] {
    precondition(bins >= 1, "At least one bin, got \(bins).")
    let sorted = norms.filter { $0 > minimumInputNorm }.sorted()
    guard let largest = sorted.last else { return [] }
    var edges: [Double] = []
    for edge in (0..<bins).map({ sorted[$0 * sorted.count / bins] }) + [largest] where edges.last.map({ edge > $0 }) ?? true {
      edges.append(edge)
    }
    return edges.count == 1 ? [largest, largest.nextUp] : edges
  }

  /// The norms ‖x_t‖ of the rows of `inputs`.
  public static func norms(_ inputs: Matrix<Double>) -> [Double] {
    (0..<inputs.rows).map { inputs.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot() }
  }

  /// The binned shrinkage of reconstructions X̂ (N×m) of inputs X (N×m) with bias b (length m),
  /// against the bound at λ ≥ 0, in the bins of ‖x‖ with increasing `edges` (points outside them
  /// are left out of the bins).
  public static func measure(inputs: Matrix<Double>, reconstructions: Matrix<Double>, bias: [Double], lambda: Double,
                             edges: [Double]) -> InputNormShrinkage {
    let n = inputs.rows, m = inputs.columns
    precondition(reconstructions.rows == n && reconstructions.columns == m && bias.count == m, "Inconsistent shapes for the input-norm shrinkage.")
    precondition(edges.count >= 2 && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "Bin edges must increase, got \(edges).")
    precondition(lambda >= 0 && lambda.isFinite, "λ must be finite and >= 0, got \(lambda).")
    var sums = [(samples: Int, norm: Double, ratio: Double, suppression: Double, bound: Double, deficit: Double)](
      repeating: (0, 0, 0, 0, 0, 0), count: edges.count - 1)
    var largestExcess = -Double.infinity, violations = 0
    for t in 0..<n {
      var (xx, hh, centred, centredOut) = (0.0, 0.0, 0.0, 0.0)
      for d in 0..<m {
        let x = inputs[t, d], h = reconstructions[t, d]
        xx += x * x
        hh += h * h
        centred += (x - bias[d]) * (x - bias[d])
        centredOut += (h - bias[d]) * (h - bias[d])
      }
      let (norm, outNorm, centredNorm, centredOutNorm) = (xx.squareRoot(), hh.squareRoot(), centred.squareRoot(), centredOut.squareRoot())
      let excess = centredOutNorm - max(0, centredNorm - lambda)
      largestExcess = max(largestExcess, excess)
      if excess > Self.excessTolerance * max(1, centredNorm) { violations += 1 }
      guard norm > minimumInputNorm, centredNorm > 0, norm >= edges[0], norm <= edges[edges.count - 1] else { continue }
      let b = min(edges.lastIndex { $0 <= norm }!, edges.count - 2)
      sums[b].samples += 1
      sums[b].norm += norm
      sums[b].ratio += outNorm / norm
      sums[b].suppression += centredOutNorm / centredNorm
      sums[b].bound += max(0, 1 - lambda / centredNorm)
      sums[b].deficit += centredNorm - centredOutNorm
    }
    let bins = sums.indices.filter { sums[$0].samples > 0 }.map { b -> Bin in
      let s = sums[b], count = Double(s.samples)
      return Bin(lower: edges[b], upper: edges[b + 1], samples: s.samples, meanInputNorm: s.norm / count, meanRatio: s.ratio / count,
                 meanSuppression: s.suppression / count, meanBound: s.bound / count, meanDeficit: s.deficit / count)
    }
    let binned = sums.reduce(0) { $0 + $1.samples }
    return InputNormShrinkage(lambda: lambda, bins: bins, meanDeficit: binned == 0 ? 0 : sums.reduce(0) { $0 + $1.deficit } / Double(binned),
                              largestExcess: n == 0 ? 0 : largestExcess, boundViolations: violations)
  }
}
