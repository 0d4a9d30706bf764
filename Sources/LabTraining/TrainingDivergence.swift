import Dispatch
import LabNumerics

/// Why a training run stopped early. Two rules:
/// - a step whose batch loss or gradient is not finite stops the run before its update, so the
///   weights stay those of the previous step; an update that leaves a weight not finite stops the
///   run after that step;
/// - the mean batch loss over a logging window above ``TrainingDivergence/lossFactor`` times the
///   mean of the first window stops the run at the window's last step (``TrainingDivergence/Monitor``;
///   `lab train` applies it, the experiments' own training does not).
/// Nothing else counts as divergence: a finite, slowly worsening or poor model is reported by its
/// metrics, not stopped.
public struct TrainingDivergence: Error, Equatable, Sendable, CustomStringConvertible {
  /// The value that stopped being finite, or the loss that grew.
  public enum Value: String, Sendable {
    case loss, gradient
    case weights = "weights after the update"
    case lossGrowth = "loss growth"
  }

  /// The step (from 1) that produced the value.
  public var step: Int
  public var value: Value
  /// The batch loss of that step (for loss growth: the mean over the window ending there).
  public var loss: Double
  /// For loss growth: the reference (the smaller of the first window's mean batch loss and the first
  /// batch loss) and the window length in steps.
  public var firstWindow: (loss: Double, steps: Int)? = nil

  /// divergenceLossFactor: how many times the first window's mean batch loss a later window's mean
  /// may reach before the run counts as diverged (10: a run whose loss grew tenfold is not training).
  public static let lossFactor = 10.0

  public static func == (a: TrainingDivergence, b: TrainingDivergence) -> Bool {
    a.step == b.step && a.value == b.value && a.loss.bitPattern == b.loss.bitPattern
      && a.firstWindow?.loss.bitPattern == b.firstWindow?.loss.bitPattern && a.firstWindow?.steps == b.firstWindow?.steps
  }

  public var description: String {
    switch value {
    case .loss: "training diverged at step \(step): the batch loss is \(loss)"
    case .gradient: "training diverged at step \(step): the gradient is not finite (batch loss \(loss))"
    case .weights: "training diverged at step \(step): the weights after the update are not finite (batch loss \(loss))"
    case .lossGrowth:
      "training diverged at step \(step): the mean batch loss of its last \(firstWindow?.steps ?? 0) steps is \(loss), "
        + "more than \(Int(Self.lossFactor)) times the first window's reference \(firstWindow?.loss ?? .nan)"
    }
  }

  /// Watches the batch losses of a run in windows of `window` steps and reports loss growth
  /// (the second rule of ``TrainingDivergence``). The first complete window is the reference.
  public struct Monitor: Sendable {
    /// Steps per window.
    public let window: Int
    private var sum = 0.0, count = 0
    private var first: Double?
    private var firstStep: Double?

    /// A monitor with windows of `window` ≥ 1 steps.
    public init(window: Int) {
      precondition(window >= 1, "A divergence window needs at least one step, got \(window).")
      self.window = window
    }

    /// Records the batch loss of `step` (from 1); windows end at the multiples of `window` (a run
    /// resumed between two has a shorter first window). Returns the divergence when `step` ends a
    /// window whose mean exceeds ``TrainingDivergence/lossFactor`` times the reference: the smaller of
    /// the first window's mean and the run's first batch loss.
    public mutating func record(loss: Double, step: Int) -> TrainingDivergence? {
      if firstStep == nil { firstStep = loss }
      sum += loss
      count += 1
      guard step % window == 0 else { return nil }
      let mean = sum / Double(count)
      (sum, count) = (0, 0)
      guard let first else {
        // The smaller of the first window's mean and its first batch loss (the model before any
        // update): a loss that explodes inside the first window must not inflate the reference.
        self.first = min(mean, firstStep ?? mean)
        return nil
      }
      guard mean > TrainingDivergence.lossFactor * first else { return nil }
      return TrainingDivergence(step: step, value: .lossGrowth, loss: mean, firstWindow: (first, window))
    }
  }

  /// Whether every value is finite (a float is not finite exactly when its exponent bits are all
  /// ones; the integer maximum below is one vectorised pass), looked at on `threads` threads.
  static func allFinite(_ values: [Float], threads: Int = 1) -> Bool {
    let exponent: UInt32 = 0x7f80_0000
    let blocks = max(1, min(threads, values.count)), bounds = RowBlocks.bounds(rows: values.count, count: blocks)
    var largest = [UInt32](repeating: 0, count: blocks)
    values.withUnsafeBufferPointer { buffer in
      largest.withUnsafeMutableBufferPointer { out in
        guard let input = buffer.baseAddress.map(SharedInput.init(base:)) else { return }
        let tallies = DisjointOutput(base: out.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: blocks) { s in
          var block: UInt32 = 0
          for index in bounds[s]..<bounds[s + 1] { block = max(block, input.base[index].bitPattern & exponent) }
          tallies.base[s] = block
        }
      }
    }
    return largest.max()! != exponent
  }
}
