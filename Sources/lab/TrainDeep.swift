import Foundation
import LabNumerics
import LabTraining

extension Train {
  /// `lab train --arch deep`: trains a ``DeepAutoencoder`` (with checkpoints, resampling and AuxK
  /// as the shallow kinds) and writes it in our `sparselab_deep` format. The deep SAE has no
  /// sparsity coefficient, so `--l1-warmup` does not apply.
  func runDeep(options: ArchitectureOptions, common: TrainingConfiguration, data x: Matrix<Float>, truth: Matrix<Double>?) throws {
    if l1Warmup != 0 { throw BadInput.fail("'--l1-warmup' applies to the shallow architectures only, not deep") }
    let architecture: DeepSAEArchitecture
    switch ArchitectureRegistry.makeDeep(options: options, inputDimension: x.columns, width: width) {
    case .success(let a): architecture = a
    case .failure(let error): throw BadInput.fail(Self.flags.rewrite(error))
    }
    let configuration = DeepTrainingConfiguration(architecture: architecture, common: common)
    if let error = DeepTrainer.validate(configuration, rows: x.rows, inputDimension: x.columns) { throw BadInput.fail(Self.flags.rewrite(error)) }
    let (state, firstStep, seconds) = try train(
      common, rows: x.rows, initial: { DeepTrainer.initialState(configuration, data: x) },
      read: { path throws(TrainingError) in try TrainingCheckpoint.read(from: path, configuration: configuration, data: x) }
    ) { state, stop, progress in
      DeepTrainer.run(&state, configuration, data: x, until: stop, progressInterval: 1, progress: progress)
    }
    let result = DeepTrainer.result(state, configuration, steps: steps - firstStep, seconds: seconds)
    let metrics = SAEMetrics.evaluate(result.autoencoder, on: x, truth: truth)
    try DeepSAEFormat.write(result.autoencoder, to: out)
    report(seconds: result.seconds, samplesPerSecond: result.samplesPerSecond, finalLoss: result.finalLoss, metrics: metrics,
           deadTraining: result.tracker.deadCount(window: common.deadWindow),
           extra: resumeFields(firstStep: firstStep, resampledLatents: result.resampledLatents))
  }
}
