/// The architectures `lab train --arch` accepts, by kind, with the option each one needs.
public enum ArchitectureRegistry {
  /// The registered kinds, in the order shown to users.
  public static let kinds = ["relu-l1", "topk"]

  /// The architecture of `kind` from its options: `relu-l1` needs `l1` (≥ 0) and no `k`; `topk`
  /// needs `k` (1…`width`) and no `l1`. A failure message names the option and its value.
  public static func make(kind: String, l1: Double?, k: Int?, width: Int) -> Result<any SAEArchitecture, TrainingError> {
    switch kind {
    case "relu-l1":
      guard k == nil else { return .failure(TrainingError("'--k' applies to topk only; relu-l1 takes '--l1'")) }
      guard let l1 else { return .failure(TrainingError("relu-l1 needs '--l1 C'")) }
      guard l1.isFinite && l1 >= 0 else { return .failure(TrainingError("'--l1' must be finite and >= 0, got \(l1)")) }
      return .success(ReLUL1Architecture(l1Coefficient: l1))
    case "topk":
      guard l1 == nil else { return .failure(TrainingError("'--l1' applies to relu-l1 only; topk takes '--k'")) }
      guard let k else { return .failure(TrainingError("topk needs '--k K'")) }
      guard (1...width).contains(k) else { return .failure(TrainingError("'--k' must be in 1...\(width) (the width), got \(k)")) }
      return .success(TopKArchitecture(k: k))
    default:
      return .failure(TrainingError("unknown architecture '\(kind)'; known: \(kinds.joined(separator: ", "))"))
    }
  }
}

/// Input the trainer or the SAELens reader cannot use; the message names the option, file or field.
public struct TrainingError: Error, CustomStringConvertible, Equatable {
  /// What is wrong, naming the option, file or field and the value.
  public let description: String

  /// An error with the given message.
  public init(_ description: String) { self.description = description }
}
