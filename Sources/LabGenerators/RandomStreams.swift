/// How a ``WorldGenerator`` draws its samples' codes and noise from the seed.
public enum RandomStreams: String, Sendable, CaseIterable, Codable {
  /// One stream for the codes (`sample/codes`) and one for the noise (`sample/noise`) over all
  /// samples, drawn on one thread. The lab's reports and every earlier sample use it.
  case single
  /// A stream pair per batch of the generator's batch size: batch b draws its codes from
  /// `sample/codes/b` and its noise from `sample/noise/b`. Batches are drawn on the generator's
  /// threads at once; the samples depend on the seed and the batch size only, not on the thread
  /// count. The same distribution as `single`, other samples.
  case perBatch = "per-batch"

  /// The seed paths of batch `batch`'s codes and noise under `perBatch`.
  static func paths(batch: Int) -> (codes: String, noise: String) { ("sample/codes/\(batch)", "sample/noise/\(batch)") }
}
