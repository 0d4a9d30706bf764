import LabRandom

/// What a training run carries from step to step, for every model: the parts that
/// ``TrainingLoop``, ``Resampler`` and ``TrainingCheckpoint`` handle the same way for the shallow
/// ``TrainingState`` and the deep ``DeepTrainingState``.
public protocol ResumableTrainingState: Sendable {
  /// The architecture kind, as `--arch` names it.
  var kind: String { get }
  /// m, the input dimension.
  var inputDimension: Int { get }
  /// F, the number of latents.
  var width: Int { get }
  /// All weights in one flat vector (the model's own layout).
  var weights: [Float] { get set }
  /// Adam and its moments.
  var optimizer: AdamOptimizer<Float> { get set }
  /// The batch order.
  var sampler: BatchSampler { get set }
  /// The generator of resampled latents.
  var resampleGenerator: Xoshiro256StarStar { get set }
  /// Steps since each latent last fired.
  var tracker: DeadLatentTracker { get set }
  /// Steps taken.
  var step: Int { get set }
  /// The loss of the last batch.
  var lastLoss: BatchLoss { get set }
  /// Latents re-initialised so far.
  var resampledLatents: Int { get set }
  /// Where each latent's own weights are and how a dead one is re-drawn.
  var latentSlots: LatentSlots { get }
  /// The model's own checkpoint fields (`state.json` keys with JSON values), beyond the shared ones.
  var checkpointExtras: [(key: String, json: String)] { get }
  /// Restores what ``checkpointExtras`` wrote.
  mutating func restoreCheckpointExtras(from fields: TrainingCheckpoint.Fields) throws(TrainingError)
}

/// Where latent i's own weights sit in a flat weight vector: column i of the row-major
/// inputs×F matrix that computes its pre-activation, its bias, and row i of the F×outputs matrix
/// that it feeds; and how ``Resampler`` re-draws them.
public struct LatentSlots: Sendable {
  /// How a dead latent's weights are re-drawn.
  public enum Draw: Sendable {
    /// The outgoing row a standard normal vector rescaled to `norm`, the incoming column its
    /// transpose (inputs = outputs): the tied initialisation.
    case tied(norm: Double)
    /// Every incoming weight uniform in ±`incoming`, every outgoing one in ±`outgoing` (the untied
    /// initialisation of torch's `nn.Linear`, bound 1/√inputs of each layer).
    case uniform(incoming: Double, outgoing: Double)
  }

  /// Index of the incoming matrix's first weight; latent i's column is at `incomingOffset + j·F + i`.
  public var incomingOffset: Int
  /// The rows of the incoming matrix.
  public var incomingInputs: Int
  /// Index of the first latent's bias.
  public var biasOffset: Int
  /// Index of the outgoing matrix's first weight; latent i's row is at `outgoingOffset + i·outputs + j`.
  public var outgoingOffset: Int
  /// The columns of the outgoing matrix.
  public var outgoingOutputs: Int
  /// How a dead latent is re-drawn.
  public var draw: Draw

  /// Every weight index that belongs to latent `i` of `width`: its incoming column, bias and outgoing row.
  public func indices(of i: Int, width: Int) -> [Int] {
    (0..<incomingInputs).map { incomingOffset + $0 * width + i } + [biasOffset + i]
      + (0..<outgoingOutputs).map { outgoingOffset + i * outgoingOutputs + $0 }
  }
}
