import LabGenerators
import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct DeterminismTests {
  static let worlds: [any World] = [
    RandomWorlds.tree(featureCount: 8, exclusion: .atMostOne, scale: true, compensate: true, seed: 1),
    IndependentWorld(featureCount: 5, firing: .zipf(exponent: 1, max: 0.5, min: 0.05),
                     correlation: CorrelationSpec(kind: "low-rank", rank: 2, scale: 0.5),
                     embedding: Embedding(inputDimension: 6, bias: 1, noise: 0.1)),
    ExclusiveGroupsWorld(groups: [3, 2], emptyProbability: 0.1, embedding: Embedding(inputDimension: 5)),
    DenseWorld(featureCount: 3, distribution: ScalarDistribution(kind: "normal", mean: 2, standardDeviation: 0.5),
               zeroProbability: 0.2, embedding: Embedding(inputDimension: 3)),
    RayWorld(distribution: ScalarDistribution(kind: "lognormal", mean: 0, standardDeviation: 1), embedding: Embedding(inputDimension: 2)),
    ArcWorld(angleDegrees: 100, embedding: Embedding(inputDimension: 3, directions: DirectionSpec(kind: "orthogonal"))),
  ]

  /// Same seed → identical bits; a different seed → different samples.
  @Test("same seed gives identical samples, codes and ground truth") func sameSeed() async throws {
    await propertyCheck(count: 20, input: Gen.int(in: 0...(Self.worlds.count - 1)), Gen.uint64(in: 0...(UInt64.max - 1))) { k, seed in
      var a = try WorldGenerator(world: Self.worlds[k], seed: seed)
      var b = try WorldGenerator(world: Self.worlds[k], seed: seed)
      var c = try WorldGenerator(world: Self.worlds[k], seed: seed + 1)
      let (x, y, z) = (a.dataset(count: 50), b.dataset(count: 50), c.dataset(count: 50))
      #expect(x.samples.storage.map(\.bitPattern) == y.samples.storage.map(\.bitPattern))
      #expect(x.codes == y.codes && x.dictionary == y.dictionary && x.bias == y.bias)
      #expect(x.samples != z.samples)
    }
  }

  /// Streaming in pieces of any size gives the rows of one large request.
  @Test("requests of any size stream the same rows") func streaming() async throws {
    await propertyCheck(count: 20, input: Gen.int(in: 0...(Self.worlds.count - 1)), Gen.int(in: 1...40), Gen.uint64()) { k, piece, seed in
      var whole = try WorldGenerator(world: Self.worlds[k], seed: seed, batchSize: 16)
      var pieces = try WorldGenerator(world: Self.worlds[k], seed: seed, batchSize: 16)
      let all = whole.next(100)
      var rows: [Double] = [], codes: [Double] = []
      var done = 0
      while done < 100 {
        let part = pieces.next(min(piece, 100 - done))
        rows += part.samples.storage
        codes += part.codes.storage
        done += part.codes.rows
      }
      #expect(rows == all.samples.storage && codes == all.codes.storage)
    }
  }

  /// The thread count changes who computes what (the product beside the drawing, rows shared), never the bytes.
  @Test("one, two and three threads stream the same rows") func threads() async throws {
    await propertyCheck(count: 20, input: Gen.int(in: 0...(Self.worlds.count - 1)), Gen.int(in: 1...150), Gen.int(in: 1...200), Gen.uint64()) { k, batch, count, seed in
      var streams = try [1, 2, 3].map { threads in
        var generator = try WorldGenerator(world: Self.worlds[k], seed: seed, batchSize: batch)
        generator.threads = threads
        return generator
      }
      let first = streams.indices.map { streams[$0].next(count) }, second = streams.indices.map { streams[$0].next(count / 2 + 1) }
      for parts in [first, second] {
        for part in parts.dropFirst() {
          #expect(part.samples.storage.map(\.bitPattern) == parts[0].samples.storage.map(\.bitPattern))
          #expect(part.codes == parts[0].codes)
        }
      }
    }
  }

  /// The sparse row accumulation and BLAS agree (both compute Z·D).
  @Test("the sparse product equals gemm") func sparseProduct() throws {
    var g = Xoshiro256StarStar(seed: 9)
    var codes = Matrix<Double>(rows: 40, columns: 100)
    for r in 0..<40 { codes[r, g.nextInt(below: 100)] = g.nextUniform() }
    let dictionary = Matrix<Double>(rows: 100, columns: 7, storage: (0..<700).map { _ in g.nextNormal() })
    let sparse = WorldGenerator.product(codes, dictionary)
    let dense = codes * dictionary
    for (a, b) in zip(sparse.storage, dense.storage) { #expect(abs(a - b) <= 1e-15 * max(1, abs(b))) }
  }

  /// Samples are `b + z·D` exactly (no noise) for every world.
  @Test("samples are bias plus codes times dictionary") func reconstruction() throws {
    for world in Self.worlds where world.embedding.noise == 0 {
      var generator = try WorldGenerator(world: world, seed: 4)
      let data = generator.dataset(count: 30)
      let expected = data.codes * data.dictionary
      for r in 0..<30 {
        for j in 0..<data.samples.columns {
          #expect(abs(data.samples[r, j] - expected[r, j] - data.bias[j]) <= 1e-12)
        }
      }
    }
  }
}
