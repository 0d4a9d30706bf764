import Foundation
import LabNumerics
import LabTraining

extension Train {
  /// `lab train --arch deep`: trains a ``DeepAutoencoder`` and writes it in our `sparselab_deep`
  /// format. Checkpoints, resampling and the L1 warm-up apply to the shallow kinds only.
  func runDeep(options: ArchitectureOptions, common: TrainingConfiguration, data x: Matrix<Float>, truth: Matrix<Double>?) throws {
    for (name, given) in [("--checkpoint", checkpoint != nil), ("--resume", resume != nil), ("--resample-every", resampleEvery != nil),
                          ("--l1-warmup", l1Warmup != 0), ("--aux-k", auxK != nil)] where given {
      throw BadInput.fail("'\(name)' applies to the shallow architectures only, not deep")
    }
    let architecture: DeepSAEArchitecture
    switch ArchitectureRegistry.makeDeep(options: options, inputDimension: x.columns, width: width) {
    case .success(let a): architecture = a
    case .failure(let error): throw BadInput.fail(error.description)
    }
    let configuration = DeepTrainingConfiguration(architecture: architecture, common: common)
    let result = DeepTrainer.train(configuration, data: x, progressInterval: max(1, steps / 100), progress: TrainProgress.reporter(quiet: quiet))
    let metrics = SAEMetrics.evaluate(result.autoencoder, on: x, truth: truth)
    try DeepSAEFormat.write(result.autoencoder, to: out)
    report(seconds: result.seconds, samplesPerSecond: result.samplesPerSecond, finalLoss: result.finalLoss, metrics: metrics,
           deadTraining: result.tracker.deadCount(window: common.deadWindow), extra: [])
  }
}
