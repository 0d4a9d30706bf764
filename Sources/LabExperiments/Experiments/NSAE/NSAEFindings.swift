import Foundation
import LabChecks

/// The findings of seeds/004 and the soundness checks of the normalised-SAE experiment, as
/// functions of its run record.
enum NSAEFindings {
  /// The largest score difference at matched L0 that counts as "no observable difference".
  static let matchedScoreTolerance = 0.05
  /// The Pearson correlation between layer norm and L0 below which it counts as "no positive
  /// correlation" (the conventional bound of a weak correlation), stated before the run.
  static let weakCorrelation = 0.3

  /// The relative gap |L1 − L0|/L0 of an SAE (NaN when L0 = 0).
  static func l1Gap(_ result: NSAEExperiment.SAEResult) -> Double { abs(result.l1 - result.l0) / result.l0 }

  /// The source's findings on one seed, each reduced to one number with its margin.
  static func findings(_ record: NSAEExperiment.Record) -> [FindingMeasurement] {
    let layers = record.layers
    func f(_ v: Double?) -> String { Figures.format(v, digits: 3) }
    func perLayer(_ value: (NSAEExperiment.Layer) -> String) -> String {
      layers.map { "×\(Figures.format($0.scale)): \(value($0))" }.joined(separator: "; ")
    }
    func smallest(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.min()! }
    var out: [FindingMeasurement] = []

    out.append(FindingMeasurement(
      claim: "Feature suppression is suppressed: the NSAE's reconstruction-to-input norm ratio is closer to 1 than the baseline's",
      margin: FindingMargin("smallest over layers of |1 − ratio baseline| − |1 − ratio NSAE|", .above, 0),
      value: smallest(layers.map { abs(1 - $0.baseline.normRatio) - abs(1 - $0.nsae.normRatio) }),
      detail: "Σ‖x̂‖/Σ‖x‖ baseline/NSAE " + perLayer { "\(f($0.baseline.normRatio))/\(f($0.nsae.normRatio))" }))

    let first = layers.first?.baseline.normRatio ?? .nan, last = layers.last?.baseline.normRatio ?? .nan
    out.append(FindingMeasurement(
      claim: "Feature suppression (baseline) is more evident at high input norms",
      margin: FindingMargin("baseline Σ‖x̂‖/Σ‖x‖ on the highest-norm layer minus on the lowest", .below, 0), value: last - first,
      detail: "baseline Σ‖x̂‖/Σ‖x‖ \(f(first)) on the lowest-norm layer, \(f(last)) on the highest"))

    let norms = layers.map(\.meanInputNorm)
    let base = PermutationCorrelation.test(norms, layers.map(\.baseline.l0)), normalised = PermutationCorrelation.test(norms, layers.map(\.nsae.l0))
    out.append(FindingMeasurement(
      claim: "The baseline's L0 correlates positively with the layer's mean input norm",
      margin: FindingMargin("Pearson r of baseline L0 with the layers' mean input norm", .above, 0), value: base.r,
      detail: "baseline L0 " + perLayer { f($0.baseline.l0) } + "; r = \(f(base.r)), one-sided permutation p = \(f(base.p))"))
    out.append(FindingMeasurement(
      claim: "The NSAE's L0 shows no statistically significant positive correlation with the mean input norm",
      margin: FindingMargin("Pearson r of NSAE L0 with the layers' mean input norm", .below, weakCorrelation), value: normalised.r,
      detail: "NSAE L0 " + perLayer { f($0.nsae.l0) } + "; r = \(f(normalised.r)), one-sided permutation p = \(f(normalised.p))"))

    out.append(FindingMeasurement(
      claim: "L1 agrees with L0 better for the NSAE",
      margin: FindingMargin("smallest over layers of |L1 − L0|/L0 baseline − NSAE", .above, 0),
      value: smallest(layers.map { l1Gap($0.baseline) - l1Gap($0.nsae) }),
      detail: "|L1 − L0|/L0 baseline/NSAE " + perLayer { "\(f(l1Gap($0.baseline)))/\(f(l1Gap($0.nsae)))" }))

    let differences = layers.compactMap { layer in layer.matchedBaselineScore.map { abs(layer.nsae.patch.reconstructionScore - $0) } }
    out.append(FindingMeasurement(
      claim: "At matched L0 the reconstruction scores of the NSAE and the baseline show no observable difference",
      margin: FindingMargin("largest over matched layers of |score NSAE − score baseline| at the NSAE's L0", .below, matchedScoreTolerance),
      value: differences.max() ?? .nan,
      detail: "NSAE score − baseline score at the NSAE's L0 " + perLayer { layer in
        layer.matchedBaselineScore.map { f(layer.nsae.patch.reconstructionScore - $0) } ?? "not matched (L0 \(f(layer.nsae.l0)) outside the sweep)"
      }))
    return out
  }

  /// Training at least halves the toy model's loss; the clean loss is below half the zero-ablation loss.
  static let halved = Threshold.atMost(0.5)
  /// The unchanged layer scores 1 with KL 0 and the zero patch 0, to this.
  static let identityTolerance = Threshold.atMost(1e-9)
  /// A fixed-coefficient SAE reconstructs its layer when its explained variance reaches this.
  static let reconstructs = Threshold.atLeast(0.5)

  static func checks(_ record: NSAEExperiment.Record) -> [CheckResult] {
    let model = record.toyModel, m = record.toy.toyModel.hiddenDimension
    func f(_ v: Double) -> String { Figures.format(v, digits: 4) }
    let represented = model.featureNorms.filter { $0 > 0.5 }.count
    let identityError = record.layers.map { max(abs($0.identityPatch.reconstructionScore - 1), $0.identityPatch.meanKL, abs($0.zeroPatch.reconstructionScore)) }.max() ?? .nan
    let fixed = record.layers.flatMap { [$0.baseline, $0.nsae] }
    let worst = fixed.map(\.explainedVariance).min() ?? .nan
    return [
      Check("toy-model/trained", claim: "Training lowered the toy model's loss on its training rows",
            measured: "\(f(model.initialLoss)) → \(f(model.finalLoss))", [.that("final", model.finalLoss, halved, scale: model.initialLoss, scaleName: "initial")]),
      Check("toy-model/zero-ablation", claim: "The hidden layer matters: the clean loss is below the zero-ablation loss (the score's denominator is positive)",
            measured: "L_clean \(f(model.cleanLoss)), L_zero \(f(model.zeroLoss)) (held out)",
            [.that("L_clean", model.cleanLoss, Threshold.below(halved.value), scale: model.zeroLoss, scaleName: "L_zero")]),
      Check("toy-model/superposition", claim: "The hidden layer carries more features than it has dimensions (‖W_i‖ > ½)",
            measured: "\(represented) of \(model.featureNorms.count) features in m = \(m)", [.stated("> m", represented > m)]),
      Check("patching/identities", claim: "On every layer the unchanged layer scores 1 with KL 0 and the zero patch scores 0",
            measured: "largest deviation \(Figures.format(identityError, digits: 3))", [.each(nil, record.layers.isEmpty ? [] : [identityError], identityTolerance)]),
      Check("saes/learned", claim: "The fixed-coefficient SAEs (both architectures, every layer) reconstruct their layer",
            measured: "lowest explained variance \(f(worst)) over \(fixed.count) SAEs", [.each(nil, fixed.map(\.explainedVariance), reconstructs)]),
    ].map(\.result)
  }
}
