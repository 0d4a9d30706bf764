import LabChecks
import LabTraining

/// The checks of the synth-bench experiment (what must hold for the measurement to be sound) and its
/// findings (what the published SynthSAEBench results claim), with the published table.
enum SynthBenchVerdict {
  /// The published values at L0 = 25 on SynthSAEBench-16k (sae-lens `docs/synth_sae_bench.md`,
  /// mean over 5 seeds): F1, MCC, uniqueness, explained variance.
  static let published: [SynthBenchToy.Architecture: (f1: Double, mcc: Double, uniqueness: Double, explainedVariance: Double)] = [
    .batchTopK: (0.732, 0.757, 0.984, 0.792),
    .matryoshka: (0.879, 0.793, 0.999, 0.779),
    .jumpReLU: (0.732, 0.753, 0.989, 0.795),
    .standardL1: (0.556, 0.604, 0.898, 0.765),
    .matchingPursuit: (0.446, 0.693, 0.828, 0.835),
  ]

  /// How far an SAE's evaluation L0 may sit from its target, relative to the target (relu-l1,
  /// jumprelu, batchtopk, matryoshka); matching pursuit's L0 is at most its target by construction.
  static let l0Tolerance = Threshold.atMost(0.2)

  /// The target L0 the findings compare architectures at: the published 25 when swept, else the middle target.
  static func comparisonL0(_ toy: SynthBenchToy) -> Int {
    toy.targetL0s.contains(SynthBenchToy.publishedL0) ? SynthBenchToy.publishedL0 : toy.targetL0s[toy.targetL0s.count / 2]
  }

  /// The values of a metric that lie outside its range, named.
  static func outOfRange(_ m: SynthBenchMetrics, width: Int) -> [String] {
    var bad: [String] = []
    for (name, value) in [("mcc", m.mcc), ("uniqueness", m.uniqueness), ("precision", m.precision), ("recall", m.recall), ("f1", m.f1)]
    where !(value >= 0 && value <= 1) { bad.append("\(name) \(value)") }
    if !(m.explainedVariance.isFinite && m.explainedVariance <= 1) { bad.append("explainedVariance \(m.explainedVariance)") }
    if !(m.l0 >= 0 && m.l0 <= Double(width)) { bad.append("l0 \(m.l0)") }
    if !(0...width).contains(m.deadLatents) { bad.append("deadLatents \(m.deadLatents)") }
    if !(m.shrinkage.isFinite && m.shrinkage >= 0) { bad.append("shrinkage \(m.shrinkage)") }
    return bad
  }

  /// The relative distance of an SAE's evaluation L0 from its target; for matching pursuit, how far it exceeds it (0 at or below).
  static func l0Miss(_ sae: SynthBenchExperiment.SAEResult) -> Double {
    let k = Double(sae.targetL0), l0 = sae.metrics.l0
    return sae.architecture == .matchingPursuit ? max(0, l0 - k) / k : abs(l0 - k) / k
  }

  /// Whether the measurement is sound, over every SAE of every seed.
  static func checks(_ toy: SynthBenchToy, _ saes: [SynthBenchExperiment.SAEResult]) -> [CheckResult] {
    let width = toy.active.width
    let bad = saes.flatMap { sae in (outOfRange(sae.metrics, width: width) + (sae.trainingEncoder.map { outOfRange($0, width: width) } ?? []))
      .map { "\(sae.name): \($0)" } }
    let diverged = saes.filter { $0.divergedAtStep != nil }
    let misses = saes.map(l0Miss), worst = saes.indices.max { misses[$0] < misses[$1] }
    let reproduced = saes.first?.reproducedBits
    return [
      Check("metrics/range", claim: "Every metric of every SAE lies in its range: MCC, uniqueness, precision, recall and F1 in [0, 1], explained variance finite and ≤ 1, L0 and dead latents in 0…width, shrinkage finite and ≥ 0 (saved and training-time encoders)",
            measured: bad.isEmpty ? "all \(saes.count) SAEs in range" : "\(bad.count) out of range, first \(bad[0])",
            [.that("values out of range", Double(bad.count), .atMost(0))]).result,
      Check("training/finite", claim: "Every SAE trained to the end with finite losses, gradients and weights",
            measured: diverged.isEmpty ? "none of \(saes.count) diverged" : "\(diverged.count) diverged, first \(diverged[0].name) at step \(diverged[0].divergedAtStep!)",
            [.that("diverged SAEs", Double(diverged.count), .atMost(0))]).result,
      Check("l0/target", claim: "Every SAE's evaluation L0 (as saved) is near its target: relu-l1 and jumprelu through the target-L0 controller, batchtopk and matryoshka through k and the threshold that replaces it at inference; matching pursuit at most its target",
            measured: worst.map { "largest relative miss \(Figures.format(misses[$0], digits: 3)) (\(saes[$0].name): L0 \(Figures.format(saes[$0].metrics.l0, digits: 4)))" } ?? "no SAE",
            [.each("|L0 − target| / target (matching pursuit: excess only)", misses, l0Tolerance)]).result,
      Check("determinism", claim: "Training the sweep's first SAE twice from its seed gives the same bits (weights and learned thresholds)",
            measured: reproduced.map { $0 ? "same bits" : "different bits" } ?? "not measured",
            [.stated("identical", reproduced == true)]).result,
    ]
  }

  /// One seed's measurement of the published findings.
  static func findings(_ toy: SynthBenchToy, _ saes: [SynthBenchExperiment.SAEResult]) -> [FindingMeasurement] {
    let k = comparisonL0(toy), low = toy.targetL0s.first!, high = toy.targetL0s.last!
    func metric(_ a: SynthBenchToy.Architecture, _ l0: Int, _ path: KeyPath<SynthBenchMetrics, Double>) -> Double {
      saes.first { $0.architecture == a && $0.targetL0 == l0 }?.metrics[keyPath: path] ?? .nan
    }
    /// The largest (or smallest) value over `architectures`; NaN when one is missing, so the finding is inconclusive.
    func extreme(_ path: KeyPath<SynthBenchMetrics, Double>, of architectures: [SynthBenchToy.Architecture], sign: Double) -> Double {
      sign * architectures.map { sign * metric($0, k, path) }.reduce(-Double.infinity) { $0.isNaN || $1.isNaN ? .nan : max($0, $1) }
    }
    func best(_ path: KeyPath<SynthBenchMetrics, Double>, of architectures: [SynthBenchToy.Architecture]) -> Double { extreme(path, of: architectures, sign: 1) }
    func worst(_ path: KeyPath<SynthBenchMetrics, Double>, of architectures: [SynthBenchToy.Architecture]) -> Double { extreme(path, of: architectures, sign: -1) }
    let all = SynthBenchToy.Architecture.allCases
    func others(_ a: SynthBenchToy.Architecture...) -> [SynthBenchToy.Architecture] { all.filter { !a.contains($0) } }
    func f(_ v: Double) -> String { Figures.format(v, digits: 3) }
    func listed(_ path: KeyPath<SynthBenchMetrics, Double>) -> String {
      all.map { "\($0.publishedName) \(f(metric($0, k, path)))" }.joined(separator: ", ")
    }
    let present = toy.architectures
    let precisionDrop = present.map { metric($0, low, \.precision) - metric($0, high, \.precision) }
    let recallRise = present.map { metric($0, high, \.recall) - metric($0, low, \.recall) }
    func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
    return [
      FindingMeasurement(
        claim: "Matryoshka BatchTopK has the best F1 at L0 = 25 (published 0.879, next 0.732)",
        margin: FindingMargin("Matryoshka's F1 minus the best other architecture's, at L0 = \(k)", .above, 0),
        value: metric(.matryoshka, k, \.f1) - best(\.f1, of: others(.matryoshka)), detail: "F1 at L0 = \(k): " + listed(\.f1)),
      FindingMeasurement(
        claim: "BatchTopK and JumpReLU score above Standard L1 and Matching Pursuit in F1 at L0 = 25 (published 0.732 and 0.732 against 0.556 and 0.446)",
        margin: FindingMargin("the lower F1 of BatchTopK and JumpReLU minus the higher of Standard L1 and Matching Pursuit, at L0 = \(k)", .above, 0),
        value: min(metric(.batchTopK, k, \.f1), metric(.jumpReLU, k, \.f1)) - max(metric(.standardL1, k, \.f1), metric(.matchingPursuit, k, \.f1)),
        detail: "F1 at L0 = \(k): " + listed(\.f1)),
      FindingMeasurement(
        claim: "Matching Pursuit has the worst F1 at L0 = 25 (published 0.446)",
        margin: FindingMargin("the worst other architecture's F1 minus Matching Pursuit's, at L0 = \(k)", .above, 0),
        value: worst(\.f1, of: others(.matchingPursuit)) - metric(.matchingPursuit, k, \.f1), detail: "F1 at L0 = \(k): " + listed(\.f1)),
      FindingMeasurement(
        claim: "Matching Pursuit explains the most variance at L0 = 25 (published 0.835 against at most 0.795), without learning the features better",
        margin: FindingMargin("Matching Pursuit's explained variance minus the best other architecture's, at L0 = \(k)", .above, 0),
        value: metric(.matchingPursuit, k, \.explainedVariance) - best(\.explainedVariance, of: others(.matchingPursuit)),
        detail: "explained variance at L0 = \(k): " + listed(\.explainedVariance)),
      FindingMeasurement(
        claim: "Standard L1 has the lowest MCC at L0 = 25 (published 0.604 against at least 0.693)",
        margin: FindingMargin("the lowest other architecture's MCC minus Standard L1's, at L0 = \(k)", .above, 0),
        value: worst(\.mcc, of: others(.standardL1)) - metric(.standardL1, k, \.mcc), detail: "MCC at L0 = \(k): " + listed(\.mcc)),
      FindingMeasurement(
        claim: "L0 mediates a precision–recall trade-off: as L0 grows, precision falls",
        margin: FindingMargin("mean over the architectures of precision at L0 = \(low) minus precision at L0 = \(high)", .above, 0),
        value: mean(precisionDrop), detail: zip(present, precisionDrop).map { "\($0.publishedName) \(f($1))" }.joined(separator: ", ")),
      FindingMeasurement(
        claim: "L0 mediates a precision–recall trade-off: as L0 grows, recall rises",
        margin: FindingMargin("mean over the architectures of recall at L0 = \(high) minus recall at L0 = \(low)", .above, 0),
        value: mean(recallRise), detail: zip(present, recallRise).map { "\($0.publishedName) \(f($1))" }.joined(separator: ", ")),
    ]
  }
}
