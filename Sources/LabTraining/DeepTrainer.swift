import Foundation
import LabNumerics

/// What to train for a deep SAE: the shallow options that apply (width, batch, steps, learning
/// rate and schedule, seed, sparse Adam, gradient clipping) plus the deep architecture.
public struct DeepTrainingConfiguration: Sendable {
  /// The architecture.
  public var architecture: DeepSAEArchitecture
  /// The shared options; `architecture`, `l1WarmupSteps` and `resampleInterval` there are unused.
  public var common: TrainingConfiguration

  /// A configuration; `common.architecture` is ignored.
  public init(architecture: DeepSAEArchitecture, common: TrainingConfiguration) {
    self.architecture = architecture
    self.common = common
  }
}

/// The outcome of a deep training run.
public struct DeepTrainingResult: Sendable {
  /// The trained SAE.
  public var autoencoder: DeepAutoencoder<Float>
  /// The loss of the last batch (`penalty` is the weight-decay term).
  public var finalLoss: BatchLoss
  /// Steps since each latent last fired.
  public var tracker: DeadLatentTracker
  /// Wall time, in seconds.
  public var seconds: Double
  /// steps · B / seconds.
  public var samplesPerSecond: Double
}

/// Trains a float32 deep SAE with Adam (as ``Trainer``: same batch order, schedule and clipping;
/// after each step the final decoder's rows are renormalised, their gradients having lost the
/// component along the rows first).
public enum DeepTrainer {
  /// Checks `configuration` against the data shape; the message names the option and its value.
  public static func validate(_ configuration: DeepTrainingConfiguration, rows: Int, inputDimension: Int) -> TrainingError? {
    Trainer.validate(configuration.common, rows: rows)
      ?? configuration.architecture.validate(inputDimension: inputDimension, width: configuration.common.width)
  }

  /// Trains on `data`; the configuration must pass ``validate(_:rows:inputDimension:)``.
  public static func train(_ configuration: DeepTrainingConfiguration, data: Matrix<Float>,
                           progressInterval: Int = 100, progress: ((TrainingProgress) -> Void)? = nil) -> DeepTrainingResult {
    precondition(validate(configuration, rows: data.rows, inputDimension: data.columns) == nil, "Invalid deep SAE configuration.")
    let start = Date()
    let c = configuration.common, m = data.columns
    var model = DeepAutoencoder<Float>.initialized(architecture: configuration.architecture, inputDimension: m, width: c.width, seed: c.seed)
    var optimizer = AdamOptimizer<Float>(parameterCount: model.values.count, learningRate: c.learningRate, sparse: c.sparseAdam)
    var sampler = BatchSampler(rowCount: data.rows, batchSize: c.batchSize, seed: c.seed)
    var tracker = DeadLatentTracker(width: c.width)
    var batch = Matrix<Float>(rows: c.batchSize, columns: m)
    var loss = BatchLoss(meanSquaredError: 0, penalty: 0)
    for t in 0..<c.steps {
      for (slot, row) in sampler.next().enumerated() {
        for j in 0..<m { batch.storage[slot * m + j] = data.storage[row * m + j] }
      }
      var (stepLoss, gradient, fired, _) = DeepSAEKernel.lossAndGradient(model, batch: batch)
      loss = stepLoss
      model.removeDecoderParallelComponent(of: &gradient)
      if let clip = c.gradientClipNorm { GradientClipping.clip(&gradient, to: clip) }
      optimizer.learningRate = c.learningRate * c.schedule.multiplier(step: t, totalSteps: c.steps)
      optimizer.update(&model.values, gradient: gradient)
      model.normalizeDecoderRows()
      tracker.record(fired: fired)
      if let progress, (t + 1) % max(1, progressInterval) == 0 || t + 1 == c.steps {
        progress(TrainingProgress(step: t + 1, totalSteps: c.steps, loss: loss, seconds: Date().timeIntervalSince(start)))
      }
    }
    let seconds = Date().timeIntervalSince(start)
    return DeepTrainingResult(autoencoder: model, finalLoss: loss, tracker: tracker, seconds: seconds,
                              samplesPerSecond: Double(c.steps * c.batchSize) / seconds)
  }
}
