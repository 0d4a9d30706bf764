import ArgumentParser
import LabSolvers

/// `--memory` of `lab learn` and `lab bench learn`: a number of mini-batches, or `peers` for the
/// forgetting schedule of scikit-learn and SPAMS (``SurrogateMemory``).
extension SurrogateMemory: ExpressibleByArgument {
  public init?(argument: String) {
    if argument == Self.peerScheduleName {
      self = .peerSchedule
    } else if let count = Int(argument), count >= 1 {
      self = .batches(count)
    } else {
      return nil
    }
  }

  public var defaultValueDescription: String { description }

  /// The value as `--memory` takes it and the JSON records write it.
  public var description: String {
    switch self {
    case .peerSchedule: return Self.peerScheduleName
    case .batches(let count): return "\(count)"
    }
  }

  /// The `--memory` value of ``SurrogateMemory/peerSchedule``.
  static let peerScheduleName = "peers"

  /// The help text of `--memory`.
  static let help = ArgumentHelp(
    "Mini-batches the online surrogate remembers (forgetting factor 1 − 1/min(t+1, B)), or 'peers' for scikit-learn's and SPAMS' schedule.",
    valueName: "batches|peers")
}
