import Foundation
import LabChecks

/// The source study's findings, judged on a universality record, and the checks that the
/// measurement itself is sound (the SAEs learned the world), which decide the exit code.
enum UniversalityFindings {
  typealias Record = UniversalityExperiment.Record

  /// How far above the random-decoder baseline the smallest MCS between sizes must be to be "well above" it.
  static let aboveBaseline = 0.2
  /// The source's bound on the random-weight MCS baseline.
  static let baselineBound = 0.2
  /// The largest range of MCS among pairs of sizes with the same ratio that counts as "similar".
  static let similarRange = 0.05

  /// The source's findings on one seed, each reduced to one number with its margin.
  static func findings(_ record: Record) -> [FindingMeasurement] {
    let toy = record.toy
    func f(_ v: Double?) -> String { Figures.format(v, digits: 3) }
    func smallest(_ v: [Double]) -> Double { v.isEmpty || v.contains { !$0.isFinite } ? .nan : v.min()! }
    func largest(_ v: [Double]) -> Double { v.isEmpty || v.contains { !$0.isFinite } ? .nan : v.max()! }
    var out: [FindingMeasurement] = []

    let smallToLarge = record.sizePairs.map(\.cosineForward), largeToSmall = record.sizePairs.map(\.cosineBackward)
    let largestRandom = largest(record.randomBaselines.map(\.cosineForward))
    out.append(FindingMeasurement(
      claim: "MCS between decoders of different sizes is high and well above the random-decoder baseline",
      margin: FindingMargin("smallest small→large MCS minus the largest random-decoder MCS in m = \(toy.dimension)", .above, aboveBaseline),
      value: smallest(smallToLarge) - largestRandom,
      detail: "small→large MCS \(f(smallToLarge.min()))…\(f(smallToLarge.max())); random baselines up to \(f(largestRandom))"))

    let correlations = record.sizePairs.map { $0.correlationForward ?? .nan }
    let foreign = record.variants.last?.correlationForward ?? .nan
    out.append(FindingMeasurement(
      claim: "Mean max activation correlation between sizes is high and above the mismatched baseline",
      margin: FindingMargin("smallest small→large correlation minus the foreign-world SAE's", .above, 0), value: smallest(correlations) - foreign,
      detail: "small→large \(f(correlations.min()))…\(f(correlations.max())); foreign world \(f(foreign))"))

    let seedBaseline = record.randomBaselineAtSeedDimension
    out.append(FindingMeasurement(
      claim: "The random-weight MCS baseline is about 0.15 and always below 0.2 (at the source's dimension)",
      margin: FindingMargin("MCS between two random decoders of \(seedBaseline.width) unit rows in d = \(seedBaseline.dimension)", .below, baselineBound),
      value: seedBaseline.mmcs,
      detail: "random-decoder MCS \(f(seedBaseline.mmcs)) at width \(seedBaseline.width) in d = \(seedBaseline.dimension); in this world's m = \(toy.dimension): \(record.randomBaselines.map { f($0.cosineForward) }.joined(separator: ", "))"))

    out.append(FindingMeasurement(
      claim: "The two directions differ: the small SAE's latents are found in the large one more often than the reverse",
      margin: FindingMargin("smallest over pairs of sizes of MCS small→large − large→small", .above, 0),
      value: smallest(zip(smallToLarge, largeToSmall).map { $0 - $1 }),
      detail: "small→large minus large→small: \(zip(smallToLarge, largeToSmall).map { f($0 - $1) }.joined(separator: ", "))"))

    var spreads: [(Int, Double)] = []
    for quotient in Set(record.sizePairs.map { ratio($0.to) / ratio($0.from) }).sorted() {
      let values = record.sizePairs.filter { ratio($0.to) / ratio($0.from) == quotient }.map(\.cosineForward)
      guard values.count >= 2, let low = values.min(), let high = values.max() else { continue }
      spreads.append((quotient, high - low))
    }
    out.append(FindingMeasurement(
      claim: "Pairs of sizes with the same ratio (e.g. 4:8 and 8:16) have similar MCS",
      margin: FindingMargin("largest range of small→large MCS among pairs with the same size ratio", .below, similarRange),
      value: largest(spreads.map(\.1)),
      detail: "ranges: \(spreads.map { "×\($0.0): \(f($0.1))" }.joined(separator: ", "))"))

    let seedMCS = record.seedPairs.map { ($0.cosineForward + $0.cosineBackward) / 2 }
    let seedCorrelation = record.seedPairs.map { pair in pair.correlationForward.flatMap { a in pair.correlationBackward.map { (a + $0) / 2 } } ?? .nan }
    let gaps = toy.ratios.first == 1 && seedMCS.count >= 2
      ? seedMCS.dropFirst().map { $0 - seedMCS[0] } + seedCorrelation.dropFirst().map { $0 - seedCorrelation[0] } : []
    out.append(FindingMeasurement(
      claim: "Consistency is lower at 1× than at every larger ratio",
      margin: FindingMargin("smallest over larger ratios and both metrics of (seed-to-seed value there − at 1×)", .above, 0), value: smallest(gaps),
      detail: "seed-to-seed MCS \(zip(toy.ratios, seedMCS).map { "\($0)×: \(f($1))" }.joined(separator: ", ")); correlation \(zip(toy.ratios, seedCorrelation).map { "\($0)×: \(f($1))" }.joined(separator: ", "))"))

    let medians = toy.ratios.map { r in median(record.models.first { $0.name == "\(r)x-seed-0" }?.frequencies.filter { $0 > 0 } ?? []) }
    out.append(FindingMeasurement(
      claim: "Feature frequencies fall as the projection ratio grows",
      margin: FindingMargin("largest over consecutive ratios of log(median frequency at the larger / at the smaller)", .below, 0),
      value: largest(zip(medians, medians.dropFirst()).map { log($1 / $0) }),
      detail: "median firing frequency of live latents \(zip(toy.ratios, medians).map { "\($0)×: \(f($1))" }.joined(separator: ", "))"))

    let variants = record.variants.map(\.cosineForward)
    out.append(FindingMeasurement(
      claim: "Agreement tracks shared features (lab extension): another sample stream > a world sharing \(f(toy.sharedFraction)) of the features > a foreign world",
      margin: FindingMargin("smaller of the two steps of MCS (stream − shared world, shared world − foreign world)", .above, 0),
      value: variants.count == 3 ? min(variants[0] - variants[1], variants[1] - variants[2]) : .nan,
      detail: "MCS from \(record.variants.first?.from ?? "?"): " + record.variants.map { "\($0.to) \(f($0.cosineForward))" }.joined(separator: ", ")))
    return out
  }

  /// An SAE's live latents are features of the world when their mean largest cosine with a true feature reaches this.
  static let learnedFeatures = Threshold.atLeast(0.8)

  /// Whether the SAEs learned the world at all: the live latents of every SAE point at true
  /// features (the world has more features than the widest SAE has latents, so no SAE can recover
  /// them all; what each learns must still be features), else the comparisons say nothing about
  /// learned features.
  static func checks(_ record: Record) -> [CheckResult] {
    let onWorld = record.models.filter { !$0.name.hasSuffix("-shared-world") && !$0.name.hasSuffix("-foreign-world") }
    let values = onWorld.map(\.liveLatentTruthMCS)
    return [
      Check("training/features", claim: "Every SAE trained on this world learned its features: the mean over its live latents of the largest cosine of the latent's decoder row with a true feature",
            measured: "lowest \(Figures.format(values.min(), digits: 4)) over \(values.count) SAEs", [.each(nil, values, learnedFeatures)]).result
    ]
  }

  /// The expansion ratio of the model named `name` (`<ratio>x-…`).
  private static func ratio(_ name: String) -> Int {
    Int(name.prefix { $0.isNumber }) ?? 0
  }
}
