import LabOptimization
import PropertyBased

extension LPShape {
  /// Random LP shapes: sizes shrink towards the smallest, the direction and seed are free.
  static func generator(
    rows: ClosedRange<Int>, columns: ClosedRange<Int>
  ) -> Generator<LPShape, some SendableSequenceType> {
    zip(Gen.int(in: rows), Gen.int(in: columns), Gen.bool, Gen.uint64()).map { rows, columns, maximize, seed in
      LPShape(rows: rows, columns: columns, direction: maximize ? .maximize : .minimize, seed: seed)
    }
  }
}
