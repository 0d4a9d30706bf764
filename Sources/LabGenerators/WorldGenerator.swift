import Dispatch
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
  /// each and are drawn on one thread; with two or more threads the product runs beside the
  /// drawing); any count gives the same bytes.
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
  /// With more than one thread, the product of rows already drawn runs while the next rows' codes
  /// are drawn (``pipelineRows`` at a time); each row's codes and sample are the same bytes.
  public mutating func next(_ rows: Int) -> (codes: Matrix<Double>, samples: Matrix<Double>) {
    let f = dictionary.rows, m = dictionary.columns
    let pieces = pieces(rows)
    var storage = [Double](repeating: 0, count: rows * f)
    var samples: Matrix<Double>
    if threads > 1 && pieces.count > 1 && f > 0 && m > 0 {
      var values = [Double](repeating: 0, count: rows * m)
      let stream = StreamBox(codeGenerator)
      storage.withUnsafeMutableBufferPointer { z in
        values.withUnsafeMutableBufferPointer { x in
          dictionary.storage.withUnsafeBufferPointer { d in
            let z = DisjointOutput(base: z.baseAddress!), x = DisjointOutput(base: x.baseAddress!), d = SharedInput(base: d.baseAddress!)
            let sampler = sampler, drawn = DispatchSemaphore(value: 0)
            // The drawing role never waits, so the two run even if one thread takes both in turn.
            DispatchQueue.concurrentPerform(iterations: 2) { role in
              for piece in pieces {
                if role == 0 {
                  sampler.fill(z.base + piece.start * f, rows: piece.count, first: piece.first, using: &stream.generator)
                  drawn.signal()
                } else {
                  drawn.wait()
                  Self.multiply(rows: piece.start..<(piece.start + piece.count), codes: UnsafePointer(z.base), features: f, dictionary: d.base,
                                dimension: m, into: x.base)
                }
              }
            }
          }
        }
      }
      codeGenerator = stream.generator
      samples = Matrix(rows: rows, columns: m, storage: values)
    } else {
      storage.withUnsafeMutableBufferPointer { buffer in
        for piece in pieces { sampler.fill(buffer.baseAddress! + piece.start * f, rows: piece.count, first: piece.first, using: &codeGenerator) }
      }
      samples = Self.product(Matrix(rows: rows, columns: f, storage: storage), dictionary, threads: threads)
    }
    produced += rows
    let codes = Matrix(rows: rows, columns: f, storage: storage)
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

  /// The next `rows` rows in pieces that do not cross a batch, of at most ``pipelineRows`` rows when
  /// the product runs beside the drawing.
  private func pieces(_ rows: Int) -> [Piece] {
    var pieces: [Piece] = []
    var done = 0
    while done < rows {
      let count = min(batchSize - (produced + done) % batchSize, rows - done, threads > 1 ? Self.pipelineRows : rows)
      pieces.append(Piece(start: done, count: count, first: produced + done))
      done += count
    }
    return pieces
  }

  /// Rows whose codes are drawn in one call of the sampler while earlier rows are multiplied.
  public static let pipelineRows = 64

  /// Rows `start ..< start + count` of a `next` call, the samples `first ..< first + count`, inside one batch.
  private struct Piece: Sendable {
    var start: Int, count: Int, first: Int
  }

  /// The codes' random stream, handed to the thread that draws while another multiplies.
  private final class StreamBox: @unchecked Sendable {
    var generator: Xoshiro256StarStar
    init(_ generator: Xoshiro256StarStar) { self.generator = generator }
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
            multiply(rows: rows, codes: z.base, features: f, dictionary: d.base, dimension: m, into: x.base)
          }
        }
      }
    }
    return Matrix(rows: codes.rows, columns: m, storage: out)
  }

  /// x_r = Σ_i z_ri d_i over the nonzero codes of each row r in `rows`, in feature order (``product(_:_:threads:)``).
  private static func multiply(rows: Range<Int>, codes z: UnsafePointer<Double>, features f: Int, dictionary d: UnsafePointer<Double>,
                               dimension m: Int, into x: UnsafeMutablePointer<Double>) {
    var active: [Int] = []
    for r in rows {
      active.removeAll(keepingCapacity: true)
      SparseRowKernels.appendNonzeros(z + r * f, count: f, to: &active)
      for i in active { SparseRowKernels.add(z[r * f + i], times: d + i * m, to: x + r * m, count: m) }
    }
  }

  /// `count` samples with the ground truth, as one dataset.
  public mutating func dataset(count: Int) -> SyntheticDataset {
    let (codes, samples) = next(count)
    return SyntheticDataset(samples: samples, dictionary: dictionary, codes: codes, bias: bias, featureNames: sampler.structure.featureNames)
  }
}
