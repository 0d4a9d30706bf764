import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// ``InputNormShrinkage`` against a per-point reference and against THEORY §8.3 in the cases where
/// the optimal codes are known in closed form.
@Suite struct InputNormShrinkageTests {
  /// n random points in ℝ^m with norms spread over a decade, and a random bias.
  static func points(n: Int, m: Int, seed: UInt64) -> (x: Matrix<Double>, bias: [Double]) {
    var generator = SeedTree(root: seed).generator(for: "points")
    var x = Matrix<Double>(rows: n, columns: m)
    for t in 0..<n {
      let scale = generator.nextUniform(in: 0.1...3)
      for d in 0..<m { x[t, d] = scale * generator.nextNormal() }
    }
    return (x, (0..<m).map { _ in 0.1 * generator.nextNormal() })
  }

  static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  @Test("binned means equal the per-point ratios grouped by a linear search of the bins") func reference() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...60), Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.uint64()) { n, m, bins, seed in
      let (x, bias) = Self.points(n: n, m: m, seed: seed)
      var generator = SeedTree(root: seed).generator(for: "reconstructions")
      let xhat = Matrix(rows: n, columns: m, storage: x.storage.map { $0 * generator.nextUniform(in: 0...1.2) })
      let lambda = generator.nextUniform(in: 0...1)
      let edges = InputNormShrinkage.quantileEdges(of: InputNormShrinkage.norms(x), bins: bins)
      let result = InputNormShrinkage.measure(inputs: x, reconstructions: xhat, bias: bias, lambda: lambda, edges: edges)
      var expected: [Int: [(norm: Double, ratio: Double, s: Double, bound: Double, deficit: Double)]] = [:]
      for t in 0..<n {
        let xt = x.row(t), ht = xhat.row(t)
        let centred = Self.norm(zip(xt, bias).map { $0 - $1 }), centredOut = Self.norm(zip(ht, bias).map { $0 - $1 })
        let b = (0..<(edges.count - 1)).first { Self.norm(xt) >= edges[$0] && (Self.norm(xt) < edges[$0 + 1] || $0 == edges.count - 2) }
        guard let b, Self.norm(xt) > InputNormShrinkage.minimumInputNorm, Self.norm(xt) <= edges.last! else { continue }
        expected[b, default: []].append((Self.norm(xt), Self.norm(ht) / Self.norm(xt), centredOut / centred, max(0, 1 - lambda / centred),
                                         centred - centredOut))
      }
      #expect(result.bins.map(\.lower) == expected.keys.sorted().map { edges[$0] })
      #expect(result.bins.reduce(0) { $0 + $1.samples } == expected.values.reduce(0) { $0 + $1.count })
      #expect(expected.values.reduce(0) { $0 + $1.count } == InputNormShrinkage.norms(x).filter { $0 > InputNormShrinkage.minimumInputNorm }.count,
              "every point with a norm lies in a bin")
      for (bin, key) in zip(result.bins, expected.keys.sorted()) {
        let rows = expected[key]!, count = Double(rows.count)
        #expect(bin.samples == rows.count)
        #expect(abs(bin.meanInputNorm - rows.reduce(0) { $0 + $1.norm } / count) <= 1e-12)
        #expect(abs(bin.meanRatio - rows.reduce(0) { $0 + $1.ratio } / count) <= 1e-12)
        #expect(abs(bin.meanSuppression - rows.reduce(0) { $0 + $1.s } / count) <= 1e-12)
        #expect(abs(bin.meanBound - rows.reduce(0) { $0 + $1.bound } / count) <= 1e-12)
        #expect(abs(bin.meanDeficit - rows.reduce(0) { $0 + $1.deficit } / count) <= 1e-12)
      }
    }
  }

  @Test("quantile edges increase from the least to the largest norm and fill the bins about equally") func quantiles() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...200), Gen.int(in: 1...10), Gen.uint64()) { n, bins, seed in
      var generator = SeedTree(root: seed).generator(for: "norms")
      let norms = (0..<n).map { _ in generator.nextUniform(in: 0.01...10) } + [0]
      let edges = InputNormShrinkage.quantileEdges(of: norms, bins: bins)
      let positive = norms.filter { $0 > 0 }
      #expect(edges.first == positive.min() && (edges.last == positive.max() || positive.count == 1))
      #expect(zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 })
      let wanted = min(bins, positive.count)
      #expect(edges.count - 1 <= wanted && edges.count - 1 >= max(1, wanted - 1), "distinct norms give distinct edges (the last may merge)")
      let counts = (0..<(edges.count - 1)).map { b in positive.filter { $0 >= edges[b] && ($0 < edges[b + 1] || b == edges.count - 2) }.count }
      #expect(counts.reduce(0, +) == positive.count)
      #expect(counts.allSatisfy { $0 >= positive.count / wanted && $0 <= positive.count / wanted + 2 }, "\(counts)")
    }
  }

  /// The atom-per-ray dictionary's reconstruction b + (1 − λ/‖x − b‖)₊(x − b) (THEORY §8.2(iii))
  /// attains the bound at every point; the orthonormal dictionary's exact codes (x_k − λ)₊ obey it;
  /// a reconstruction longer than the input breaks it wherever ‖x − b‖ > 0.
  @Test("the wide limit attains the bound of THEORY 8.3, orthonormal exact codes obey it, a longer reconstruction breaks it") func bound() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...40), Gen.int(in: 1...5), Gen.double(in: 0...2), Gen.uint64()) { n, m, lambda, seed in
      let (x, bias) = Self.points(n: n, m: m, seed: seed)
      let edges = InputNormShrinkage.quantileEdges(of: InputNormShrinkage.norms(x), bins: 4)
      var wide = x, soft = x, longer = x
      for t in 0..<n {
        let centred = Self.norm(zip(x.row(t), bias).map { $0 - $1 }), factor = max(0, 1 - lambda / centred)
        for d in 0..<m {
          wide[t, d] = bias[d] + factor * (x[t, d] - bias[d])
          soft[t, d] = max(0, x[t, d] - lambda)
          longer[t, d] = bias[d] + 1.01 * (x[t, d] - bias[d])
        }
      }
      let attained = InputNormShrinkage.measure(inputs: x, reconstructions: wide, bias: bias, lambda: lambda, edges: edges)
      #expect(attained.boundViolations == 0 && abs(attained.largestExcess) <= 1e-12)
      #expect(attained.bins.allSatisfy { abs($0.meanSuppression - $0.meanBound) <= 1e-12 })
      let zero = [Double](repeating: 0, count: m)
      let orthonormal = InputNormShrinkage.measure(inputs: x, reconstructions: soft, bias: zero, lambda: lambda, edges: edges)
      #expect(orthonormal.boundViolations == 0 && orthonormal.largestExcess <= 1e-12)
      #expect(orthonormal.bins.allSatisfy { $0.meanSuppression <= $0.meanBound + 1e-12 })
      let broken = InputNormShrinkage.measure(inputs: x, reconstructions: longer, bias: bias, lambda: lambda, edges: edges)
      #expect(broken.boundViolations == n && broken.largestExcess > 0)
    }
  }
}
