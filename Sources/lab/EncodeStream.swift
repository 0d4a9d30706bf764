import Foundation
import LabFormats
import LabNumerics
import LabSolvers

/// `lab encode` a block of rows at a time (issue 19 item 6): X is read from a memory map
/// (``NumPyRowReader``), each block is coded, measured (``CodeOptimality`` continuing over the
/// blocks) and handed to a sink (the codes' writer, with their nonzero pattern the measure found),
/// so memory holds one block whatever N is.
/// Blocks start at multiples of ``SparseEncoder/blockSize`` and every measure continues in point
/// order, so the codes and the summary are bit for bit those of one pass over all rows.
struct EncodeStream {
  /// The bytes a block's rows may take at most: its samples, their centred copy, and the codes three
  /// times (the encoder's, the block being measured, the values being written), in float64: the
  /// memory stays bounded whatever N is. (`lab` takes every block from the heap, see `Lab.main`, so
  /// a freed block's pages are reused by the next one instead of being faulted in anew.)
  static let blockBytes = 32 << 20

  /// The bytes of a block's dense codes (float64) when the dictionary is small enough: they then stay
  /// in a core's cache while the encoder writes them and the measure and the writer read them again.
  /// On W1 (N = 20,000, m = 64, K = 256, median of 11 whole processes interleaved) blocks of 1,024
  /// rows took 121 ms at 1 thread and 81 ms at 2, blocks of 4,608 rows (32 MB) 130 ms and 85 ms;
  /// 256 to 1,024 rows were alike at 1 thread, 1,024 to 2,048 at 2, and 512 rows 91 ms at 2.
  static let cachedCodeBytes = 2 << 20

  /// The bytes a block may take so that every worker has an encoder block of its own: above
  /// ``blockBytes`` when one encoder block per worker needs more (a 4,096-atom dictionary in 768
  /// dimensions: 28 MB per encoder block), never above this, so that memory stays bounded at any
  /// thread count.
  static let workerBlockBytes = 256 << 20

  /// Rows per block for N points of dimension m coded with K atoms on `threads` workers: as many as
  /// keep the codes within ``cachedCodeBytes`` and the block within ``blockBytes``, but at least one
  /// encoder block per worker as far as ``workerBlockBytes`` allows (a block of fewer would leave a
  /// worker idle), and at least one encoder block; a multiple of the encoder's block, at most N.
  /// exact-l1 (GLPK, one point at a time, whose errors name the point's row) takes all rows in one
  /// block. The bytes do not depend on the choice.
  static func blockRows(points n: Int, dimension m: Int, atoms k: Int, threads: Int, method: SparseEncoder.Method) -> Int {
    guard method != .exactL1 else { return max(1, n) }
    let unit = SparseEncoder.blockSize, size = MemoryLayout<Double>.size, perRow = (2 * m + 3 * k) * size
    let cached = cachedCodeBytes / (max(1, k) * size) / unit * unit
    let bounded = blockBytes / perRow / unit * unit
    let everyWorker = min(unit * max(1, threads), workerBlockBytes / perRow / unit * unit)
    return max(1, min(n, max(unit, everyWorker, min(cached, bounded))))
  }

  /// What the blocks add up to.
  struct Totals {
    var optimality: CodeOptimality?
    var seconds = 0.0
    var cpuSeconds = 0.0
    /// Wall seconds of the verification (the measure of every block's codes).
    var verificationSeconds = 0.0
    var referenceFallbacks = 0
    var unconvergedPoints = 0
  }

  /// Codes every row of `reader` with `encoder` (after subtracting `bias`), `blockRows` rows at a
  /// time, passing each block's codes to `sink`; the encoding and the verification are timed. A non-finite element
  /// throws its ``FormatError``, a point that cannot be coded its `EncodingError`.
  static func run(_ reader: NumPyRowReader, encoder: SparseEncoder, dictionary: Matrix<Double>, bias: [Double]?, blockRows: Int,
                  progress: (Int) -> Void = { _ in }, sink: (Matrix<Double>, NonzeroPattern) throws -> Void) throws -> Totals {
    precondition(blockRows >= 1, "blockRows must be at least 1, got \(blockRows).")
    var totals = Totals()
    let configuration = encoder.configuration
    var first = 0
    while first < reader.rows {
      let range = first..<min(reader.rows, first + blockRows)
      progress(first)
      let samples = try reader.rows(range)
      let started = DispatchTime.now().uptimeNanoseconds, cpuStarted = processCPUSeconds()
      let output = try encoder.encode(samples, bias: bias)
      totals.seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
      totals.cpuSeconds += processCPUSeconds() - cpuStarted
      totals.referenceFallbacks += output.referenceFallbacks
      totals.unconvergedPoints += output.unconvergedPoints
      // The measure's blocks go to the workers, each with one-thread BLAS: OpenBLAS's own threads, once
      // woken, spin for a while after the call and took a core from the next block's coding.
      let verificationStarted = DispatchTime.now().uptimeNanoseconds
      let measured = CodeOptimality.measured(samples: samples, dictionary: dictionary, bias: bias, codes: output.codes, lambda: configuration.lambda,
                                             constraint: configuration.constraint, continuing: totals.optimality, threads: configuration.threads)
      totals.optimality = measured.optimality
      totals.verificationSeconds += Double(DispatchTime.now().uptimeNanoseconds - verificationStarted) / 1e9
      try sink(output.codes, measured.nonzeros)
      first = range.upperBound
    }
    return totals
  }
}
