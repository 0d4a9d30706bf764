import Foundation
import Synchronization

/// Fault injection for the end-to-end tests of whole commands: with `LAB_KILL_AT_WRITE_STEP=n` in
/// the environment, the process kills itself (SIGKILL, which nothing can catch) at its n-th write
/// step — a file written into a staging directory, a commit marker, a rename onto a target, a
/// streamed block, a streamed file's rename — so that a test can stop a real run at every step in
/// turn. Without the variable a step costs one comparison.
enum WriteFaults {
  private static let killStep: Int? = ProcessInfo.processInfo.environment["LAB_KILL_AT_WRITE_STEP"].flatMap { Int($0) }
  private static let steps = Atomic<Int>(0)

  /// Counts one write step (and kills the process at the chosen one).
  static func step() {
    guard let killStep else { return }
    if steps.add(1, ordering: .relaxed).newValue == killStep { kill(getpid(), SIGKILL) }
  }
}
