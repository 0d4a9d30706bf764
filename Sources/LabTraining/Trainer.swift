import Foundation
import LabNumerics
import LabRandom

/// What to train: architecture, width, batches, steps, optimiser and its schedule.
public struct TrainingConfiguration: Sendable {
  /// The architecture and its sparsity option.
  public var architecture: any SAEArchitecture
  /// F, the number of latents.
  public var width: Int
  /// B, rows per step.
  public var batchSize: Int
  /// The number of optimiser steps.
  public var steps: Int
  /// Adam's base learning rate (multiplied by the schedule).
  public var learningRate: Double
  /// The root seed of the initialisation, the batch order, the training noise and resampling.
  public var seed: UInt64
  /// Whether Adam updates only coordinates with a nonzero gradient.
  public var sparseAdam: Bool
  /// Steps without firing after which a latent counts as dead in training.
  public var deadWindow: Int
  /// The learning-rate schedule.
  public var schedule: LearningRateSchedule
  /// Steps over which the sparsity coefficient rises linearly from λ/W to λ (SAELens
  /// `l1_warm_up_steps`: step t uses min(1, (t + 1)/W)); 0 for none.
  public var l1WarmupSteps: Int
  /// The largest global Euclidean norm of the gradient; larger gradients are scaled down to it.
  public var gradientClipNorm: Double?
  /// Every this many steps, the latents that did not fire in those steps are re-initialised as at
  /// initialisation (a random direction at the initial decoder norm, encoder column its transpose,
  /// encoder bias 0, Adam moments zero), as mlsae re-initialises dead latents; nil for never.
  public var resampleInterval: Int?
  /// k_aux of the AuxK loss on the dead latents (those not fired for more than `deadWindow` steps;
  /// topk, batchtopk and the deep SAE with a linear decoder, see ``AuxiliaryKLoss``); nil for none.
  public var auxK: Int?
  /// The AuxK coefficient c (SAELens `aux_loss_coefficient`, default 1).
  public var auxCoefficient: Double
  /// S, the number of row blocks of each batch whose gradients are computed at once, one thread
  /// each with single-threaded BLAS (``BlockedBatchKernel``); 1 computes the batch in one piece
  /// with OpenBLAS's own threads. The numbers depend on S (the order of the sums), so a resumed run
  /// must keep it. The deep SAE splits its batch the same way (``DeepTrainer``); BatchTopK selects
  /// over the whole batch and always uses one piece.
  public var batchBlocks: Int

  /// A configuration; see the properties.
  public init(architecture: any SAEArchitecture, width: Int, batchSize: Int, steps: Int, learningRate: Double, seed: UInt64 = 0,
              sparseAdam: Bool = false, deadWindow: Int = 1000, schedule: LearningRateSchedule = LearningRateSchedule(),
              l1WarmupSteps: Int = 0, gradientClipNorm: Double? = nil, resampleInterval: Int? = nil, auxK: Int? = nil,
              auxCoefficient: Double = 1, batchBlocks: Int = 1) {
    self.architecture = architecture
    self.width = width
    self.batchSize = batchSize
    self.steps = steps
    self.learningRate = learningRate
    self.seed = seed
    self.sparseAdam = sparseAdam
    self.deadWindow = deadWindow
    self.schedule = schedule
    self.l1WarmupSteps = l1WarmupSteps
    self.gradientClipNorm = gradientClipNorm
    self.resampleInterval = resampleInterval
    self.auxK = auxK
    self.auxCoefficient = auxCoefficient
    self.batchBlocks = batchBlocks
  }

  /// The row blocks the shallow trainer uses: ``batchBlocks``, or 1 for BatchTopK.
  var effectiveBatchBlocks: Int { architecture.activation.needsBatchScratch ? 1 : batchBlocks }
}

/// Everything a training run carries from one step to the next, so that a run can stop, be saved
/// as a ``TrainingCheckpoint`` and resume bit-identically.
public struct TrainingState: Sendable {
  /// The architecture as trained so far (prepared for the data; a BatchTopK threshold moves).
  public var architecture: any SAEArchitecture
  /// The weights.
  public var parameters: SAEParameters<Float>
  /// Adam and its moments.
  public var optimizer: AdamOptimizer<Float>
  /// The batch order.
  public var sampler: BatchSampler
  /// The generator of the training noise.
  public var noiseGenerator: Xoshiro256StarStar
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
}

/// One report of a running training, for progress displays.
public struct TrainingProgress: Sendable {
  /// Steps done.
  public var step: Int
  /// Steps in the run.
  public var totalSteps: Int
  /// The loss of the last batch.
  public var loss: BatchLoss
  /// Seconds since ``Trainer/run(_:_:data:until:progressInterval:progress:)`` began.
  public var seconds: Double
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
  /// Latents re-initialised by resampling.
  public var resampledLatents: Int
}

/// Trains a float32 SAE with Adam on the rows of a data matrix. The result is a function of the
/// data and the configuration (its ``TrainingConfiguration/batchBlocks`` included).
public enum Trainer {
  /// Checks `configuration` against `data` (N×m); the message names the parameter and its value
  /// (``TrainingError/parameter(_:of:mustBe:got:)``).
  public static func validate(_ configuration: TrainingConfiguration, rows: Int) -> TrainingError? {
    func fail(_ name: String, _ requirement: String, _ value: Any) -> TrainingError {
      .parameter(name, of: "Trainer", mustBe: requirement, got: value)
    }
    if configuration.width < 1 { return fail("width", "at least 1", configuration.width) }
    if !(1...max(1, rows)).contains(configuration.batchSize) || rows < 1 {
      return fail("batchSize", "in 1...\(rows) (the number of data rows)", configuration.batchSize)
    }
    if configuration.steps < 1 { return fail("steps", "at least 1", configuration.steps) }
    if !(configuration.learningRate > 0 && configuration.learningRate.isFinite) {
      return fail("learningRate", "a finite number > 0", configuration.learningRate)
    }
    if configuration.l1WarmupSteps < 0 { return fail("l1WarmupSteps", "at least 0", configuration.l1WarmupSteps) }
    if let clip = configuration.gradientClipNorm, !(clip > 0 && clip.isFinite) {
      return fail("gradientClipNorm", "a finite number > 0", clip)
    }
    if let interval = configuration.resampleInterval, interval < 1 { return fail("resampleInterval", "at least 1", interval) }
    if !(1...configuration.batchSize).contains(configuration.batchBlocks) {
      return fail("batchBlocks", "in 1...\(configuration.batchSize) (the batch size)", configuration.batchBlocks)
    }
    if let clip = configuration.gradientClipNorm, case .trainedJumpReLU = configuration.architecture.activation {
      return fail("gradientClipNorm", "unset for jumprelu (its thresholds learn outside the clipped gradient)", clip)
    }
    if configuration.deadWindow < 0 { return fail("deadWindow", "at least 0", configuration.deadWindow) }
    if let auxK = configuration.auxK {
      switch configuration.architecture.activation {
      case .topK, .batchTopK: break
      default: return fail("auxK", "absent for \(configuration.architecture.kind) (it applies to topk and batchtopk only)", auxK)
      }
      if !(1...configuration.width).contains(auxK) { return fail("auxK", "in 1...\(configuration.width) (the width)", auxK) }
      if !(configuration.auxCoefficient >= 0 && configuration.auxCoefficient.isFinite) {
        return fail("auxCoefficient", "a finite number ≥ 0", configuration.auxCoefficient)
      }
    }
    return nil
  }

  /// The state before the first step: the architecture prepared for `data`, initial weights,
  /// zero moments, and the generators of the configuration's seed.
  public static func initialState(_ configuration: TrainingConfiguration, data: Matrix<Float>) -> TrainingState {
    let architecture = configuration.architecture.prepared(meanInputNorm: meanRowNorm(data), inputDimension: data.columns)
    let parameters = SAEParameters<Float>.initialized(inputDimension: data.columns, width: configuration.width, seed: configuration.seed,
                                                      decoderNorm: architecture.initialDecoderNorm)
    let seeds = SeedTree(root: configuration.seed)
    return TrainingState(
      architecture: architecture, parameters: parameters,
      optimizer: AdamOptimizer(parameterCount: parameters.values.count, learningRate: configuration.learningRate,
                               sparse: configuration.sparseAdam),
      sampler: BatchSampler(rowCount: data.rows, batchSize: configuration.batchSize, seed: configuration.seed),
      noiseGenerator: seeds.generator(for: "noise"), resampleGenerator: seeds.generator(for: "resample"),
      tracker: DeadLatentTracker(width: configuration.width), step: 0, lastLoss: BatchLoss(meanSquaredError: 0, penalty: 0),
      resampledLatents: 0)
  }

  /// Trains on `data` from scratch, calling `progress` every `progressInterval` steps and after the
  /// last; the configuration must pass ``validate(_:rows:)``.
  public static func train(_ configuration: TrainingConfiguration, data: Matrix<Float>, progressInterval: Int = 100,
                           progress: ((TrainingProgress) -> Void)? = nil) -> TrainingResult {
    precondition(validate(configuration, rows: data.rows) == nil, "Invalid configuration: \(validate(configuration, rows: data.rows)!)")
    let start = Date()
    var state = initialState(configuration, data: data)
    run(&state, configuration, data: data, until: configuration.steps, progressInterval: progressInterval, progress: progress)
    return result(state, configuration, steps: configuration.steps, seconds: Date().timeIntervalSince(start))
  }

  /// The result of a finished (or stopped) run that took `seconds` for its last `steps` steps.
  public static func result(_ state: TrainingState, _ configuration: TrainingConfiguration, steps: Int, seconds: Double) -> TrainingResult {
    TrainingResult(autoencoder: SparseAutoencoder(architecture: state.architecture, parameters: state.parameters),
                   finalLoss: state.lastLoss, tracker: state.tracker, seconds: seconds,
                   samplesPerSecond: Double(steps * configuration.batchSize) / seconds, resampledLatents: state.resampledLatents)
  }

  /// Takes steps from `state.step` until `step` (at most `configuration.steps`), calling `progress`
  /// every `progressInterval` steps and after the last one. A run split into several calls, with
  /// the state saved and restored in between, gives the same bytes as one call.
  /// Returns why the run stopped early when it diverged (``TrainingDivergence``), else nil.
  @discardableResult
  public static func run(
    _ state: inout TrainingState, _ configuration: TrainingConfiguration, data: Matrix<Float>, until step: Int,
    progressInterval: Int = 100, progress: ((TrainingProgress) -> Void)? = nil
  ) -> TrainingDivergence? {
    precondition(state.parameters.inputDimension == data.columns && state.parameters.width == configuration.width,
                 "The training state does not fit the data or the configuration.")
    let m = data.columns, f = configuration.width, b = configuration.batchSize
    let sigma = state.architecture.trainingNoise
    let blocks = configuration.effectiveBatchBlocks
    var kernel = BlockedBatchKernel<Float>(batchSize: b, blockCount: blocks, inputDimension: m, width: f,
                                           parameterCount: state.parameters.values.count)
    let previousBLASThreads = BLAS.threadCount
    if blocks > 1 { BLAS.setThreadCount(1) }
    defer { BLAS.setThreadCount(previousBLASThreads) }
    var noise = [Float](repeating: 0, count: sigma > 0 ? b * f : 0)
    var pursuit: MatchingPursuitKernel<Float>?
    if case .matchingPursuit(let iterations, _) = state.architecture.activation {
      pursuit = MatchingPursuitKernel(batchSize: b, blockCount: blocks, inputDimension: m, width: f, maxIterations: iterations)
    }
    return TrainingLoop.run(&state, configuration, data: data, until: step, progressInterval: progressInterval, progress: progress) {
      state, batch, t, dead, gradient in
      if sigma > 0 { for i in noise.indices { noise[i] = Float(sigma * state.noiseGenerator.nextNormal()) } }
      let warmup = configuration.l1WarmupSteps > 0 ? min(1, Double(t + 1) / Double(configuration.l1WarmupSteps)) : 1
      let architecture = state.architecture
      if case .matchingPursuit(_, let threshold) = architecture.activation {
        let loss = batch.storage.withUnsafeBufferPointer { x in
          pursuit!.lossAndGradient(parameters: state.parameters, residualThreshold: threshold, batch: x.baseAddress!, gradient: &gradient)
        }
        return (loss, pursuit!.fired)
      }
      var loss = batch.storage.withUnsafeBufferPointer { x in
        noise.withUnsafeBufferPointer { e in
          kernel.lossAndGradient(parameters: state.parameters, activation: architecture.activation,
                                 penalty: architecture.penalty.scaled(by: warmup), subtractsDecoderBias: architecture.subtractsDecoderBias,
                                 nestedPrefixes: architecture.nestedPrefixes,
                                 noise: sigma > 0 ? e.baseAddress! : nil, batch: x.baseAddress!, gradient: &gradient)
        }
      }
      if let dead, let auxK = configuration.auxK {
        // The kernel leaves g = 2(x̂ − x)/B in the residual buffer: e = x − x̂ = −(B/2) g.
        let residual = Matrix(rows: b, columns: m, storage: kernel.lastResidualGradient.map { -$0 * Float(b) / 2 })
        loss.auxiliary = AuxiliaryKLoss.addLossAndGradient(
          parameters: state.parameters, batch: batch, residual: residual, dead: dead, k: auxK,
          coefficient: configuration.auxCoefficient, gradient: &gradient)
      }
      if architecture.unitNormDecoder { state.parameters.removeDecoderParallelComponent(of: &gradient) }
      return (loss, kernel.fired)
    } afterUpdate: { state in
      if state.architecture.unitNormDecoder { state.parameters.normalizeDecoderRows() }
      state.architecture.record(TrainingStepRecord(
        minimumPositiveCode: kernel.minimumPositiveCode, activeCount: pursuit?.activeCount ?? kernel.activeCount, batchSize: b,
        thresholdGradient: kernel.thresholdGradient.isEmpty ? nil : kernel.thresholdGradient, learningRate: state.optimizer.learningRate))
    }
  }

  /// The mean Euclidean norm of the rows of `data`, accumulated in `Double`.
  public static func meanRowNorm(_ data: Matrix<Float>) -> Double {
    guard data.rows > 0 else { return 0 }
    var total = 0.0
    for r in 0..<data.rows {
      var s = 0.0
      for j in 0..<data.columns { let v = Double(data.storage[r * data.columns + j]); s += v * v }
      total += s.squareRoot()
    }
    return total / Double(data.rows)
  }
}
