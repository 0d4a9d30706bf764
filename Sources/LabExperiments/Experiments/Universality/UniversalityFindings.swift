import LabChecks

/// The source study's findings, judged on a universality record, and the checks that the
/// measurement itself is sound (the SAEs learned the world), which decide the exit code.
enum UniversalityFindings {
  typealias Record = UniversalityExperiment.Record

  static func findings(_ record: Record) -> [SourceFinding] {
    let toy = record.toy
    func f(_ v: Double?) -> String { Figures.format(v, digits: 3) }
    var out: [SourceFinding] = []

    let smallToLarge = record.sizePairs.map(\.cosineForward), largeToSmall = record.sizePairs.map(\.cosineBackward)
    let largestRandom = record.randomBaselines.map(\.cosineForward).max() ?? .nan
    out.append(.init(claim: "MCS between decoders of different sizes is high and above the random-decoder baseline",
                     measured: "small→large MCS \(f(smallToLarge.min()))…\(f(smallToLarge.max())); random baselines up to \(f(largestRandom))",
                     criterion: "every small→large MCS ≥ 0.8 and above every random baseline",
                     reproduced: smallToLarge.allSatisfy { $0 >= 0.8 && $0 > largestRandom }))

    let correlations = record.sizePairs.compactMap(\.correlationForward)
    let foreign = record.variants.last?.correlationForward
    out.append(.init(claim: "Mean max activation correlation between sizes is high and above the mismatched baseline",
                     measured: "small→large \(f(correlations.min()))…\(f(correlations.max())); foreign world \(f(foreign))",
                     criterion: "every small→large correlation ≥ 0.7 and above the foreign-world SAE's",
                     reproduced: correlations.count == record.sizePairs.count && correlations.allSatisfy { $0 >= 0.7 && $0 > (foreign ?? .infinity) }))

    out.append(.init(claim: "The random-weight MCS baseline is about 0.15 and always below 0.2",
                     measured: "random-decoder MCS \(record.randomBaselines.map { f($0.cosineForward) }.joined(separator: ", ")) at widths \(toy.ratios.map { String($0 * toy.dimension) }.joined(separator: ", ")) in m = \(toy.dimension)",
                     criterion: "every random baseline < 0.2",
                     reproduced: record.randomBaselines.allSatisfy { $0.cosineForward < 0.2 }))

    out.append(.init(claim: "The two directions differ: the small SAE's latents are found in the large one more often than the reverse",
                     measured: "small→large minus large→small: \(zip(smallToLarge, largeToSmall).map { f($0 - $1) }.joined(separator: ", "))",
                     criterion: "small→large > large→small for every pair of sizes",
                     reproduced: zip(smallToLarge, largeToSmall).allSatisfy { $0 > $1 }))

    var spreads: [String] = [], similar = true
    for quotient in Set(record.sizePairs.map { ratio($0.to) / ratio($0.from) }).sorted() {
      let values = record.sizePairs.filter { ratio($0.to) / ratio($0.from) == quotient }.map(\.cosineForward)
      guard values.count >= 2, let low = values.min(), let high = values.max() else { continue }
      spreads.append("×\(quotient): \(f(high - low))")
      similar = similar && high - low <= 0.05
    }
    out.append(.init(claim: "Pairs of sizes with the same ratio (e.g. 4:8 and 8:16) have similar MCS",
                     measured: "range of small→large MCS among pairs with the same size ratio: \(spreads.joined(separator: ", "))",
                     criterion: "every range ≤ 0.05", reproduced: !spreads.isEmpty && similar))

    let seedMCS = record.seedPairs.map { ($0.cosineForward + $0.cosineBackward) / 2 }
    let seedCorrelation = record.seedPairs.map { pair in pair.correlationForward.flatMap { a in pair.correlationBackward.map { (a + $0) / 2 } } ?? .nan }
    let lowestAtOne = toy.ratios.first == 1 && seedMCS.count >= 2
      && seedMCS.dropFirst().allSatisfy { $0 > seedMCS[0] } && seedCorrelation.dropFirst().allSatisfy { $0 > seedCorrelation[0] }
    out.append(.init(claim: "Consistency is lower at 1× than at every larger ratio",
                     measured: "seed-to-seed MCS \(zip(toy.ratios, seedMCS).map { "\($0)×: \(f($1))" }.joined(separator: ", ")); correlation \(zip(toy.ratios, seedCorrelation).map { "\($0)×: \(f($1))" }.joined(separator: ", "))",
                     criterion: "both seed-to-seed metrics at 1× below their values at every other ratio", reproduced: lowestAtOne))

    let medians = toy.ratios.map { r in median(record.models.first { $0.name == "\(r)x-seed-0" }?.frequencies.filter { $0 > 0 } ?? []) }
    out.append(.init(claim: "Feature frequencies fall as the projection ratio grows",
                     measured: "median firing frequency of live latents \(zip(toy.ratios, medians).map { "\($0)×: \(f($1))" }.joined(separator: ", "))",
                     criterion: "strictly decreasing in the ratio", reproduced: zip(medians, medians.dropFirst()).allSatisfy { $0 > $1 }))

    let variants = record.variants.map(\.cosineForward)
    out.append(.init(claim: "Agreement tracks shared features (lab extension): another sample stream > a world sharing \(f(toy.sharedFraction)) of the features > a foreign world",
                     measured: "MCS from \(record.variants.first?.from ?? "?"): " + record.variants.map { "\($0.to) \(f($0.cosineForward))" }.joined(separator: ", "),
                     criterion: "strictly decreasing in that order", reproduced: variants.count == 3 && variants[0] > variants[1] && variants[1] > variants[2]))
    return out
  }

  /// An SAE recovers the world's features when their MMCS reaches this.
  static let recovered = Threshold.atLeast(0.9)

  /// Whether the SAEs learned the world at all: every SAE at least as wide as the world's feature
  /// count must recover its features, else the comparisons say nothing about learned features.
  static func checks(_ record: Record) -> [CheckResult] {
    let features = record.toy.world.featureCount
    let wide = record.models.filter { $0.width >= features && $0.name.contains("seed") }
    let lowest = wide.map(\.truthMMCS).min() ?? .nan
    return [
      Check("training/recovery", claim: "SAEs with at least as many latents as true features (\(features)) recover them (MMCS of the true features)",
            measured: "lowest MMCS \(Figures.format(lowest, digits: 4)) over \(wide.count) SAEs", [.each(nil, wide.map(\.truthMMCS), recovered)]).result
    ]
  }

  /// The expansion ratio of the model named `name` (`<ratio>x-…`).
  private static func ratio(_ name: String) -> Int {
    Int(name.prefix { $0.isNumber }) ?? 0
  }

  private static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
}
