import LabNumerics
import LabRandom

/// A prepared world that streams samples in batches with flat memory: `X = 1·bᵀ + Z·D + σ·E`
/// with `Z` from the world's ``CodeSampler``, `D` its directions, `b` its bias and `E ~ N(0, I)`.
///
/// Randomness: parameters come from `seeds` (paths `world/…`, `embedding/…`); codes from the
/// generator `sample/codes` and noise from `sample/noise`, each one stream over all batches, so
/// the samples depend only on the seed and the batch size (default ``defaultBatchSize``), never
/// on how many batches are requested at once.
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
  private var codeGenerator: Xoshiro256StarStar
  private var noiseGenerator: Xoshiro256StarStar
  /// Samples produced so far.
  public private(set) var produced = 0
  /// Threads that share each batch's product Z·D (the codes and the noise are one random stream
  /// each and are drawn on one thread); any count gives the same bytes.
  public var threads = 1

  /// Prepares `world` under `seed`; throws ``WorldError`` for invalid parameters.
  public init(world: any World, seed: UInt64, batchSize: Int = WorldGenerator.defaultBatchSize) throws {
    let problems = world.problems()
    guard problems.isEmpty else { throw WorldError(problems.text) }
    let seeds = SeedTree(root: seed)
    let sampler = try world.prepare(seeds: seeds)
    let e = world.embedding
    let dictionary = try e.directions.dictionary(featureCount: world.featureCount, inputDimension: e.inputDimension,
                                                 parents: sampler.structure.parents, seeds: seeds, path: "embedding/directions")
    self.init(sampler: sampler, dictionary: dictionary, bias: e.biasVector(seeds: seeds), noise: e.noise, seed: seed, batchSize: batchSize)
  }

  /// A generator for an already prepared sampler and ground truth (e.g. a model read from disk);
  /// the sampling streams are the seed's `sample/codes` and `sample/noise`.
  public init(sampler: any CodeSampler, dictionary: Matrix<Double>, bias: [Double], noise: Double, seed: UInt64,
              batchSize: Int = WorldGenerator.defaultBatchSize) {
    precondition(batchSize >= 1, "batchSize must be >= 1, got \(batchSize).")
    precondition(dictionary.rows == sampler.structure.parents.count && bias.count == dictionary.columns,
                 "A \(dictionary.rows)×\(dictionary.columns) dictionary and \(bias.count) bias entries do not fit \(sampler.structure.parents.count) features.")
    let seeds = SeedTree(root: seed)
    self.sampler = sampler
    self.dictionary = dictionary
    self.bias = bias
    self.noise = noise
    self.batchSize = batchSize
    codeGenerator = seeds.generator(for: "sample/codes")
    noiseGenerator = seeds.generator(for: "sample/noise")
  }

  /// The next `rows` samples (at most ``batchSize`` are drawn per internal batch) as codes and data.
  public mutating func next(_ rows: Int) -> (codes: Matrix<Double>, samples: Matrix<Double>) {
    let f = dictionary.rows
    var storage = [Double](repeating: 0, count: rows * f)
    var done = 0
    while done < rows {
      let count = min(batchSize - produced % batchSize, rows - done)
      storage.withUnsafeMutableBufferPointer { buffer in
        sampler.fill(buffer.baseAddress! + done * f, rows: count, first: produced, using: &codeGenerator)
      }
      done += count
      produced += count
    }
    let codes = Matrix(rows: rows, columns: f, storage: storage)
    var samples = Self.product(codes, dictionary, threads: threads)
    let m = dictionary.columns
    if bias.contains(where: { $0 != 0 }) || noise > 0 {
      var values = samples.storage
      for r in 0..<rows {
        for j in 0..<m {
          values[r * m + j] += bias[j] + (noise > 0 ? noise * noiseGenerator.nextNormal() : 0)
        }
      }
      samples = Matrix(rows: rows, columns: m, storage: values)
    }
    return (codes, samples)
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
