import LabGenerators
import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct CooccurrenceWorldTests {
  static func world(hierarchies: Int, independent: Int) -> CooccurrenceWorld {
    CooccurrenceWorld(inputDimension: 2 * hierarchies + independent + 1, hierarchies: hierarchies, independentFeatures: independent,
                      parentProbability: 0.3, childProbability: 0.4, magnitude: [0.5, 1.5])
  }

  @Test("at r = 1 a child fires only with its parent; samples are codes · axes; the same seed gives the same data") func hierarchy() async {
    await propertyCheck(count: 20, input: Gen.int(in: 1...3), Gen.int(in: 0...2), Gen.uint64()) { h, e, seed in
      let world = Self.world(hierarchies: h, independent: e)
      var a = SeedTree(root: seed).generator(for: "w"), b = a
      let data = world.sample(count: 200, cooccurrence: 1, using: &a)
      #expect(data == world.sample(count: 200, cooccurrence: 1, using: &b))
      #expect(data.samples == data.codes * world.dictionary)
      for parent in world.parents {
        #expect((0..<200).allSatisfy { data.codes[$0, parent + 1] == 0 || data.codes[$0, parent] > 0 })
      }
    }
  }

  /// 4000 samples: the share's standard error is below 0.02, so 0.08 is a four-sigma margin.
  @Test("the share of parent samples with the child matches P(child | parent)") func cooccurrence() async {
    await propertyCheck(count: 10, input: Gen.double(in: 0.2...1), Gen.uint64()) { r, seed in
      let world = Self.world(hierarchies: 1, independent: 0)
      var generator = SeedTree(root: seed).generator(for: "w")
      let data = world.sample(count: 4000, cooccurrence: r, using: &generator)
      let parent = (0..<4000).filter { data.codes[$0, 0] > 0 }
      let share = Double(parent.filter { data.codes[$0, 1] > 0 }.count) / Double(parent.count)
      #expect(abs(share - world.childGivenParent(cooccurrence: r)) <= 0.08)
    }
  }
}
