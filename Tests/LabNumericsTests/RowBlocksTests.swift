import LabNumerics
import PropertyBased
import Testing

/// RowBlocks' split: contiguous blocks covering every row once, in order, whatever the count.
@Suite struct RowBlocksTests {
  @Test("Property: map's blocks, joined in the order returned, are 0..<rows once each, as many blocks as workers can take")
  func mapJoinsInOrder() async {
    await propertyCheck(input: Gen.int(in: 0...300), Gen.int(in: 1...9)) { rows, count in
      let blocks = RowBlocks.map(rows: rows, count: count) { Array($0) }
      #expect(Array(blocks.joined()) == Array(0..<rows))
      #expect(blocks.count == (count > 1 && rows > 1 ? min(count, rows) : 1))
      #expect(blocks.map(\.count).max()! - blocks.map(\.count).min()! <= 1)
    }
  }

  @Test("Property: forEach visits every row of 0..<rows exactly once")
  func forEachVisitsEachRowOnce() async {
    await propertyCheck(input: Gen.int(in: 0...300), Gen.int(in: 1...9)) { rows, count in
      var visits = [Int](repeating: 0, count: rows)
      visits.withUnsafeMutableBufferPointer { out in
        guard let base = out.baseAddress else { return }
        let output = DisjointOutput(base: base)
        RowBlocks.forEach(rows: rows, count: count) { range in
          for row in range { output.base[row] += 1 }
        }
      }
      #expect(visits.allSatisfy { $0 == 1 })
    }
  }
}
