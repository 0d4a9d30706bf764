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

  /// Streaming in pieces of any size gives the rows of one large request, under either streams
  /// (per batch, a piece can end inside a batch that the next one continues).
  @Test("requests of any size stream the same rows") func streaming() async throws {
    await propertyCheck(count: 30, input: Gen.int(in: 0...(Self.worlds.count - 1)), Gen.int(in: 1...40), Gen.uint64(), Gen.bool) { k, piece, seed, perBatch in
      let streams: RandomStreams = perBatch ? .perBatch : .single
      var whole = try WorldGenerator(world: Self.worlds[k], seed: seed, batchSize: 16, streams: streams)
      var pieces = try WorldGenerator(world: Self.worlds[k], seed: seed, batchSize: 16, streams: streams)
      pieces.threads = 2
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

  /// The thread count changes who computes what (the product beside the drawing, rows shared;
  /// per batch, the batches too), never the bytes.
  @Test("one, two and three threads stream the same rows") func threads() async throws {
    await propertyCheck(count: 30, input: Gen.int(in: 0...(Self.worlds.count - 1)), Gen.int(in: 1...150), Gen.int(in: 1...200), Gen.uint64(),
                        Gen.bool) { k, batch, count, seed, perBatch in
      var streams = try [1, 2, 3].map { threads in
        var generator = try WorldGenerator(world: Self.worlds[k], seed: seed, batchSize: batch, streams: perBatch ? .perBatch : .single)
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

  /// Per batch, batch b's codes are the sampler's draws from the seed's `sample/codes/b` alone, and
  /// its noise from `sample/noise/b`: the documented contract, checked against a plain fill.
  @Test("per-batch streams: batch b is drawn from sample/codes/b and sample/noise/b") func perBatchContract() async throws {
    await propertyCheck(count: 20, input: Gen.int(in: 0...(Self.worlds.count - 1)), Gen.int(in: 1...30), Gen.uint64()) { k, batch, seed in
      var generator = try WorldGenerator(world: Self.worlds[k], seed: seed, batchSize: batch, streams: .perBatch)
      generator.threads = 3
      let drawn = generator.next(3 * batch)
      let f = generator.dictionary.rows, m = generator.dictionary.columns, seeds = SeedTree(root: seed)
      var expected = [Double](repeating: 0, count: 3 * batch * f)
      expected.withUnsafeMutableBufferPointer { out in
        for b in 0..<3 {
          var codes = seeds.generator(for: "sample/codes/\(b)")
          generator.sampler.fill(out.baseAddress! + b * batch * f, rows: batch, first: b * batch, using: &codes)
        }
      }
      #expect(drawn.codes.storage == expected)
      let fitted = WorldGenerator.product(drawn.codes, generator.dictionary)
      let noise = generator.noise
      for b in 0..<3 {
        var normals = seeds.generator(for: "sample/noise/\(b)")
        for r in (b * batch)..<((b + 1) * batch) {
          for j in 0..<m {
            let value = fitted[r, j] + (generator.bias[j] + (noise > 0 ? noise * normals.nextNormal() : 0))
            #expect(drawn.samples[r, j].bitPattern == value.bitPattern)
          }
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
