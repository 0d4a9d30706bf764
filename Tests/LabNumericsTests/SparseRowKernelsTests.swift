import LabNumerics
import LabRandom
import PropertyBased
import Testing

/// The sparse-row kernels against the plain one-at-a-time loops they replace: the same positions,
/// and the same bits for r + value·d.
@Suite struct SparseRowKernelsTests {
  @Test("Property: appendNonzeros lists exactly the positions of the values that are not 0 (NaN included), in order, after what the list held")
  func nonzeros() async {
    await propertyCheck(input: Gen.int(in: 0...41), Gen.int(in: 0...1_000_000)) { count, seed in
      var generator = Xoshiro256StarStar(seed: UInt64(seed))
      let values: [Double] = (0..<count).map { _ in
        let u = generator.nextUniform()
        return u < 0.7 ? (u < 0.1 ? -0.0 : 0) : (u < 0.75 ? .nan : generator.nextNormal())
      }
      var list = [-1]
      values.withUnsafeBufferPointer { SparseRowKernels.appendNonzeros($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: count, to: &list) }
      #expect(list == [-1] + values.indices.filter { values[$0] != 0 })
    }
  }

  @Test("Property: add gives the bits of r[i] += value · d[i] one entry at a time")
  func addScaled() async {
    await propertyCheck(input: Gen.int(in: 0...41), Gen.int(in: 0...1_000_000)) { count, seed in
      var generator = Xoshiro256StarStar(seed: UInt64(seed))
      let d = (0..<count).map { _ in generator.nextNormal() * 1e3 }
      var r = (0..<count).map { _ in generator.nextNormal() }
      let value = generator.nextNormal()
      var expected = r
      for i in 0..<count { expected[i] += value * d[i] }
      d.withUnsafeBufferPointer { d in
        r.withUnsafeMutableBufferPointer { r in
          if count > 0 { SparseRowKernels.add(value, times: d.baseAddress!, to: r.baseAddress!, count: count) }
        }
      }
      #expect(r.map(\.bitPattern) == expected.map(\.bitPattern))
    }
  }
}
