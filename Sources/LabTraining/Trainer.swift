import Foundation
import LabNumerics

/// What to train: architecture, width, batches, steps and optimiser.
public struct TrainingConfiguration: Sendable {
  /// The architecture and its sparsity option.
  public var architecture: any SAEArchitecture
  /// F, the number of latents.
  public var width: Int
  /// B, rows per step.
  public var batchSize: Int
  /// The number of optimiser steps.
  public var steps: Int
  /// Adam's constant learning rate.
  public var learningRate: Double
  /// The root seed of the initialisation and the batch order.
  public var seed: UInt64
  /// Whether Adam updates only coordinates with a nonzero gradient.
  public var sparseAdam: Bool
  /// Steps without firing after which a latent counts as dead in training.
  public var deadWindow: Int

  /// A configuration; see the properties.
  public init(architecture: any SAEArchitecture, width: Int, batchSize: Int, steps: Int, learningRate: Double, seed: UInt64 = 0,
              sparseAdam: Bool = false, deadWindow: Int = 1000) {
    self.architecture = architecture
    self.width = width
    self.batchSize = batchSize
    self.steps = steps
    self.learningRate = learningRate
    self.seed = seed
    self.sparseAdam = sparseAdam
    self.deadWindow = deadWindow
  }
}

/// The outcome of a training run.
public struct TrainingResult: Sendable {
  /// The trained SAE.
  public var autoencoder: SparseAutoencoder<Float>
  /// The loss of the last batch.
  public var finalLoss: BatchLoss
  /// Steps since each latent last fired.
  public var tracker: DeadLatentTracker
  /// Wall time of the whole run (initialisation included), in seconds.
  public var seconds: Double
  /// Training samples processed per second: steps · B / seconds.
  public var samplesPerSecond: Double
}

/// Trains a float32 SAE with Adam on the rows of a data matrix. The result is a function of the
/// data, the configuration and the OpenBLAS thread count (the only multithreaded part).
public enum Trainer {
  /// Checks `configuration` against `data` (N×m); the message names the option and its value.
  public static func validate(_ configuration: TrainingConfiguration, rows: Int) -> TrainingError? {
    if configuration.width < 1 { return TrainingError("'--width' must be >= 1, got \(configuration.width)") }
    if !(1...max(1, rows)).contains(configuration.batchSize) || rows < 1 {
      return TrainingError("'--batch' must be in 1...\(rows) (the number of data rows), got \(configuration.batchSize)")
    }
    if configuration.steps < 1 { return TrainingError("'--steps' must be >= 1, got \(configuration.steps)") }
    if !(configuration.learningRate > 0 && configuration.learningRate.isFinite) {
      return TrainingError("'--lr' must be finite and > 0, got \(configuration.learningRate)")
    }
    return nil
  }

  /// Trains on `data`; the configuration must pass ``validate(_:rows:)``.
  public static func train(_ configuration: TrainingConfiguration, data: Matrix<Float>) -> TrainingResult {
    precondition(validate(configuration, rows: data.rows) == nil, "Invalid configuration: \(validate(configuration, rows: data.rows)!)")
    let start = Date()
    let m = data.columns, f = configuration.width, b = configuration.batchSize
    let architecture = configuration.architecture
    var parameters = SAEParameters<Float>.initialized(inputDimension: m, width: f, seed: configuration.seed)
    var gradient = [Float](repeating: 0, count: parameters.values.count)
    var workspace = Workspace<Float>(batchSize: b, inputDimension: m, width: f)
    var optimizer = AdamOptimizer<Float>(parameterCount: parameters.values.count, learningRate: configuration.learningRate,
                                         sparse: configuration.sparseAdam)
    var sampler = BatchSampler(rowCount: data.rows, batchSize: b, seed: configuration.seed)
    var tracker = DeadLatentTracker(width: f)
    var batch = [Float](repeating: 0, count: b * m)
    var loss = BatchLoss(meanSquaredError: 0, penalty: 0)
    for _ in 0..<configuration.steps {
      let indices = sampler.next()
      data.storage.withUnsafeBufferPointer { x in
        batch.withUnsafeMutableBufferPointer { out in
          for (slot, row) in indices.enumerated() {
            (out.baseAddress! + slot * m).update(from: x.baseAddress! + row * m, count: m)
          }
        }
      }
      loss = batch.withUnsafeBufferPointer { x in
        SAEKernel.lossAndGradient(parameters: parameters, activation: architecture.activation, penalty: architecture.penalty,
                                  batch: x.baseAddress!, gradient: &gradient, workspace: &workspace)
      }
      tracker.record(fired: workspace.fired)
      optimizer.update(&parameters.values, gradient: gradient)
    }
    let seconds = Date().timeIntervalSince(start)
    return TrainingResult(autoencoder: SparseAutoencoder(architecture: architecture, parameters: parameters), finalLoss: loss,
                          tracker: tracker, seconds: seconds,
                          samplesPerSecond: Double(configuration.steps * b) / seconds)
  }
}
