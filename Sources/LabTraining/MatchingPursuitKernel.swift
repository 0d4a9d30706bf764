import Foundation
import LabNumerics

/// The buffers of one pursuit over at most `rows` rows, allocated once: the residuals, the pursuit's
/// scratch, its steps, the latents that fired, and the block's gradient of W_dec and b_dec.
final class PursuitBuffers<Scalar: LinearAlgebraScalar>: @unchecked Sendable {
  /// The most rows, m, F and T.
  let rows: Int, inputDimension: Int, width: Int, maxIterations: Int
  /// rows × m: r₀ in, r_T out.
  let residual: UnsafeMutablePointer<Scalar>
  let compact: UnsafeMutablePointer<Scalar>
  let correlations: UnsafeMutablePointer<Scalar>
  let order: UnsafeMutablePointer<Int>
  /// The steps of the last pursuit.
  let steps: MatchingPursuit.Steps<Scalar>
  /// For each latent, whether it entered a support since ``clearTally()``.
  let fired: UnsafeMutablePointer<Bool>
  /// F×m ∂W_dec followed by the m of ∂b_dec.
  let decoderGradient: UnsafeMutablePointer<Scalar>
  let upstream: UnsafeMutablePointer<Scalar>
  let before: UnsafeMutablePointer<Scalar>

  /// Buffers for `rows` ≥ 1 rows of dimension m, F latents and at most T ≥ 1 steps.
  init(rows: Int, inputDimension m: Int, width f: Int, maxIterations t: Int) {
    precondition(rows >= 1 && m >= 1 && f >= 1 && t >= 1, "A pursuit needs rows, m, F and T >= 1.")
    self.rows = rows
    inputDimension = m
    width = f
    maxIterations = t
    func zeros<T: Numeric>(_ count: Int) -> UnsafeMutablePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: count)
      p.initialize(repeating: 0, count: count)
      return p
    }
    residual = zeros(rows * m)
    compact = zeros(rows * m)
    correlations = zeros(rows * f)
    order = zeros(rows)
    steps = MatchingPursuit.Steps(latents: zeros(rows * t), values: zeros(rows * t), counts: zeros(rows))
    fired = .allocate(capacity: f)
    fired.initialize(repeating: false, count: f)
    decoderGradient = zeros(f * m + m)
    upstream = zeros(m)
    before = zeros(m)
  }

  deinit {
    for p in [residual, compact, correlations, decoderGradient, upstream, before, steps.values] { p.deallocate() }
    order.deallocate()
    steps.latents.deallocate()
    steps.counts.deallocate()
    fired.deallocate()
  }

  /// Clears the firing flags.
  func clearTally() { fired.update(repeating: false, count: width) }

  /// ``MatchingPursuit/pursue(residual:decoder:rows:inputDimension:width:maxIterations:residualThreshold:steps:compact:correlations:order:fired:)``
  /// of the first `rows` residuals; returns the number of nonzero codes.
  func pursue(decoder: UnsafePointer<Scalar>, rows n: Int, residualThreshold: Double) -> Int {
    MatchingPursuit.pursue(residual: residual, decoder: decoder, rows: n, inputDimension: inputDimension, width: width,
                           maxIterations: maxIterations, residualThreshold: residualThreshold, steps: steps, compact: compact,
                           correlations: correlations, order: order, fired: fired)
  }
}

/// The loss and gradient of a matching-pursuit SAE (``MatchingPursuit``) on a batch, computed
/// data-parallel as ``BlockedBatchKernel`` does: the B rows are split into S contiguous blocks
/// (``RowBlocks``), each block's pursuit and backward pass runs on its own thread with its own
/// buffers (allocated once), and the blocks' gradients are added in block order. BLAS must run one
/// thread per call meanwhile when S > 1 (``Trainer`` sets it), so the numbers depend on S and never
/// on the scheduling.
public struct MatchingPursuitKernel<Scalar: LinearAlgebraScalar> {
  /// B.
  public let batchSize: Int
  let blocks: [PursuitBuffers<Scalar>]
  /// The first row of each block, and B.
  let boundaries: [Int]
  /// For each latent, whether it fired in the last batch.
  public private(set) var fired: [Bool] = []
  /// The number of nonzero codes in the last batch.
  public private(set) var activeCount = 0

  /// Buffers for batches of `batchSize` rows in `blockCount` blocks (1 ≤ S ≤ B), input dimension m,
  /// F latents and at most `maxIterations` pursuit steps.
  public init(batchSize: Int, blockCount: Int, inputDimension m: Int, width f: Int, maxIterations: Int) {
    precondition((1...max(1, batchSize)).contains(blockCount), "The block count must be in 1...\(batchSize), got \(blockCount).")
    self.batchSize = batchSize
    let bounds = RowBlocks.bounds(rows: batchSize, count: blockCount)
    boundaries = bounds
    blocks = (0..<blockCount).map { s in
      PursuitBuffers(rows: max(1, bounds[s + 1] - bounds[s]), inputDimension: m, width: f, maxIterations: max(1, maxIterations))
    }
  }

  /// The loss (1/B) Σ‖x̂ − x‖² of the `batchSize` rows at `batch` (row-major B×m); its gradient is
  /// written to `gradient` (the parameters' layout; the encoder's blocks 0).
  public mutating func lossAndGradient(
    parameters: SAEParameters<Scalar>, residualThreshold: Double, batch: UnsafePointer<Scalar>, gradient: inout [Scalar]
  ) -> BatchLoss {
    let m = parameters.inputDimension, f = parameters.width, b = batchSize
    precondition(gradient.count == parameters.values.count && blocks[0].inputDimension == m && blocks[0].width == f,
                 "A gradient or parameters of the wrong shape for this kernel.")
    let blocks = self.blocks, bounds = boundaries
    let count = blocks.count
    var results = [(squaredError: Double, active: Int)](repeating: (0, 0), count: count)
    let tail = parameters.decoderWeightsOffset, tailCount = f * m + m
    parameters.values.withUnsafeBufferPointer { p in
      results.withUnsafeMutableBufferPointer { out in
        let decoder = SharedInput(base: p.baseAddress! + tail), input = SharedInput(base: batch)
        let resultOut = DisjointOutput(base: out.baseAddress!)
        let block: @Sendable (Int) -> Void = { s in
          let buffers = blocks[s], first = bounds[s], rows = bounds[s + 1] - first
          buffers.clearTally()
          buffers.decoderGradient.update(repeating: 0, count: tailCount)
          guard rows > 0 else { resultOut.base[s] = (0, 0); return }
          let bDec = decoder.base + f * m, x = input.base + first * m
          for row in 0..<rows { for j in 0..<m { buffers.residual[row * m + j] = x[row * m + j] - bDec[j] } }
          let active = buffers.pursue(decoder: decoder.base, rows: rows, residualThreshold: residualThreshold)
          let squaredError = MatchingPursuit.backward(
            residual: buffers.residual, decoder: decoder.base, rows: rows, inputDimension: m, width: f,
            maxIterations: buffers.maxIterations, steps: buffers.steps, scale: 2 / Scalar(b), decoderGradient: buffers.decoderGradient,
            upstream: buffers.upstream, before: buffers.before)
          resultOut.base[s] = (squaredError, active)
        }
        if count == 1 { block(0) } else { DispatchQueue.concurrentPerform(iterations: count, execute: block) }
      }
    }
    // Block order, so that the sums do not depend on which thread finished first.
    gradient.withUnsafeMutableBufferPointer { g in
      let base = g.baseAddress!
      base.update(repeating: 0, count: tail)
      (base + tail).update(from: blocks[0].decoderGradient, count: tailCount)
      for s in 1..<max(1, count) {
        let other = blocks[s].decoderGradient
        for index in 0..<tailCount { base[tail + index] += other[index] }
      }
    }
    var flags = [Bool](repeating: false, count: f)
    for buffers in blocks { for i in 0..<f where buffers.fired[i] { flags[i] = true } }
    fired = flags
    activeCount = results.reduce(0) { $0 + $1.active }
    return BatchLoss(meanSquaredError: results.reduce(0) { $0 + $1.squaredError } / Double(b), penalty: 0)
  }
}
