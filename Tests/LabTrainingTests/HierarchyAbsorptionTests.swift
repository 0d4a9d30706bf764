import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// The ground-truth absorption gap and the SynthSAEBench accumulator against direct definitions.
@Suite struct HierarchyAbsorptionTests {
  /// A random hierarchy over `k` features (each feature after the first has a parent among the
  /// earlier ones with probability 1/2), true codes that respect it, and codes of `f` latents.
  static func world(k: Int, f: Int, n: Int, seed: UInt64) -> (parents: [Int?], trueCodes: Matrix<Double>, codes: Matrix<Double>) {
    var g = SeedTree(root: seed).generator(for: "world")
    let parents: [Int?] = (0..<k).map { i in i > 0 && g.next() % 2 == 0 ? Int(g.next() % UInt64(i)) : nil }
    var c = Matrix<Double>(rows: n, columns: k), z = Matrix<Double>(rows: n, columns: f)
    for t in 0..<n {
      for i in 0..<k where (parents[i].map { c[t, $0] > 0 } ?? true) && g.next() % 3 != 0 { c[t, i] = 0.5 + Double(g.next() % 4) }
      for j in 0..<f where g.next() % 2 == 0 { z[t, j] = g.next() % 5 == 0 ? -1 : 1 }
    }
    return (parents, c, z)
  }

  @Test("each edge's gap is P(latent ≠ 0 | parent ∧ ¬child) − P(latent ≠ 0 | parent ∧ child), counted directly, in any chunking")
  func gapDefinition() async {
    await propertyCheck(count: 40, input: Gen.int(in: 2...6), Gen.int(in: 1...7), Gen.int(in: 1...4), Gen.uint64()) { k, f, chunk, seed in
      let n = 30
      let (parents, c, z) = Self.world(k: k, f: f, n: n, seed: seed)
      let decoder = TestSupport.randomMatrix(rows: f, columns: 3, seed: seed &+ 1)
      let truth = TestSupport.randomMatrix(rows: k, columns: 3, seed: seed &+ 2)
      let matching = FeatureMatching(decoder: decoder, truth: truth)
      var absorption = HierarchyAbsorption(parents: parents, matching: matching)
      var start = 0
      while start < n {
        let rows = min(chunk * 7, n - start)
        absorption.add(codes: Matrix(rows: rows, columns: f, storage: Array(z.storage[(start * f)..<((start + rows) * f)])),
                       trueCodes: Matrix(rows: rows, columns: k, storage: Array(c.storage[(start * k)..<((start + rows) * k)])))
        start += rows
      }
      #expect(absorption.samples == n)
      #expect(absorption.edges.map(\.child) == (0..<k).filter { parents[$0] != nil })
      for edge in absorption.edges {
        #expect(edge.parent == parents[edge.child]!)
        let latent = matching.pairs.first { $0.feature == edge.parent }?.latent
        #expect(edge.parentLatent == latent)
        func rate(childOn: Bool) -> Double? {
          let rows = (0..<n).filter { c[$0, edge.parent] > 0 && (c[$0, edge.child] > 0) == childOn }
          guard let latent, !rows.isEmpty else { return nil }
          return Double(rows.filter { z[$0, latent] != 0 }.count) / Double(rows.count)
        }
        if let without = rate(childOn: false), let with = rate(childOn: true) {
          #expect(edge.gap == without - with)
        } else {
          #expect(edge.gap == nil)
        }
        let silent = (0..<n).filter { c[$0, edge.parent] <= 0 }.map { c[$0, edge.child] }
        #expect(edge.silentCount == silent.count && edge.silentMaximum == (silent.max() ?? -.infinity))
        #expect(edge.childMass == (0..<n).reduce(0) { $0 + c[$1, edge.child] })
      }
    }
  }

  @Test("a parent latent silenced whenever the child is on has gap 1; one that ignores the child has gap 0")
  func extremes() {
    // Feature 0 is the parent of feature 1; latents are the true features themselves.
    let truth = Matrix<Double>([[1, 0], [0, 1]])
    let c = Matrix<Double>([[1, 0], [1, 1], [2, 0], [1, 2], [0, 0]])
    let matching = FeatureMatching(decoder: truth, truth: truth)
    var absorbed = HierarchyAbsorption(parents: [nil, 0], matching: matching)
    absorbed.add(codes: Matrix<Double>([[1, 0], [0, 1], [2, 0], [0, 2], [0, 0]]), trueCodes: c)
    #expect(absorbed.edges.map(\.gap) == [1])
    var faithful = HierarchyAbsorption(parents: [nil, 0], matching: matching)
    faithful.add(codes: c, trueCodes: c)
    #expect(faithful.edges.map(\.gap) == [0])
  }

  @Test("the accumulator gives the same metrics in one batch or in chunks (counts exactly, sums to rounding)")
  func chunking() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...9), Gen.uint64()) { k, f, chunk, seed in
      let n = 25
      let (_, c, z) = Self.world(k: k, f: f, n: n, seed: seed)
      let decoder = TestSupport.randomMatrix(rows: f, columns: 3, seed: seed &+ 1)
      let truth = TestSupport.randomMatrix(rows: k, columns: 3, seed: seed &+ 2)
      let x = c.multiplied(by: truth), xhat = z.multiplied(by: decoder)
      var whole = SynthBenchAccumulator(decoder: decoder, truth: truth)
      whole.add(inputs: x, codes: z, reconstructions: xhat, trueCodes: c)
      var parts = SynthBenchAccumulator(decoder: decoder, truth: truth)
      var start = 0
      func rows(_ a: Matrix<Double>, _ s: Int, _ r: Int) -> Matrix<Double> {
        Matrix(rows: r, columns: a.columns, storage: Array(a.storage[(s * a.columns)..<((s + r) * a.columns)]))
      }
      while start < n {
        let r = min(chunk, n - start)
        parts.add(inputs: rows(x, start, r), codes: rows(z, start, r), reconstructions: rows(xhat, start, r), trueCodes: rows(c, start, r))
        start += r
      }
      let (a, b) = (whole.metrics, parts.metrics)
      #expect(a.samples == b.samples && a.deadLatents == b.deadLatents && a.l0 == b.l0 && a.trueL0 == b.trueL0)
      #expect(a.precision == b.precision && a.recall == b.recall && a.f1 == b.f1 && a.mcc == b.mcc && a.uniqueness == b.uniqueness)
      #expect(a.explainedVariance == b.explainedVariance && a.shrinkage == b.shrinkage)
      // The direct definitions of l0 and dead latents.
      #expect(a.l0 == Double(z.storage.filter { $0 != 0 }.count) / Double(n))
      #expect(a.deadLatents == (0..<f).filter { j in (0..<n).allSatisfy { z[$0, j] == 0 } }.count)
    }
  }
}
