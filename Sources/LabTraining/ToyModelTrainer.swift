import LabNumerics

/// How to train a ``SuperpositionToyModel``: its shape, the feature importances, Adam and batches.
public struct ToyModelTrainingConfiguration: Sendable, Equatable {
  /// m, the hidden width (n is the data's column count).
  public var hiddenDimension: Int
  /// I_i, one per feature.
  public var importance: [Double]
  /// Rows per step.
  public var batchSize: Int
  /// Adam steps.
  public var steps: Int
  /// Adam's learning rate (constant).
  public var learningRate: Double
  /// The root seed of the initialisation and the batch order.
  public var seed: UInt64

  /// A configuration; see the properties.
  public init(hiddenDimension: Int, importance: [Double], batchSize: Int, steps: Int, learningRate: Double, seed: UInt64) {
    self.hiddenDimension = hiddenDimension
    self.importance = importance
    self.batchSize = batchSize
    self.steps = steps
    self.learningRate = learningRate
    self.seed = seed
  }
}

/// A trained toy model and its loss on the whole training data before and after training.
public struct ToyModelTrainingResult: Sendable {
  /// The trained model.
  public var model: SuperpositionToyModel
  /// The loss of the initial model on the training data.
  public var initialLoss: Double
  /// The loss of the trained model on the training data.
  public var finalLoss: Double
}

/// Trains a ``SuperpositionToyModel`` with Adam (``AdamOptimizer``) on mini-batches of a data
/// matrix (``BatchSampler``), with the hand-written gradient of
/// ``SuperpositionToyModel/lossAndGradient(_:importance:)``. The result is a function of the data,
/// the configuration and the OpenBLAS thread count.
public enum ToyModelTrainer {
  /// Trains on the rows of `data` (N×n, N ≥ batch size); the configuration must be valid
  /// (m ≥ 1, n importances, 1 ≤ B ≤ N, steps ≥ 1, learning rate > 0), which the caller checks.
  public static func train(_ configuration: ToyModelTrainingConfiguration, data: Matrix<Double>)
    -> ToyModelTrainingResult
  {
    let n = data.columns, b = configuration.batchSize
    precondition(configuration.importance.count == n && configuration.steps >= 1 && configuration.learningRate > 0,
                 "Invalid toy-model configuration for \(n) features: \(configuration).")
    var model = SuperpositionToyModel.initialized(featureCount: n, hiddenDimension: configuration.hiddenDimension,
                                                          seed: configuration.seed)
    let initialLoss = SuperpositionToyModel.loss(data, model.output(data), importance: configuration.importance)
    var optimizer = AdamOptimizer<Double>(parameterCount: model.values.count, learningRate: configuration.learningRate)
    var sampler = BatchSampler(rowCount: data.rows, batchSize: b, seed: configuration.seed)
    var batch = Matrix<Double>(rows: b, columns: n)
    for _ in 0..<configuration.steps {
      for (slot, row) in sampler.next().enumerated() {
        for j in 0..<n { batch.storage[slot * n + j] = data.storage[row * n + j] }
      }
      let gradient = model.lossAndGradient(batch, importance: configuration.importance).gradient
      optimizer.update(&model.values, gradient: gradient)
    }
    let finalLoss = SuperpositionToyModel.loss(data, model.output(data), importance: configuration.importance)
    return ToyModelTrainingResult(model: model, initialLoss: initialLoss, finalLoss: finalLoss)
  }
}
