import LabRandom
import PropertyBased
import Testing

@Suite struct RangeTests {
  @Test func nextIntStaysBelowTheBound() async {
    await propertyCheck(input: Gen.uint64(), Gen.int(in: 1...Int.max)) { seed, n in
      var generator = Xoshiro256StarStar(seed: seed)
      for _ in 0..<100 {
        let k = generator.nextInt(below: n)
        #expect(k >= 0 && k < n)
      }
    }
  }

  @Test func nextIntBelowOneIsZero() {
    var generator = Xoshiro256StarStar(seed: 7)
    #expect((0..<100).allSatisfy { _ in generator.nextInt(below: 1) == 0 })
  }

  @Test func uniformSamplesStayInRange() async {
    await propertyCheck(input: Gen.uint64(), Gen.double(in: -1e6...1e6), Gen.double(in: 0...1e6)) {
      seed, lower, width in
      var generator = Xoshiro256StarStar(seed: seed)
      for _ in 0..<100 {
        let u = generator.nextUniform()
        #expect(u >= 0 && u < 1)
        let x = generator.nextUniform(in: lower...(lower + width))
        #expect(x >= lower && x <= lower + width)
      }
    }
  }

  @Test func bernoulliExtremesAreCertain() async {
    await propertyCheck(input: Gen.uint64()) { seed in
      var generator = Xoshiro256StarStar(seed: seed)
      #expect((0..<100).allSatisfy { _ in !generator.nextBernoulli(0) && generator.nextBernoulli(1) })
    }
  }

  @Test func normalSamplesAreFinite() async {
    await propertyCheck(input: Gen.uint64()) { seed in
      var generator = Xoshiro256StarStar(seed: seed)
      #expect((0..<100).allSatisfy { _ in generator.nextNormal().isFinite })
    }
  }
}
