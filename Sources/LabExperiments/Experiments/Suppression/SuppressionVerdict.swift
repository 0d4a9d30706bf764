import Foundation
import LabChecks
import LabTraining

/// The checks of the suppression experiment (Theorem 8.3 on exact codes, and the theory's
/// predictions for the trained SAEs that hold with a margin) and its findings (the normalised-SAE
/// post's claims, reproduced or not).
enum SuppressionVerdict {
  typealias Scale = SuppressionExperiment.Scale
  typealias Candidate = SuppressionExperiment.Candidate

  static func candidate(_ method: SuppressionMethod, in scale: Scale) -> Candidate? { scale.candidates.first { $0.method == method } }

  /// Theorem 8.3: the norm identity holds to this.
  static let identityTolerance = Threshold.atMost(1e-9)
  /// §8.3: an L1 SAE's shrinkage is below 1.
  static let shrinks = Threshold.below(1)

  static func checks(toy: SuppressionToy, scales: [Scale]) -> [CheckResult] {
    var checks: [Check] = []
    for scale in scales {
      let tag = "s=\(Figures.format(scale.scale))"
      for method in SuppressionExperiment.exactMethods {
        guard let c = candidate(method, in: scale) else { continue }
        let gap = c.normIdentityGap ?? .infinity
        checks.append(Check(
          "\(tag)/\(method)/bound",
          claim: "Theorem 8.3: optimal codes of a unit-norm dictionary obey ‖x̂ − b‖ ≤ (‖x − b‖ − λ)₊ at every point, and ‖x − b‖² − ‖x̂ − b‖² = ‖r‖² + 2λ‖z‖₁",
          measured: "largest ‖x̂ − b‖ − (‖x − b‖ − λ)₊ = \(Figures.format(c.byNorm.largestExcess, digits: 3)) over \(toy.evaluationSamples) points (\(c.byNorm.boundViolations) above \(Threshold.number(InputNormShrinkage.excessTolerance))·max(1, ‖x − b‖)); identity gap \(Figures.format(gap, digits: 3))",
          [.stated("no point above the bound", c.byNorm.boundViolations == 0), .that("identity gap", gap, identityTolerance)]))
      }
    }
    for method in [SuppressionMethod.reluL1, .reluL1Unit] {
      let values = scales.compactMap { candidate(method, in: $0)?.metrics.shrinkage }
      checks.append(Check(
        "\(method)/shrinks",
        claim: "§8.3 and the L1 penalty: an L1 SAE's reconstruction is shorter than its input on average (SAELens shrinkage < 1) at every scale",
        measured: "shrinkage \(values.map { Figures.format($0, digits: 4) }.joined(separator: ", ")) at s = \(scales.map { Figures.format($0.scale) }.joined(separator: ", "))",
        [.each(nil, values.count == scales.count ? values : [], shrinks, qualifier: "at every scale")]))
    }
    for scale in scales {
      guard let c = candidate(.reluL1, in: scale), let low = c.byNorm.bins.first, let high = c.byNorm.bins.last, c.byNorm.bins.count >= 2 else { continue }
      checks.append(Check(
        "s=\(Figures.format(scale.scale))/relu-l1/rises-with-norm",
        claim: "§8.3: the L1 shrinkage is an absolute λ per point, so the suppression ratio s(x) rises towards 1 with ‖x‖ (as the bound (1 − λ/‖x‖)₊ does)",
        measured: "mean s(x) \(Figures.format(low.meanSuppression, digits: 4)) in the lowest norm bin (mean ‖x‖ \(Figures.format(low.meanInputNorm, digits: 3))), \(Figures.format(high.meanSuppression, digits: 4)) in the highest (\(Figures.format(high.meanInputNorm, digits: 3)))",
        [.stated("highest bin above the lowest", high.meanSuppression > low.meanSuppression)]))
    }
    if scales.count >= 2 {
      let ordered = scales.sorted { $0.scale < $1.scale }
      let (small, large) = (ordered.first!, ordered.last!)
      let ratio = large.scale / small.scale
      if let a = candidate(.reluL1, in: small)?.byNorm.meanDeficit, let b = candidate(.reluL1, in: large)?.byNorm.meanDeficit {
        checks.append(Check(
          "relu-l1/absolute-shrinkage",
          claim: "§8.3: an L1 penalty shrinks by an absolute amount (≥ λ per point for optimal codes), not by a fraction of the input: scaling the inputs by \(Figures.format(ratio)) leaves the mean ‖x − b‖ − ‖x̂ − b‖ of the relu-l1 SAE about unchanged (a proportional suppression would multiply it by \(Figures.format(ratio)))",
          measured: "mean ‖x − b‖ − ‖x̂ − b‖ = \(Figures.format(a, digits: 4)) at s = \(Figures.format(small.scale)), \(Figures.format(b, digits: 4)) at s = \(Figures.format(large.scale)) (λ = \(Figures.format(SuppressionExperiment.lambda(toy))))",
          [.stated("within a factor √\(Figures.format(ratio)) = \(Figures.format(ratio.squareRoot(), digits: 3)) of each other (the geometric midpoint of 1 and \(Figures.format(ratio)))",
                   a > 0 && b > 0 && abs(log(b / a)) < 0.5 * log(ratio))]))
      }
    }
    let pairs = scales.compactMap { scale -> (Candidate, Candidate)? in
      guard let t = candidate(.topK, in: scale), let r = candidate(.reluL1, in: scale) else { return nil }
      return (t, r)
    }
    checks.append(Check(
      "topk/less-biased-than-l1",
      claim: "TopK has no L1 penalty, so its reconstructions are less biased towards short ones than the ReLU-L1 SAE's: |1 − γ| smaller at every scale (γ = mean‖x̂‖²/mean x·x̂ is blind to features TopK drops, which SAELens's shrinkage is not)",
      measured: pairs.map { "γ \(Figures.format($0.0.metrics.relativeReconstructionBias, digits: 4)) vs \(Figures.format($0.1.metrics.relativeReconstructionBias, digits: 4)), shrinkage \(Figures.format($0.0.metrics.shrinkage, digits: 4)) vs \(Figures.format($0.1.metrics.shrinkage, digits: 4)), L0 \(Figures.format($0.0.metrics.l0, digits: 3)) vs \(Figures.format($0.1.metrics.l0, digits: 3))" }
        .joined(separator: "; ") + " (topk vs relu-l1, s = " + scales.map { Figures.format($0.scale) }.joined(separator: ", ") + ")",
      [.stated("|1 − γ_topk| < |1 − γ_relu-l1| at every scale",
               pairs.count == scales.count && pairs.allSatisfy { abs(1 - $0.0.metrics.relativeReconstructionBias) < abs(1 - $0.1.metrics.relativeReconstructionBias) })]))
    return checks.map(\.result)
  }

  /// How close to 1 the normalised SAE's per-bin suppression ratio must stay for "no suppression".
  static let keepsNorm = 0.05
  /// The share of the ReLU-L1 SAE's relative L0 spread below which scaling the L1 weight "removes" the link.
  static let removesSpread = 0.5

  /// The source's findings on one seed, each reduced to one number with its margin.
  static func findings(toy: SuppressionToy, scales: [Scale]) -> [FindingMeasurement] {
    func values(_ method: SuppressionMethod, _ value: (Candidate) -> Double) -> [Double] {
      scales.map { candidate(method, in: $0).map(value) ?? .nan }
    }
    func list(_ v: [Double], digits: Int = 4) -> String { v.map { Figures.format($0, digits: digits) }.joined(separator: ", ") }
    func extreme(_ v: [Double], _ pick: ([Double]) -> Double?) -> Double { v.isEmpty || v.contains { !$0.isFinite } ? .nan : pick(v)! }
    let scaleList = "s = " + scales.map { Figures.format($0.scale) }.joined(separator: ", ")
    let relu = values(.reluL1, \.metrics.normRatioOfSums), nsae = values(.nsae, \.metrics.normRatioOfSums)
    var findings = [FindingMeasurement(
      claim: "The L1 SAE learns a reconstruction slightly smaller than the input (empirically ‖x′‖ ≈ 0.9‖x‖)",
      margin: FindingMargin("largest over scales of the relu-l1 Σ‖x̂‖/Σ‖x‖", .below, 1), value: extreme(relu) { $0.max() },
      detail: "relu-l1 Σ‖x̂‖/Σ‖x‖ = \(list(relu)) at \(scaleList)")]
    findings.append(FindingMeasurement(
      claim: "The normalised SAE has less to no feature suppression: its norm ratio is closer to one than the baseline's",
      margin: FindingMargin("smallest over scales of |1 − ratio relu-l1| − |1 − ratio nsae|", .above, 0),
      value: extreme(zip(relu, nsae).map { abs(1 - $0) - abs(1 - $1) }) { $0.min() },
      detail: "nsae \(list(nsae)) vs relu-l1 \(list(relu)) (Σ‖x̂‖/Σ‖x‖) at \(scaleList)"))
    let nsaeBins = scales.map { candidate(.nsae, in: $0)?.byNorm.bins.map(\.meanSuppression) ?? [] }
    let binDeviation = nsaeBins.contains { $0.isEmpty } ? .nan : extreme(nsaeBins.flatMap { $0.map { abs($0 - 1) } }) { $0.max() }
    findings.append(FindingMeasurement(
      claim: "The normalised SAE does not have the feature suppression problem (the post's theoretical argument): its reconstruction keeps the input's norm",
      margin: FindingMargin("largest over scales and input-norm bins of |mean s(x) − 1| for nsae", .below, keepsNorm), value: binDeviation,
      detail: "nsae mean s(x) per input-norm bin, lowest to highest: " + nsaeBins.map { list($0, digits: 3) }.joined(separator: "; ") + " at \(scaleList)"))
    if scales.count >= 2 {
      let ordered = scales.sorted { $0.scale < $1.scale }
      let low = candidate(.reluL1, in: ordered.first!)?.metrics.normRatioOfSums ?? .nan
      let high = candidate(.reluL1, in: ordered.last!)?.metrics.normRatioOfSums ?? .nan
      findings.append(FindingMeasurement(
        claim: "Suppression is in theory more evident for inputs of high norm (the same L1 coefficient, larger inputs)",
        margin: FindingMargin("relu-l1 Σ‖x̂‖/Σ‖x‖ at the largest scale minus at the smallest", .below, 0), value: high - low,
        detail: "relu-l1 Σ‖x̂‖/Σ‖x‖ = \(Figures.format(low, digits: 4)) at s = \(Figures.format(ordered.first!.scale)), \(Figures.format(high, digits: 4)) at s = \(Figures.format(ordered.last!.scale)); Theorem 8.3 predicts the opposite (s(x) ≤ 1 − λ/‖x‖ → 1)"))
      let reluL0 = values(.reluL1, \.metrics.l0), nsaeL0 = values(.nsae, \.metrics.l0)
      func spread(_ v: [Double]) -> Double { (v.max()! - v.min()!) / (v.reduce(0, +) / Double(v.count)) }
      findings.append(FindingMeasurement(
        claim: "Scaling the L1 weight by mean(‖x‖)² removes the correlation between input norm and L0",
        margin: FindingMargin("relative L0 spread (max − min)/mean over scales, nsae over relu-l1", .below, removesSpread),
        value: spread(nsaeL0) / spread(reluL0),
        detail: "L0 relu-l1 \(list(reluL0, digits: 3)), nsae \(list(nsaeL0, digits: 3)) at \(scaleList); relative spread \(Figures.format(spread(reluL0), digits: 3)) vs \(Figures.format(spread(nsaeL0), digits: 3))"))
    }
    let reluFVU = values(.reluL1) { 1 - $0.metrics.explainedVariance }, nsaeFVU = values(.nsae) { 1 - $0.metrics.explainedVariance }
    findings.append(FindingMeasurement(
      claim: "Normalised SAEs have slightly higher reconstruction loss than the original",
      margin: FindingMargin("smallest over scales of FVU nsae − FVU relu-l1", .above, 0), value: extreme(zip(nsaeFVU, reluFVU).map { $0 - $1 }) { $0.min() },
      detail: "FVU nsae \(list(nsaeFVU)) vs relu-l1 \(list(reluFVU)) at \(scaleList) (L0 \(list(values(.nsae, \.metrics.l0), digits: 3)) vs \(list(values(.reluL1, \.metrics.l0), digits: 3)))"))
    return findings
  }
}
