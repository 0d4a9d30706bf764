/// The training-time encoder of a batch-wide top-k SAE (batchtopk) as its inference rule: the k·B
/// largest pre-activations of each batch of B rows, for comparing with the saved JumpReLU encoder.
public struct BatchTopKTrainingEncoder: SAEArchitecture {
  /// The view of an SAE trained with batch-wide top `k`.
  public init(k: Int) { self.k = k }

  /// k.
  public var k: Int
  /// `"batchtopk"`.
  public var kind: String { "batchtopk" }
  /// Never written: this view exists only in memory.
  public var saeLensArchitecture: String { "jumprelu" }
  /// Batch-level top k·B, at inference too.
  public var activation: ActivationRule { .batchTopK(k) }
  /// None.
  public var penalty: SparsityPenalty { .none }
  /// None.
  public var saeLensExtraConfig: [(key: String, json: String)] { [] }
}
