import LabNumerics

/// How long the online learner's surrogate (``SufficientStatistics``) remembers a mini-batch: the
/// forgetting factor β_t that multiplies the statistics before step t adds its batch at weight 1.
///
/// The surrogate equals L_λ at the current dictionary only for codes solved at that dictionary
/// (``SufficientStatistics``); a batch coded many steps ago holds codes of an older dictionary,
/// and its pull keeps the atoms near where they were. On the lab's W2 benchmark the peers'
/// schedule, which averages the first η batches equally and then remembers about η batches, stops
/// 10 % above the true dictionary's held-out objective after 3 epochs, while with a memory of 20
/// batches it comes within 3 % after 1.5 epochs and ends 1.1 % above it (docs/theory-guide.md, section `w2`).
public enum SurrogateMemory: Codable, Equatable, Sendable {
  /// scikit-learn's and SPAMS' schedule with batch size η: β_t = (θ + 1 − η)/(θ + 1), θ = (t + 1)η
  /// for t < η − 1 and θ = η² + t + 1 − η after (``OnlineDictionaryLearning/forgetting(step:batchSize:)``).
  case peerSchedule
  /// A memory of about `batches` mini-batches: β_t = 1 − 1/min(t + 1, `batches`), so the first
  /// batches build up the statistics and afterwards a batch's weight falls by the factor 1 − 1/`batches` per step.
  case batches(Int)

  /// The memory of the lab's online learner (see the type's documentation).
  public static let standard = SurrogateMemory.batches(20)

  /// β_t before step `t` (0-based) with batch size `batchSize`.
  public func factor(step t: Int, batchSize: Int) -> Double {
    switch self {
    case .peerSchedule: return OnlineDictionaryLearning.forgetting(step: t, batchSize: batchSize)
    case .batches(let count): return 1 - 1 / Double(min(t + 1, count))
    }
  }

  /// The problem with the memory, naming the field and value; `nil` when valid.
  public var problem: ParameterProblem? {
    if case .batches(let count) = self, count < 1 {
      return ParameterProblem("memory", mustBe: "at least 1 batch", got: count)
    }
    return nil
  }
}
