import Foundation
import LabExperiments
import LabRandom
import PropertyBased
import Testing

/// Interpolation at matched L0 (the frontier's claim): piecewise linear in log L0 through the
/// measured points, nothing outside them; and the common grid lies inside every family's range.
@Suite struct MatchedL0Tests {
  /// 1–6 measurements with L0 in [0.5, 10] and MSE in [0, 2], in random order.
  static func measurements(seed: UInt64) -> [MatchedL0.Measurement] {
    var g = SeedTree(root: seed).generator(for: "measurements")
    return (0..<(1 + g.nextInt(below: 6))).map { _ in
      MatchedL0.Measurement(l0: g.nextUniform(in: 0.5...10), meanSquaredError: g.nextUniform(in: 0...2))
    }
  }

  @Test("the interpolant passes through every measured point, is linear in log L0 between neighbours, and is nil outside the range")
  func interpolation() async {
    await propertyCheck(count: 200, input: Gen.uint64(), Gen.double(in: 0...1)) { seed, t in
      let points = Self.measurements(seed: seed)
      let sorted = points.sorted { $0.l0 < $1.l0 }
      for p in points { #expect(MatchedL0.meanSquaredError(points, at: p.l0) == p.meanSquaredError) }
      #expect(MatchedL0.meanSquaredError(points, at: sorted.first!.l0 * 0.999) == nil)
      #expect(MatchedL0.meanSquaredError(points, at: sorted.last!.l0 * 1.001) == nil)
      #expect(MatchedL0.range(points) == sorted.first!.l0...sorted.last!.l0)
      for (a, b) in zip(sorted, sorted.dropFirst()) {
        let bound = Self.roundingBound(a, b)
        let geometricMean = (a.l0 * b.l0).squareRoot()
        let middle = MatchedL0.meanSquaredError(points, at: geometricMean) ?? .nan
        #expect(abs(middle - (a.meanSquaredError + b.meanSquaredError) / 2) <= bound, "midpoint in log L0")
        // The computed point can round just outside [a, b] at t = 0 or 1; the point meant is inside.
        let l0 = min(b.l0, max(a.l0, exp(log(a.l0) + t * (log(b.l0) - log(a.l0)))))
        let value = MatchedL0.meanSquaredError(points, at: l0) ?? .nan
        #expect(abs(value - (a.meanSquaredError + t * (b.meanSquaredError - a.meanSquaredError))) <= bound)
        #expect(value >= min(a.meanSquaredError, b.meanSquaredError) - 1e-12 && value <= max(a.meanSquaredError, b.meanSquaredError) + 1e-12)
      }
    }
  }

  /// How far the interpolant at a computed point between `a` and `b` may be from its value at the
  /// point meant: the point carries a relative rounding error of a few ε (a square root or an
  /// exponential of a rounded sum), and so do the logarithms of it and of a and b, each off by about
  /// ε·(1 + |log L0|). That moves t by that over Δ = log b − log a and the value by t's error times
  /// |ΔMSE|; the factor 8 covers the few roundings, and 1e-12 the final affine combination.
  static func roundingBound(_ a: MatchedL0.Measurement, _ b: MatchedL0.Measurement) -> Double {
    let logs = 1 + max(abs(log(a.l0)), abs(log(b.l0))), delta = log(b.l0) - log(a.l0)
    guard delta > 0 else { return 1e-12 }
    return 1e-12 + 8 * Double.ulpOfOne * logs / delta * abs(b.meanSquaredError - a.meanSquaredError)
  }

  @Test("a non-positive L0 is not used")
  func nonPositive() {
    let points = [MatchedL0.Measurement(l0: 0, meanSquaredError: 5), MatchedL0.Measurement(l0: 2, meanSquaredError: 1)]
    #expect(MatchedL0.range(points) == 2...2)
    #expect(MatchedL0.meanSquaredError(points, at: 1) == nil && MatchedL0.meanSquaredError(points, at: 2) == 1)
  }

  @Test("the common grid is ascending, lies in every range, spans their intersection, and keeps the anchors inside it")
  func grid() async {
    await propertyCheck(count: 200, input: Gen.uint64()) { seed in
      let ranges = (0..<3).compactMap { MatchedL0.range(Self.measurements(seed: seed &+ UInt64($0))) }
      let anchors: [Double] = [1, 2, 4, 8]
      let grid = MatchedL0.grid(ranges: ranges, anchors: anchors)
      let low = ranges.map(\.lowerBound).max()!, high = ranges.map(\.upperBound).min()!
      if low > high {
        #expect(grid.isEmpty)
      } else {
        #expect(grid.first == low && grid.last == high && grid == grid.sorted())
        #expect(grid.allSatisfy { l0 in ranges.allSatisfy { $0.contains(l0) } })
        #expect(anchors.filter { low < $0 && $0 < high }.allSatisfy(grid.contains))
      }
    }
  }
}
