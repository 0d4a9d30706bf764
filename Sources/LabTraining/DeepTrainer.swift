import Foundation
import LabNumerics
import LabRandom

/// What to train for a deep SAE: the shallow options that apply (width, batch, steps, learning
/// rate and schedule, seed, sparse Adam, gradient clipping, resampling, AuxK and its dead window)
/// plus the deep architecture.
public struct DeepTrainingConfiguration: Sendable {
  /// The architecture.
  public var architecture: DeepSAEArchitecture
  /// The shared options; `architecture` and `l1WarmupSteps` there are unused (the deep SAE is
  /// TopK with k = `architecture.k` and has no sparsity coefficient).
  public var common: TrainingConfiguration

  /// A configuration; `common.architecture` is ignored.
  public init(architecture: DeepSAEArchitecture, common: TrainingConfiguration) {
    self.architecture = architecture
    self.common = common
  }
}

/// Everything a deep training run carries from one step to the next (see ``TrainingState``).
public struct DeepTrainingState: ResumableTrainingState {
  /// The model as trained so far.
  public var model: DeepAutoencoder<Float>
  /// Adam and its moments.
  public var optimizer: AdamOptimizer<Float>
  /// The batch order.
  public var sampler: BatchSampler
  /// The generator of resampled latents.
  public var resampleGenerator: Xoshiro256StarStar
  /// Steps since each latent last fired.
  public var tracker: DeadLatentTracker
  /// Steps taken.
  public var step: Int
  /// The loss of the last batch.
  public var lastLoss: BatchLoss
  /// Latents re-initialised so far.
  public var resampledLatents: Int

  /// `"deep"`.
  public var kind: String { model.architecture.kind }
  /// m.
  public var inputDimension: Int { model.inputDimension }
  /// F.
  public var width: Int { model.width }

  /// `model.values`.
  public var weights: [Float] {
    get { model.values }
    set { model.values = newValue }
    _modify { yield &model.values }
  }

  /// Latent i is column i of the sparse layer, its bias, and row i of the layer after the codes.
  /// Re-drawn as ``DeepAutoencoder/initialized(architecture:inputDimension:width:seed:)`` draws
  /// them: without hidden decoder layers tied at unit norm; with them, uniform in ±1/√inputs.
  public var latentSlots: LatentSlots {
    let layout = model.layout, sparse = layout.sparse, next = layout.decoderHidden.first ?? layout.decoder
    let draw: LatentSlots.Draw = layout.decoderHidden.isEmpty
      ? .tied(norm: 1) : .uniform(incoming: 1 / Double(sparse.inputs).squareRoot(), outgoing: 1 / Double(next.inputs).squareRoot())
    return LatentSlots(incomingOffset: sparse.weightOffset, incomingInputs: sparse.inputs, biasOffset: sparse.biasOffset,
                       outgoingOffset: next.weightOffset, outgoingOutputs: next.outputs, draw: draw)
  }

  /// The architecture's `k`, `encoder_hidden` and `decoder_hidden`, checked on resume.
  public var checkpointExtras: [(key: String, json: String)] {
    let a = model.architecture
    func list(_ widths: [Int]) -> String { "[" + widths.map(String.init).joined(separator: ",") + "]" }
    return [("k", "\(a.k)"), ("encoder_hidden", list(a.encoderHidden)), ("decoder_hidden", list(a.decoderHidden))]
  }

  /// Fails unless the checkpoint's architecture is this run's.
  public func restoreCheckpointExtras(from fields: TrainingCheckpoint.Fields) throws(TrainingError) {
    let a = model.architecture
    try fields.expect("k", "\(try fields.integer("k"))", "\(a.k)")
    try fields.expect("encoder_hidden", "\(try fields.field("encoder_hidden", [Int].self))", "\(a.encoderHidden)")
    try fields.expect("decoder_hidden", "\(try fields.field("decoder_hidden", [Int].self))", "\(a.decoderHidden)")
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
  /// Latents re-initialised by resampling.
  public var resampledLatents: Int
}

/// Trains a float32 deep SAE with Adam in ``TrainingLoop``, as ``Trainer`` (same batch order,
/// schedule, clipping, resampling, AuxK and checkpoints); after each step the final decoder's rows
/// are renormalised, their gradients having lost the component along the rows first.
public enum DeepTrainer {
  /// Checks `configuration` against the data shape; the message names the parameter and its value.
  public static func validate(_ configuration: DeepTrainingConfiguration, rows: Int, inputDimension: Int) -> TrainingError? {
    let architecture = configuration.architecture, width = configuration.common.width
    if let error = architecture.validate(inputDimension: inputDimension, width: width) { return error }
    var common = configuration.common
    common.architecture = TopKArchitecture(k: architecture.k)
    if let error = Trainer.validate(common, rows: rows) { return error }
    if common.auxK != nil && !architecture.decoderHidden.isEmpty {
      return .parameter("auxK", of: "DeepTrainer", mustBe: "absent with hidden decoder layers \(architecture.decoderHidden) (AuxK needs a linear decoder)",
                        got: common.auxK.map(String.init) ?? "nothing")
    }
    return nil
  }

  /// The state before the first step: initial weights, zero moments, and the generators of the seed.
  public static func initialState(_ configuration: DeepTrainingConfiguration, data: Matrix<Float>) -> DeepTrainingState {
    let c = configuration.common
    let model = DeepAutoencoder<Float>.initialized(architecture: configuration.architecture, inputDimension: data.columns, width: c.width,
                                                   seed: c.seed)
    return DeepTrainingState(
      model: model, optimizer: AdamOptimizer(parameterCount: model.values.count, learningRate: c.learningRate, sparse: c.sparseAdam),
      sampler: BatchSampler(rowCount: data.rows, batchSize: c.batchSize, seed: c.seed),
      resampleGenerator: SeedTree(root: c.seed).generator(for: "resample"), tracker: DeadLatentTracker(width: c.width), step: 0,
      lastLoss: BatchLoss(meanSquaredError: 0, penalty: 0), resampledLatents: 0)
  }

  /// Trains on `data` from scratch; the configuration must pass ``validate(_:rows:inputDimension:)``.
  public static func train(_ configuration: DeepTrainingConfiguration, data: Matrix<Float>,
                           progressInterval: Int = 100, progress: ((TrainingProgress) -> Void)? = nil) -> DeepTrainingResult {
    precondition(validate(configuration, rows: data.rows, inputDimension: data.columns) == nil, "Invalid deep SAE configuration.")
    let start = Date()
    var state = initialState(configuration, data: data)
    run(&state, configuration, data: data, until: configuration.common.steps, progressInterval: progressInterval, progress: progress)
    return result(state, configuration, steps: configuration.common.steps, seconds: Date().timeIntervalSince(start))
  }

  /// The result of a finished (or stopped) run that took `seconds` for its last `steps` steps.
  public static func result(_ state: DeepTrainingState, _ configuration: DeepTrainingConfiguration, steps: Int, seconds: Double)
    -> DeepTrainingResult
  {
    DeepTrainingResult(autoencoder: state.model, finalLoss: state.lastLoss, tracker: state.tracker, seconds: seconds,
                       samplesPerSecond: Double(steps * configuration.common.batchSize) / seconds, resampledLatents: state.resampledLatents)
  }

  /// Takes steps from `state.step` until `step` (at most the configuration's steps); as
  /// ``Trainer/run(_:_:data:until:progressInterval:progress:)``, a run split into several calls
  /// with the state checkpointed in between gives the same bytes as one call.
  /// Returns why the run stopped early when it diverged (``TrainingDivergence``), else nil.
  @discardableResult
  public static func run(
    _ state: inout DeepTrainingState, _ configuration: DeepTrainingConfiguration, data: Matrix<Float>, until step: Int,
    progressInterval: Int = 100, progress: ((TrainingProgress) -> Void)? = nil
  ) -> TrainingDivergence? {
    precondition(state.model.inputDimension == data.columns && state.model.width == configuration.common.width
                 && state.model.architecture == configuration.architecture, "The training state does not fit the data or the configuration.")
    let c = configuration.common
    let previousBLASThreads = BLAS.threadCount
    if c.batchBlocks > 1 { BLAS.setThreadCount(1) }
    defer { BLAS.setThreadCount(previousBLASThreads) }
    return TrainingLoop.run(&state, c, data: data, until: step, progressInterval: progressInterval, progress: progress) {
      state, batch, _, dead, gradient in
      var auxiliary: DeepSAEKernel.Auxiliary?
      if let dead, let k = c.auxK { auxiliary = DeepSAEKernel.Auxiliary(dead: dead, k: k, coefficient: c.auxCoefficient) }
      let (loss, g, fired) = DeepSAEKernel.lossAndGradient(state.model, batch: batch, auxiliary: auxiliary, blocks: c.batchBlocks)
      gradient = g
      state.model.removeDecoderParallelComponent(of: &gradient)
      return (loss, fired)
    } afterUpdate: { state in
      state.model.normalizeDecoderRows()
    }
  }
}

