import LabNumerics
import LabRandom
import PropertyBased
import Testing

/// The nonzero pattern of a matrix against a plain scan of its entries.
@Suite struct NonzeroPatternTests {
  static func matrix(rows: Int, columns: Int, seed: Int) -> Matrix<Double> {
    var generator = Xoshiro256StarStar(seed: UInt64(seed))
    return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in
      let u = generator.nextUniform()
      return u < 0.7 ? (u < 0.1 ? -0.0 : 0) : (u < 0.75 ? .nan : generator.nextNormal())
    })
  }

  @Test("Property: row i lists the columns of row i's entries that are not 0 (NaN included), in order; appending patterns stacks the rows")
  func pattern() async {
    await propertyCheck(input: Gen.int(in: 0...9), Gen.int(in: 0...9), Gen.int(in: 0...13), Gen.int(in: 0...1_000_000)) {
      top, bottom, columns, seed in
      let a = Self.matrix(rows: top, columns: columns, seed: seed), b = Self.matrix(rows: bottom, columns: columns, seed: seed + 1)
      let pattern = NonzeroPattern(a)
      #expect(pattern.rows == top)
      for i in 0..<top { #expect(Array(pattern.row(i)) == (0..<columns).filter { a[i, $0] != 0 }, "row \(i)") }
      var stacked = pattern
      stacked.append(NonzeroPattern(b))
      #expect(stacked == NonzeroPattern(Matrix(rows: top + bottom, columns: columns, storage: a.storage + b.storage)))
    }
  }
}
