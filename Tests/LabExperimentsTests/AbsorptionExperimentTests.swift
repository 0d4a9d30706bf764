import Foundation
import LabExperiments
import Testing

@Suite struct AbsorptionExperimentTests {
  /// A small version of the default toy: one rate, one C, few samples and steps.
  static var small: AbsorptionToy {
    var toy = AbsorptionToy.default
    toy.trainingSamples = 256
    toy.evaluationSamples = 256
    toy.dictionarySamples = 128
    toy.l1Coefficients = [0.2]
    toy.cooccurrenceRates = [1]
    toy.sae.steps = 200
    toy.sae.batchSize = 64
    toy.sae.targetL0s = [1]
    toy.replicates = 5
    return toy
  }

  @Test("a small run is deterministic, finds descent at the hierarchical truth and scores every candidate")
  func smallRun() throws {
    let first = try AbsorptionExperiment.run(Self.small), second = try AbsorptionExperiment.run(Self.small)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    #expect(try encoder.encode(first) == encoder.encode(second))
    let descent = first.checks.filter { $0.id.hasSuffix("truth-descent") }
    #expect(descent.count == 1 && descent.allSatisfy { $0.status == .pass })
    let cell = try #require(first.rates.first?.cells.first)
    let matched = try #require(first.rates.first?.matchedL0.first)
    #expect(matched.targetL0 == 1 && matched.candidates.map(\.method) == [.batchTopK, .matryoshka, .jumpReLU])
    for candidate in [cell.sae, cell.dictionary, first.rates[0].topK] + matched.candidates {
      #expect(candidate.metrics.absorption.count == Self.small.world.hierarchies)
      #expect((0...1).contains(candidate.metrics.meanAbsorptionFraction))
      #expect(candidate.absorptionGaps.count == Self.small.world.hierarchies)
      #expect(candidate.absorptionGaps.allSatisfy { $0.gap.map { (-1...1).contains($0) } ?? false })
    }
    let findings = first.findings.map(\.claim)
    #expect(findings.contains { $0.hasPrefix("r = 1, L0 = 1: a BatchTopK SAE absorbs") })
    #expect(findings.contains { $0.hasPrefix("r = 1, L0 = 1: Matryoshka BatchTopK absorbs less than BatchTopK") })
    for sae in [cell.sae, first.rates[0].topK] + matched.candidates {
      let loss = sae.trainingLoss ?? []
      #expect(loss.map { $0[0] } == (1...40).map { Double(5 * $0) }, "every 200/40 = 5 steps")
      #expect(loss.allSatisfy { $0[1].isFinite && $0[1] >= 0 })
    }
    #expect(cell.dictionary.trainingLoss == nil)
  }

  @Test("bad absorption toys name the field and the value")
  func problems() {
    var toy = AbsorptionToy.default
    toy.cooccurrenceRates = [0, 1]
    toy.heatMapL1 = 7
    toy.world.inputDimension = 3
    toy.sae.targetL0s = [1, 7]
    toy.sae.matryoshkaPrefixes = [4, 2]
    let problems = toy.problems()
    #expect(problems.contains("'sae.targetL0s' must be distinct numbers in 1...6 (the width), got [1, 7]"))
    #expect(problems.contains("'sae.matryoshkaPrefixes' must be strictly increasing widths in 1...5 (below 'sae.width'), got [4, 2]"))
    #expect(problems.contains("'cooccurrenceRates' must be in (0, 1], got [0.0, 1.0]"))
    #expect(problems.contains("'heatMapL1' must be one of 'l1Coefficients', got 7.0"))
    #expect(problems.contains("world: 'inputDimension' must be in 6...1024 (at least the 6 features), got 3"))
  }
}
