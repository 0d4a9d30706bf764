import Foundation
import LabRandom
import PropertyBased
import Testing

@Suite struct DeterminismTests {
  @Test func sameSeedGivesTheSameStream() async {
    await propertyCheck(input: Gen.uint64()) { seed in
      var a = Xoshiro256StarStar(seed: seed)
      var b = Xoshiro256StarStar(seed: seed)
      #expect((0..<64).map { _ in a.next() } == (0..<64).map { _ in b.next() })
      var c = SplitMix64(seed: seed)
      var d = SplitMix64(seed: seed)
      #expect((0..<64).map { _ in c.next() } == (0..<64).map { _ in d.next() })
    }
  }

  @Test func neighbouringSeedsGiveDifferentStreams() async {
    await propertyCheck(input: Gen.uint64(in: 0...(UInt64.max - 1))) { seed in
      var a = Xoshiro256StarStar(seed: seed)
      var b = Xoshiro256StarStar(seed: seed + 1)
      #expect((0..<4).map { _ in a.next() } != (0..<4).map { _ in b.next() })
    }
  }

  @Test func seedTreeGeneratorIsSeededWithTheNamedSeed() async {
    await propertyCheck(input: Gen.uint64(), Gen.letterOrNumber.string(of: 0...12)) { root, path in
      let tree = SeedTree(root: root)
      var fromTree = tree.generator(for: path)
      var direct = Xoshiro256StarStar(seed: tree.seed(for: path))
      #expect((0..<8).map { _ in fromTree.next() } == (0..<8).map { _ in direct.next() })
      #expect(SeedTree(root: root).seed(for: path) == tree.seed(for: path))
    }
  }

  /// A name's seed is a pure function of the root and that name, so deriving other names first
  /// (or adding new ones) cannot change it; distinct names and roots give distinct seeds.
  @Test func seedTreeNamesAreIndependent() async {
    await propertyCheck(input: Gen.uint64()) { root in
      let tree = SeedTree(root: root)
      let before = tree.seed(for: "toy/dictionary")
      let names = (0..<500).map { "toy/atom-\($0)" }
      let seeds = names.map(tree.seed(for:))
      #expect(tree.seed(for: "toy/dictionary") == before)
      #expect(Set(seeds + [before]).count == names.count + 1)
      #expect(SeedTree(root: root ^ 1).seed(for: "toy/dictionary") != before)
    }
  }

  @Test func seedTreeRoundTripsThroughJSON() throws {
    let tree = SeedTree(root: 0xDEAD_BEEF_F00D_CAFE)
    let decoded = try JSONDecoder().decode(SeedTree.self, from: JSONEncoder().encode(tree))
    #expect(decoded == tree)
    #expect(decoded.seed(for: "x") == tree.seed(for: "x"))
  }
}
