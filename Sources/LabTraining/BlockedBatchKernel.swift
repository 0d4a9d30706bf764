import Foundation
import LabNumerics

/// The batch loss and gradient of ``SAEKernel`` computed data-parallel: the B rows are split into
/// S contiguous blocks (``RowBlocks``), each block's row sums run on its own thread into its own
/// gradient buffer, and the buffers are then added in block order before the terms that need the
/// whole batch (``SAEKernel`` `finishGradient`). BLAS must run one thread
/// per call meanwhile (``Trainer`` sets it), so the numbers depend on S and never on the scheduling.
///
/// The sum is the same as one block's up to the order of floating-point additions, so S = 1 gives
/// ``SAEKernel/lossAndGradient(parameters:activation:penalty:subtractsDecoderBias:noise:batch:gradient:workspace:)``'s
/// bytes. OpenBLAS gains little from a second thread on thin products (m = 64), which whole blocks
/// on separate threads avoid. BatchTopK selects over the whole batch, so it cannot be split.
public struct BlockedBatchKernel<Scalar: LinearAlgebraScalar> {
  /// B.
  public let batchSize: Int
  /// One workspace per block.
  var workspaces: [Workspace<Scalar>]
  /// The gradient buffers of blocks 1 ..< S, one after the other (block 0 writes the caller's).
  var blockGradients: [Scalar]
  /// The first row of each block, and B.
  let boundaries: [Int]

  /// Buffers for batches of `batchSize` rows split into `blockCount` blocks (1 ≤ S ≤ B) for an SAE
  /// with input dimension m, width F and `parameterCount` weights.
  public init(batchSize: Int, blockCount: Int, inputDimension m: Int, width f: Int, parameterCount: Int) {
    precondition((1...max(1, batchSize)).contains(blockCount), "The block count must be in 1...\(batchSize), got \(blockCount).")
    self.batchSize = batchSize
    let bounds = RowBlocks.bounds(rows: batchSize, count: blockCount)
    boundaries = bounds
    workspaces = (0..<blockCount).map { s in Workspace(batchSize: bounds[s + 1] - bounds[s], inputDimension: m, width: f) }
    blockGradients = Array(repeating: 0, count: parameterCount * (blockCount - 1))
  }

  /// S.
  public var blockCount: Int { workspaces.count }

  /// For each latent, whether it fired in the last batch.
  public private(set) var fired: [Bool] = []
  /// The smallest positive code in the last batch (nil when no code fired).
  public private(set) var minimumPositiveCode: Double?
  /// The number of nonzero codes in the last batch.
  public private(set) var activeCount = 0
  /// The thresholds' pseudo-gradient of the last batch (empty unless the rule trains thresholds).
  public private(set) var thresholdGradient: [Double] = []

  /// The kernel's loss and gradient on the `batchSize` rows at `batch` (row-major B×m), with the
  /// B×F training noise at `noise` if given; the gradient is written to `gradient`. `activation`
  /// must not be BatchTopK unless S = 1.
  public mutating func lossAndGradient(
    parameters: SAEParameters<Scalar>, activation: ActivationRule, penalty: SparsityPenalty, subtractsDecoderBias: Bool,
    nestedPrefixes: [Int] = [], noise: UnsafePointer<Scalar>?, batch: UnsafePointer<Scalar>, gradient: inout [Scalar]
  ) -> BatchLoss {
    precondition(gradient.count == parameters.values.count, "The gradient needs \(parameters.values.count) elements, got \(gradient.count).")
    precondition(blockCount == 1 || !activation.needsBatchScratch, "BatchTopK selects over the whole batch and cannot be split into blocks.")
    let m = parameters.inputDimension, f = parameters.width, p = gradient.count, b = batchSize, count = blockCount
    var squaredErrors = [Double](repeating: 0, count: count)
    let bounds = boundaries
    workspaces.withUnsafeMutableBufferPointer { ws in
      gradient.withUnsafeMutableBufferPointer { g in
        blockGradients.withUnsafeMutableBufferPointer { others in
          squaredErrors.withUnsafeMutableBufferPointer { errors in
            let workspaceOut = DisjointOutput(base: ws.baseAddress!), errorOut = DisjointOutput(base: errors.baseAddress!)
            let first = DisjointOutput(base: g.baseAddress!), rest = others.baseAddress.map(DisjointOutput.init(base:))
            let input = SharedInput(base: batch), noiseInput = noise.map(SharedInput.init(base:))
            let block: @Sendable (Int) -> Void = { s in
              let target = s == 0 ? first.base : rest!.base + (s - 1) * p
              errorOut.base[s] = SAEKernel.accumulateBlock(
                parameters: parameters, activation: activation, penalty: penalty, subtractsDecoderBias: subtractsDecoderBias,
                nestedPrefixes: nestedPrefixes, noise: noiseInput.map { $0.base + bounds[s] * f }, batch: input.base + bounds[s] * m, batchSize: b, gradient: target,
                workspace: &workspaceOut.base[s])
            }
            if count == 1 { block(0) } else { DispatchQueue.concurrentPerform(iterations: count, execute: block) }
          }
        }
      }
    }
    // Block order at every index, so that the sums do not depend on which thread finished first;
    // the indices are shared among the blocks' threads.
    if count > 1 {
      gradient.withUnsafeMutableBufferPointer { g in
        blockGradients.withUnsafeBufferPointer { others in
          let total = DisjointOutput(base: g.baseAddress!), blocks = SharedInput(base: others.baseAddress!)
          RowBlocks.forEach(rows: p, count: count) { range in
            for s in 1..<count {
              let block = blocks.base + (s - 1) * p
              for index in range { total.base[index] += block[index] }
            }
          }
        }
      }
    }
    var total = workspaces[0]
    for s in 1..<max(1, count) {
      for i in 0..<f {
        total.codeSums[i] += workspaces[s].codeSums[i]
        total.fired[i] = total.fired[i] || workspaces[s].fired[i]
      }
      total.activeCount += workspaces[s].activeCount
      total.innerSquaredError += workspaces[s].innerSquaredError
      for i in total.thresholdGradient.indices { total.thresholdGradient[i] += workspaces[s].thresholdGradient[i] }
      if let code = workspaces[s].minimumPositiveCode { total.minimumPositiveCode = min(total.minimumPositiveCode ?? code, code) }
    }
    let penaltySum = SAEKernel.finishGradient(parameters: parameters, penalty: penalty, subtractsDecoderBias: subtractsDecoderBias,
                                              batchSize: b, gradient: &gradient, workspace: total)
    fired = total.fired
    minimumPositiveCode = total.minimumPositiveCode
    activeCount = total.activeCount
    thresholdGradient = total.thresholdGradient
    let squaredError = squaredErrors.reduce(0, +)
    return BatchLoss(meanSquaredError: squaredError / Double(b),
                     penalty: penalty.value(penaltySum: penaltySum, activeCount: total.activeCount, batchSize: b),
                     innerReconstruction: total.innerSquaredError / Double(b))
  }

  /// The residual gradient g = 2(x̂ − x)/B of the last batch, B×m row-major (blocks in order).
  public var lastResidualGradient: [Scalar] { workspaces.flatMap(\.residual) }
}
