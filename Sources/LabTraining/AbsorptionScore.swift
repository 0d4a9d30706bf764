import LabNumerics

/// Absorption as a number: the SAEBench absorption fraction and full-absorption rate (ANCHORS §3.1
/// steps 5–6) adapted to ground truth as ANCHORS §3.2 suggests — the probe p is the true parent
/// direction g/‖g‖, the main latents S are the parent's Hungarian-matched latents, and the evaluated
/// samples are those where the parent's true activation is > 0. SAEBench's thresholds are kept.
///
/// Per evaluated sample, with c_j = cos(p, d_j), π_j = f_j‖d_j‖c_j (the latent's contribution
/// f_j d_j projected on p; f_j‖d_j‖ is the norm-scaled code of THEORY §9, equal to f_j for unit-norm
/// rows), P = x·p, M = Σ_{j∈S} π_j, absorbers A = {j ∉ S : c_j ≥ 0.1, π_j > 0} and T = the sum of the
/// largest min(3, |A|) values π_j over A:
/// * absorption fraction = 0 if M ≥ P or T/P < 0.4; else 1 if M ≤ 0; else a/(a + M) clipped to [0, 1],
///   with a = min(T, P − M);
/// * full absorption when every j ∈ S has f_j‖d_j‖ < 1e−8, the latent t with the largest π has
///   c_t ≥ 0.025, P ≥ 0 and π_t/P ≥ 0.4 (so P > 0: at P = 0 the ratio is undefined and the sample is
///   not counted; likewise the fraction is 0 when P ≤ 0).
public struct AbsorptionScore: Sendable, Equatable, Codable {
  /// The parent feature.
  public var parent: Int
  /// Its main latents S.
  public var mainLatents: [Int]
  /// Evaluated samples (parent active).
  public var samples: Int
  /// Mean absorption fraction over the evaluated samples (0 with none).
  public var meanAbsorptionFraction: Double
  /// Fraction of the evaluated samples fully absorbed (0 with none).
  public var fullAbsorptionRate: Double

  /// SAEBench `absorption_fraction_max_absorbing_latents`.
  public static let maximumAbsorbers = 3
  /// SAEBench `probe_projection_proportion_threshold`.
  public static let projectionProportion = 0.4
  /// The cosine an absorber needs.
  public static let absorberCosine = 0.1
  /// The cosine the top latent needs for full absorption.
  public static let fullAbsorptionCosine = 0.025
  /// Below this a main latent counts as off.
  public static let offActivation = 1e-8

  /// The scores of `parents` for inputs X (N×m, as given: pass x − b to remove an offset), codes
  /// Z (N×F), decoder D (F×m, any norms), the true features (K×m), true codes C (N×K) and the matching.
  public static func measure(inputs: Matrix<Double>, codes: Matrix<Double>, decoder: Matrix<Double>, truth: Matrix<Double>,
                             trueCodes: Matrix<Double>, matching: FeatureMatching, parents: [Int]) -> [AbsorptionScore] {
    let n = inputs.rows, f = decoder.rows
    precondition(codes.rows == n && trueCodes.rows == n && codes.columns == f && decoder.columns == inputs.columns
                 && truth.columns == inputs.columns && trueCodes.columns == truth.rows, "Inconsistent shapes for absorption.")
    let norms = (0..<f).map { decoder.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot() }
    return parents.map { parent in
      let g = truth.row(parent)
      let gNorm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let probe = g.map { $0 / gNorm }
      let cosines = (0..<f).map { j in norms[j] > 0 ? zip(decoder.row(j), probe).reduce(0) { $0 + $1.0 * $1.1 } / norms[j] : 0 }
      let main = matching.matchedLatents(of: parent)
      var fractionSum = 0.0, full = 0, evaluated = 0
      for t in 0..<n where trueCodes[t, parent] > 0 {
        evaluated += 1
        let scaled = (0..<f).map { codes[t, $0] * norms[$0] }
        let pi = (0..<f).map { scaled[$0] * cosines[$0] }
        let projection = zip(inputs.row(t), probe).reduce(0) { $0 + $1.0 * $1.1 }
        let mainProjection = main.reduce(0) { $0 + pi[$1] }
        let absorbers = (0..<f).filter { !main.contains($0) && cosines[$0] >= absorberCosine && pi[$0] > 0 }.map { pi[$0] }
        let absorbed = absorbers.sorted(by: >).prefix(maximumAbsorbers).reduce(0, +)
        if mainProjection < projection, projection > 0, absorbed / projection >= projectionProportion {
          if mainProjection <= 0 {
            fractionSum += 1
          } else {
            let a = min(absorbed, projection - mainProjection)
            fractionSum += min(1, max(0, a / (a + mainProjection)))
          }
        }
        let top = (0..<f).max { pi[$0] < pi[$1] || (pi[$0] == pi[$1] && $0 > $1) }!
        if main.allSatisfy({ scaled[$0] < offActivation }), cosines[top] >= fullAbsorptionCosine, projection > 0,
           pi[top] / projection >= projectionProportion {
          full += 1
        }
      }
      let count = Double(max(1, evaluated))
      return AbsorptionScore(parent: parent, mainLatents: main, samples: evaluated,
                             meanAbsorptionFraction: fractionSum / count, fullAbsorptionRate: Double(full) / count)
    }
  }

  /// The overall scores: the means over the parents of the per-parent fraction and full-absorption
  /// rate (SAEBench's mean over letters); 0 for no parents.
  public static func overall(_ scores: [AbsorptionScore]) -> (meanAbsorptionFraction: Double, fullAbsorptionRate: Double) {
    let count = Double(max(1, scores.count))
    return (scores.reduce(0) { $0 + $1.meanAbsorptionFraction } / count, scores.reduce(0) { $0 + $1.fullAbsorptionRate } / count)
  }
}
