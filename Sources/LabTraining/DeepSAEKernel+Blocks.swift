import Foundation
import LabNumerics

extension DeepSAEKernel {
  /// The loss and gradient of `batch` computed data-parallel in `blocks` contiguous row blocks (as
  /// ``BlockedBatchKernel`` does for the shallow kinds): every block runs
  /// ``lossAndGradient(_:batch:auxiliary:)`` on its own thread, with BLAS on one thread per call
  /// (the caller sets it), and the results are combined in block order with the weights B_s/B.
  /// Every term of the deep loss is a mean over rows (MSE, AuxK) or does not depend on the rows
  /// (weight decay, whose weights sum to 1), so the combination is the whole batch's loss and
  /// gradient up to rounding; the numbers depend on the block count, never on the scheduling.
  static func lossAndGradient<Scalar: LinearAlgebraScalar>(
    _ model: DeepAutoencoder<Scalar>, batch: Matrix<Scalar>, auxiliary: Auxiliary?, blocks: Int
  ) -> (loss: BatchLoss, gradient: [Scalar], fired: [Bool]) {
    let b = batch.rows, m = batch.columns
    precondition((1...max(1, b)).contains(blocks), "The block count must be in 1...\(b), got \(blocks).")
    if blocks == 1 {
      let whole = lossAndGradient(model, batch: batch, auxiliary: auxiliary)
      return (whole.loss, whole.gradient, whole.fired)
    }
    let bounds = RowBlocks.bounds(rows: b, count: blocks)
    var parts = [(loss: BatchLoss, gradient: [Scalar], fired: [Bool])?](repeating: nil, count: blocks)
    parts.withUnsafeMutableBufferPointer { out in
      let output = DisjointOutput(base: out.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: blocks) { s in
        let rows = Matrix(rows: bounds[s + 1] - bounds[s], columns: m, storage: Array(batch.storage[(bounds[s] * m)..<(bounds[s + 1] * m)]))
        let part = lossAndGradient(model, batch: rows, auxiliary: auxiliary)
        output.base[s] = (part.loss, part.gradient, part.fired)
      }
    }
    var loss = BatchLoss(meanSquaredError: 0, penalty: 0)
    var gradient = [Scalar](repeating: 0, count: parts[0]!.gradient.count)
    var fired = [Bool](repeating: false, count: model.width)
    for (s, part) in parts.enumerated() {
      let part = part!, weight = Double(bounds[s + 1] - bounds[s]) / Double(b), w = Scalar(weight)
      loss.meanSquaredError += weight * part.loss.meanSquaredError
      loss.penalty += weight * part.loss.penalty
      loss.auxiliary += weight * part.loss.auxiliary
      for i in gradient.indices { gradient[i] += w * part.gradient[i] }
      for i in fired.indices where part.fired[i] { fired[i] = true }
    }
    return (loss, gradient, fired)
  }
}

