import LabNumerics
import LabRandom

/// A prepared world that streams samples in batches with flat memory: `X = 1·bᵀ + Z·D + σ·E`
/// with `Z` from the world's ``CodeSampler``, `D` its directions, `b` its bias and `E ~ N(0, I)`.
///
/// Randomness: parameters come from `seeds` (paths `world/…`, `embedding/…`); codes and noise
/// from the streams ``streams`` names: by default the generator `sample/codes` and the generator
/// `sample/noise`, each one stream over all batches; with ``RandomStreams/perBatch`` a pair per
/// batch, drawn on ``threads`` workers. Either way the samples depend only on the seed, the
/// streams and the batch size (default ``defaultBatchSize``), never on how many batches are
/// requested at once or on the thread count.
public struct WorldGenerator: Sendable {
  /// Rows per batch unless told otherwise.
  public static let defaultBatchSize = 1024

  /// The activations sampler.
  public let sampler: any CodeSampler
  /// Ground-truth directions, F×m, unit rows.
  public let dictionary: Matrix<Double>
  /// The bias b (length m).
  public let bias: [Double]
  /// Standard deviation of the additive Gaussian noise.
  public let noise: Double
  /// Rows per batch.
  public let batchSize: Int
  /// Where the codes and the noise are drawn from.
  public let streams: RandomStreams
  private let seeds: SeedTree
  /// The codes' and the noise's generators: the one stream of each under `single`, the batch in
  /// progress's under `perBatch`.
  private var codeGenerator: Xoshiro256StarStar
  private var noiseGenerator: Xoshiro256StarStar
  /// Samples produced so far.
  public private(set) var produced = 0
  /// The rows one call of ``next(_:)`` should ask for to keep every thread drawing: one batch
  /// under `single`, a batch per thread under ``RandomStreams/perBatch``.
  public var rowsPerDraw: Int { Self.rowsPerDraw(batchSize: batchSize, streams: streams, threads: threads) }

  /// ``rowsPerDraw`` of a generator with these settings, before it is prepared.
  public static func rowsPerDraw(batchSize: Int, streams: RandomStreams, threads: Int) -> Int {
    streams == .perBatch ? batchSize * max(1, threads) : batchSize
  }
  /// Threads that share each batch's product Z·D and, under ``RandomStreams/perBatch``, draw the
  /// batches' codes and noise (under `single` these are one stream each, drawn on one thread); any
  /// count gives the same bytes.
  public var threads = 1

  /// Prepares `world` under `seed`; throws ``WorldError`` for invalid parameters.
  public init(world: any World, seed: UInt64, batchSize: Int = WorldGenerator.defaultBatchSize, streams: RandomStreams = .single) throws {
    let problems = world.problems()
    guard problems.isEmpty else { throw WorldError(problems.text) }
    let seeds = SeedTree(root: seed)
    let sampler = try world.prepare(seeds: seeds)
    let e = world.embedding
    let dictionary = try e.directions.dictionary(featureCount: world.featureCount, inputDimension: e.inputDimension,
                                                 parents: sampler.structure.parents, seeds: seeds, path: "embedding/directions")
    self.init(sampler: sampler, dictionary: dictionary, bias: e.biasVector(seeds: seeds), noise: e.noise, seed: seed, batchSize: batchSize,
              streams: streams)
  }

  /// A generator for an already prepared sampler and ground truth (e.g. a model read from disk);
  /// the sampling streams are the seed's `sample/codes` and `sample/noise` (``RandomStreams``).
  public init(sampler: any CodeSampler, dictionary: Matrix<Double>, bias: [Double], noise: Double, seed: UInt64,
              batchSize: Int = WorldGenerator.defaultBatchSize, streams: RandomStreams = .single) {
    precondition(batchSize >= 1, "batchSize must be >= 1, got \(batchSize).")
    precondition(dictionary.rows == sampler.structure.parents.count && bias.count == dictionary.columns,
                 "A \(dictionary.rows)×\(dictionary.columns) dictionary and \(bias.count) bias entries do not fit \(sampler.structure.parents.count) features.")
    let seeds = SeedTree(root: seed)
    self.sampler = sampler
    self.dictionary = dictionary
    self.bias = bias
    self.noise = noise
    self.batchSize = batchSize
    self.streams = streams
    self.seeds = seeds
    let paths = streams == .single ? ("sample/codes", "sample/noise") : RandomStreams.paths(batch: 0)
    codeGenerator = seeds.generator(for: paths.0)
    noiseGenerator = seeds.generator(for: paths.1)
  }

  /// The next `rows` samples (at most ``batchSize`` are drawn per internal batch) as codes and data.
  public mutating func next(_ rows: Int) -> (codes: Matrix<Double>, samples: Matrix<Double>) {
    let f = dictionary.rows, m = dictionary.columns
    // The request cut at batch boundaries: only the first piece can continue a batch in progress.
    var pieces: [Piece] = [], offset = 0
    while offset < rows {
      let first = produced + offset, count = min(batchSize - first % batchSize, rows - offset)
      pieces.append(Piece(offset: offset, count: count, first: first))
      offset += count
    }
    var storage: [Double], drawnNoise: [Double] = []
    switch streams {
    case .single:
      storage = [Double](repeating: 0, count: rows * f)
      storage.withUnsafeMutableBufferPointer { buffer in
        for piece in pieces { sampler.fill(buffer.baseAddress! + piece.offset * f, rows: piece.count, first: piece.first, using: &codeGenerator) }
      }
    case .perBatch:
      drawnNoise = [Double](repeating: 0, count: noise > 0 ? rows * m : 0)
      storage = drawPerBatch(pieces, rows: rows, noise: &drawnNoise)
    }
    produced += rows
    let codes = Matrix(rows: rows, columns: f, storage: storage)
    var samples = Self.product(codes, dictionary, threads: threads)
    if bias.contains(where: { $0 != 0 }) || noise > 0 {
      var values = samples.storage
      for r in 0..<rows {
        for j in 0..<m {
          values[r * m + j] += bias[j] + (noise > 0 ? noise * (streams == .single ? noiseGenerator.nextNormal() : drawnNoise[r * m + j]) : 0)
        }
      }
      samples = Matrix(rows: rows, columns: m, storage: values)
    }
    return (codes, samples)
  }

  /// Rows `offset ..< offset + count` of a request, samples `first ..< first + count`, in one batch.
  private struct Piece: Sendable {
    var offset: Int
    var count: Int
    var first: Int
  }

  /// The codes of `pieces` (`rows` in all), and their standard normal noise (row-major, when there
  /// is noise) into `noise`, each piece from its batch's streams, pieces on `threads` workers. A piece
  /// that starts inside a batch continues the stored generators; the generators of a batch left
  /// unfinished are stored for the next request. Each worker zeroes its own pieces' rows of the
  /// codes (rows × F: the largest array, so its pages are faulted in on the workers too).
  private mutating func drawPerBatch(_ pieces: [Piece], rows: Int, noise: inout [Double]) -> [Double] {
    let f = dictionary.rows, m = dictionary.columns, hasNoise = !noise.isEmpty
    let (sampler, seeds, batchSize, threads) = (self.sampler, self.seeds, self.batchSize, self.threads)
    let continued = (codeGenerator, noiseGenerator)
    var ends: [(Xoshiro256StarStar, Xoshiro256StarStar)] = []
    let codes = [Double](unsafeUninitializedCapacity: rows * f) { codeBuffer, initialized in
      noise.withUnsafeMutableBufferPointer { noiseBuffer in
        guard let codeBase = codeBuffer.baseAddress else { return }  // no rows (a world has F ≥ 1)
        let codeOut = DisjointOutput(base: codeBase)
        let noiseOut = noiseBuffer.baseAddress.map { DisjointOutput(base: $0) }
        ends = RowBlocks.map(rows: pieces.count, count: threads) { range in
          range.map { index in
            let piece = pieces[index]
            let paths = RandomStreams.paths(batch: piece.first / batchSize)
            var (codeStream, noiseStream) = piece.first % batchSize == 0
              ? (seeds.generator(for: paths.codes), seeds.generator(for: paths.noise)) : continued
            (codeOut.base + piece.offset * f).initialize(repeating: 0, count: piece.count * f)
            sampler.fill(codeOut.base + piece.offset * f, rows: piece.count, first: piece.first, using: &codeStream)
            if hasNoise, let noiseOut {
              for i in (piece.offset * m)..<((piece.offset + piece.count) * m) { noiseOut.base[i] = noiseStream.nextNormal() }
            }
            return (codeStream, noiseStream)
          }
        }.flatMap { $0 }
      }
      initialized = rows * f
    }
    if let last = ends.last { (codeGenerator, noiseGenerator) = last }
    return codes
  }

  /// `Z·D`, row by row: each sample is the sum of `zᵢ·dᵢ` over its non-zero `zᵢ`, in feature
  /// order. A sample's bits therefore depend only on its own codes — not on the batch it was
  /// drawn in, the batch size, `threads` (the rows are shared among them) or the BLAS thread
  /// count — and the work is proportional to the active features (a SynthSAEBench-sized world has
  /// about 34 of 16,384 active). BLAS `gemm` would do the full F·m work per row and its rounding
  /// may depend on blocking.
  public static func product(_ codes: Matrix<Double>, _ dictionary: Matrix<Double>, threads: Int = 1) -> Matrix<Double> {
    precondition(codes.columns == dictionary.rows, "Cannot multiply \(codes.rows)×\(codes.columns) codes by a \(dictionary.rows)×\(dictionary.columns) dictionary.")
    let f = codes.columns, m = dictionary.columns
    var out = [Double](repeating: 0, count: codes.rows * m)
    codes.storage.withUnsafeBufferPointer { z in
      dictionary.storage.withUnsafeBufferPointer { d in
        out.withUnsafeMutableBufferPointer { x in
          let z = SharedInput(base: z.baseAddress!), d = SharedInput(base: d.baseAddress!), x = DisjointOutput(base: x.baseAddress!)
          RowBlocks.forEach(rows: codes.rows, count: threads) { rows in
            var active: [Int] = []
            for r in rows {
              active.removeAll(keepingCapacity: true)
              SparseRowKernels.appendNonzeros(z.base + r * f, count: f, to: &active)
              for i in active { SparseRowKernels.add(z.base[r * f + i], times: d.base + i * m, to: x.base + r * m, count: m) }
            }
          }
        }
      }
    }
    return Matrix(rows: codes.rows, columns: m, storage: out)
  }

  /// `count` samples with the ground truth, as one dataset.
  public mutating func dataset(count: Int) -> SyntheticDataset {
    let (codes, samples) = next(count)
    return SyntheticDataset(samples: samples, dictionary: dictionary, codes: codes, bias: bias, featureNames: sampler.structure.featureNames)
  }
}
