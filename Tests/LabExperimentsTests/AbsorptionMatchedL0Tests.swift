import Foundation
@testable import LabExperiments
import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// The absorption experiment's SAEs at a target L0 (issue 18 item 5): BatchTopK, Matryoshka and
/// JumpReLU are scored on the held-out evaluation samples, and their recorded absorption gaps are
/// what `lab eval`'s library path (``SynthBenchEvaluation``) and a direct count give on those samples.
@Suite struct AbsorptionMatchedL0Tests {
  /// The small toy of ``AbsorptionExperimentTests`` with one target L0 and more evaluation than training samples.
  static func toy(seed: UInt64) -> AbsorptionToy {
    var toy = AbsorptionExperimentTests.small
    toy.seed = seed
    toy.evaluationSamples = 300
    toy.sae.targetL0s = [1]
    return toy
  }

  /// The gap of edge child → parent counted directly: among the rows where the parent's true code
  /// is > 0, the share where `latent`'s code is ≠ 0 without the child minus the share with it.
  static func referenceGap(codes: Matrix<Float>, trueCodes: Matrix<Double>, child: Int, parent: Int, latent: Int)
    -> (without: Int, with: Int, gap: Double?) {
    var without = (rows: 0, fired: 0), with = (rows: 0, fired: 0)
    for n in 0..<trueCodes.rows where trueCodes[n, parent] > 0 {
      let fired = codes[n, latent] != 0 ? 1 : 0
      if trueCodes[n, child] > 0 { with = (with.rows + 1, with.fired + fired) } else { without = (without.rows + 1, without.fired + fired) }
    }
    guard without.rows > 0, with.rows > 0 else { return (without.rows, with.rows, nil) }
    return (without.rows, with.rows, Double(without.fired) / Double(without.rows) - Double(with.fired) / Double(with.rows))
  }

  @Test("the matched-L0 SAEs' absorption gaps are measured on the held-out samples and equal lab eval's metric and a direct count")
  func gapsOnHeldOutSamples() async throws {
    await propertyCheck(count: 3, input: Gen.uint64()) { seed in
      let toy = Self.toy(seed: seed)
      let matched = try AbsorptionExperiment.matchedL0(toy, rate: 1, targetL0: 1) { _ in }
      let (train, eval) = AbsorptionExperiment.samples(toy, rate: 1)
      #expect(train.samples.rows == 256 && eval.samples.rows == 300)
      let x = Matrix(rows: eval.samples.rows, columns: eval.samples.columns, storage: eval.samples.storage.map(Float.init))
      let initialisation = SeedTree(root: seed).seed(for: AbsorptionExperiment.matchedPath(1, 1))
      let kinds: [(ArchitectureKind, [Int]?)] = [(.batchTopK, nil), (.matryoshka, toy.sae.matryoshkaPrefixes), (.jumpReLU, nil)]
      for ((kind, prefixes), candidate) in zip(kinds, matched.candidates) {
        #expect(candidate.method.rawValue == kind.rawValue)
        let architecture = try ArchitectureRegistry.make(kind: kind, options: ArchitectureOptions(k: 1, prefixes: prefixes), width: toy.sae.width).get()
        let autoencoder = AbsorptionExperiment.trainSAE(architecture, toy: toy, data: train, seed: initialisation).autoencoder
        let matching = FeatureMatching(decoder: autoencoder.parameters.decoderWeights, truth: eval.dictionary)
        #expect(matching.cosines.nestedRows == candidate.cosines, "the same SAE as the experiment's")
        var served = false
        let library = SynthBenchEvaluation.evaluate(autoencoder, truth: eval.dictionary, parents: AbsorptionExperiment.parentOfEach(toy)) {
          defer { served = true }
          return served ? nil : (x, eval.codes)
        }
        let codes = autoencoder.encode(x)
        #expect(candidate.absorptionGaps.count == toy.world.hierarchies)
        for (gap, edge) in zip(candidate.absorptionGaps, library.absorption.edges) {
          #expect(gap.child == edge.child && gap.parent == edge.parent && gap.parentLatent == edge.parentLatent)
          #expect(gap.gap == edge.gap && gap.firingWithoutChild == edge.firingWithoutChild && gap.firingWithChild == edge.firingWithChild)
          let latent = try #require(gap.parentLatent)
          let reference = Self.referenceGap(codes: codes, trueCodes: eval.codes, child: gap.child, parent: gap.parent, latent: latent)
          #expect(gap.parentOnlySamples == reference.without && gap.bothSamples == reference.with)
          #expect(gap.gap == reference.gap)
          let parentRows = (0..<eval.codes.rows).filter { eval.codes[$0, gap.parent] > 0 }.count
          #expect(gap.parentOnlySamples + gap.bothSamples == parentRows, "every parent-active evaluation sample, no training sample")
        }
      }
    }
  }

  @Test("the mean gap is NaN when an edge's gap is undefined, so a finding built on it is inconclusive")
  func undefinedGap() {
    let defined = AbsorptionGap(child: 1, parent: 0, parentLatent: 0, parentOnlySamples: 3, bothSamples: 2, firingWithoutChild: 1,
                                firingWithChild: 0.5, gap: 0.5)
    var undefined = defined
    undefined.gap = nil
    #expect(AbsorptionGap.mean([defined, defined]) == 0.5)
    #expect(AbsorptionGap.mean([defined, undefined]).isNaN)
    #expect(AbsorptionGap.mean([]).isNaN)
  }
}

extension AbsorptionMatchedL0Tests {
  @Test("the quick configuration keeps the fewest seeds and the first target L0, and is otherwise the toy")
  func quick() throws {
    let toy = AbsorptionToy.default, quick = toy.quick()
    #expect(quick.replicates == Replicates.minimum && quick.sae.targetL0s == [toy.sae.targetL0s[0]])
    var restored = quick
    restored.replicates = toy.replicates
    restored.sae.targetL0s = toy.sae.targetL0s
    #expect(restored.problems().isEmpty && quick.problems().isEmpty)
    #expect(try ToyLoader.encode(restored) == ToyLoader.encode(toy))
  }
}
