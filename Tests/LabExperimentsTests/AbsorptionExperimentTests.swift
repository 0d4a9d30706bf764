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
    for candidate in [cell.sae, cell.dictionary, first.rates[0].topK] {
      #expect(candidate.metrics.absorption.count == Self.small.world.hierarchies)
      #expect((0...1).contains(candidate.metrics.meanAbsorptionFraction))
    }
    for sae in [cell.sae, first.rates[0].topK] {
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
    let problems = toy.problems()
    #expect(problems.contains("'cooccurrenceRates' must be in (0, 1], got [0.0, 1.0]"))
    #expect(problems.contains("'heatMapL1' must be one of 'l1Coefficients', got 7.0"))
    #expect(problems.contains("world: 'inputDimension' must be in 6...1024 (at least the 6 features), got 3"))
  }
}
