/// sae-lens 6.54 `MatryoshkaBatchTopKTrainingSAE` (Bussmann et al. 2025, arXiv 2503.17547): BatchTopK
/// (``BatchTopKArchitecture``: the k·B largest codes of the batch, the threshold θ following the
/// smallest kept code) trained on the full reconstruction plus one nested reconstruction loss per
/// inner width, each from a prefix of the latents (``SAEKernel`` `nestedReconstruction`), so that the
/// first latents must reconstruct on their own — the remedy proposed against absorption. AuxK, when
/// asked for, is sae-lens's default top-k auxiliary loss on the full residual. Saved, like BatchTopK,
/// as SAELens `jumprelu` with θ in every slot.
public struct MatryoshkaBatchTopKArchitecture: SAEArchitecture, Equatable {
  /// The BatchTopK selection and its threshold.
  public var batchTopK: BatchTopKArchitecture
  /// The inner widths w_1 < … < w_{L−1}, each ≥ 1 and below the width.
  public var prefixes: [Int]

  /// A Matryoshka BatchTopK SAE keeping `k` latents per sample on average, with inner widths `prefixes`
  /// (strictly increasing, ≥ 1; the full width is implied).
  public init(k: Int, prefixes: [Int]) {
    precondition(!prefixes.isEmpty && prefixes[0] >= 1 && zip(prefixes, prefixes.dropFirst()).allSatisfy { $0 < $1 },
                 "The inner widths must be >= 1 and strictly increasing, got \(prefixes).")
    batchTopK = BatchTopKArchitecture(k: k)
    self.prefixes = prefixes
  }

  /// `"matryoshka"`.
  public var kind: String { "matryoshka" }
  /// `"jumprelu"`.
  public var saeLensArchitecture: String { "jumprelu" }
  /// Batch-level top k·B.
  public var activation: ActivationRule { batchTopK.activation }
  /// JumpReLU at the learned threshold θ.
  public var inferenceActivation: ActivationRule { batchTopK.inferenceActivation }
  /// None.
  public var penalty: SparsityPenalty { .none }
  /// The inner widths.
  public var nestedPrefixes: [Int] { prefixes }
  /// None: `jumprelu` has no extra keys.
  public var saeLensExtraConfig: [(key: String, json: String)] { [] }
  /// `threshold` [F], θ in every slot.
  public func saeLensExtraTensors(width: Int) -> [(name: String, values: [Float])] { batchTopK.saeLensExtraTensors(width: width) }
  /// BatchTopK's update of θ.
  public mutating func record(_ step: TrainingStepRecord) { batchTopK.record(step) }
}
