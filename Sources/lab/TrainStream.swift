import Foundation
import LabExperiments
import LabGenerators
import LabNumerics
import LabTraining

/// `lab train --from-saelens DIR`: training batches drawn straight from a SAELens synthetic model,
/// with no file in between. The samples are those `lab generate --from-saelens DIR` draws under the
/// same seed, rounded to float32, taken in chunks of ``rows`` fresh samples; each chunk is used for
/// exactly one epoch of ``stepsPerChunk`` steps (a random permutation of it cut into batches, as
/// for `--data`), so every sample is seen once and memory holds one chunk whatever `--steps` is.
/// The run is a function of the model, the seed, the random streams, `--batch` and the thread count; a run that fits
/// in one chunk trains exactly as `--data` on the first ``rows`` generated samples does.
final class TrainStream {
  /// The samples per chunk (rounded down to a multiple of the batch, at least one batch).
  static let chunkSamples = 65_536

  /// The model's sampler.
  private var generator: WorldGenerator
  /// The true feature directions (F × m), for MMCS.
  let truth: Matrix<Double>
  /// Samples per chunk: a multiple of the batch size.
  let rows: Int
  /// Steps per chunk.
  let stepsPerChunk: Int
  /// The chunk being trained on.
  private(set) var chunk: Matrix<Float>
  /// The index of ``chunk`` in the stream.
  private var chunkIndex = 0

  /// Prepares the model in `directory` under `seed`, drawing from `streams`, for batches of `batch`
  /// rows and draws the first chunk.
  init(directory: String, seed: UInt64?, streams: RandomStreams, batch: Int, threads: Int) throws {
    let model: SAELensSyntheticModel
    do {
      model = try SAELensSyntheticModel(directory: directory)
      generator = try model.generator(seed: seed ?? model.seed, streams: streams)
    } catch { throw BadInput.fail("\(error)") }
    generator.threads = threads
    truth = model.featureVectors
    stepsPerChunk = max(1, Self.chunkSamples / max(1, batch))
    rows = stepsPerChunk * max(1, batch)
    let (f, m) = (truth.rows, truth.columns)
    // Two chunks in float32 (the one trained on and the next being drawn), and one draw of the
    // generator: its float64 codes and samples.
    try MemoryCheck.require("'--from-saelens' \(directory): chunks of \(rows) samples of \(f) features in dimension \(m) ('--batch')",
                            [(MemoryBudget.product(rows, m), 2 * 4), (MemoryBudget.product(generator.rowsPerDraw, f + m), 8)])
    chunk = Matrix(rows: 0, columns: m)
    chunk = draw()
  }

  /// The next ``rows`` samples in float32, drawn ``WorldGenerator/rowsPerDraw`` at a time: a
  /// draw's dense codes (rows × F in float64) are the largest array, never the chunk's.
  private func draw() -> Matrix<Float> {
    let m = truth.columns
    var storage: [Float] = []
    storage.reserveCapacity(rows * m)
    while storage.count < rows * m {
      let batch = generator.next(min(generator.rowsPerDraw, rows - storage.count / m)).samples
      storage += batch.storage.lazy.map { Float($0) }
    }
    return Matrix(rows: rows, columns: m, storage: storage)
  }

  /// Trains `state` to step `stop`, drawing a fresh chunk at every multiple of ``stepsPerChunk``
  /// (the first chunk is drawn by `init`); returns the divergence that stopped it, if any.
  func run(_ state: inout TrainingState, _ configuration: TrainingConfiguration, until stop: Int, progressInterval: Int,
           progress: ((TrainingProgress) -> Void)?) -> TrainingDivergence? {
    while state.step < min(stop, configuration.steps) {
      while chunkIndex < state.step / stepsPerChunk {
        chunk = draw()
        chunkIndex += 1
      }
      let end = min(stop, (state.step / stepsPerChunk + 1) * stepsPerChunk)
      if let divergence = Trainer.run(&state, configuration, data: chunk, until: end, progressInterval: progressInterval, progress: progress) {
        return divergence
      }
    }
    return nil
  }

  /// A fresh chunk, not trained on, for the final metrics.
  func heldOut() -> Matrix<Float> { draw() }
}
