import LabRandom

/// Mini-batches of row indices as bench_w3_sae.py draws them: each epoch is a fresh random
/// permutation of `0..<rowCount` (Fisher–Yates on the `"batches"` sub-seed), cut into consecutive
/// batches of `batchSize`; the incomplete tail of an epoch is dropped.
public struct BatchSampler: Sendable {
  /// N, the number of rows.
  public let rowCount: Int
  /// B.
  public let batchSize: Int
  var generator: Xoshiro256StarStar
  var permutation: [Int]
  var position: Int

  /// Batches of `batchSize` (1…`rowCount`) rows drawn under `seed`.
  public init(rowCount: Int, batchSize: Int, seed: UInt64) {
    precondition(batchSize >= 1 && batchSize <= rowCount, "Batch size must be in 1...\(rowCount), got \(batchSize).")
    self.rowCount = rowCount
    self.batchSize = batchSize
    generator = SeedTree(root: seed).generator(for: "batches")
    permutation = Array(0..<rowCount)
    position = rowCount
  }

  /// The row indices of the next batch.
  public mutating func next() -> ArraySlice<Int> {
    if position + batchSize > rowCount {
      for i in stride(from: rowCount - 1, to: 0, by: -1) {
        permutation.swapAt(i, generator.nextInt(below: i + 1))
      }
      position = 0
    }
    defer { position += batchSize }
    return permutation[position..<(position + batchSize)]
  }
}
