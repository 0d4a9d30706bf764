import LabNumerics

/// The size check every command makes before its large allocations (``MemoryBudget``): exit code 2
/// and one line saying what needs how much memory and how much the machine has.
enum MemoryCheck {
  /// Fails when `terms` (element counts, nil for one that overflowed, and bytes per element) need
  /// more memory than is available; `what` names the option or input that asks for it.
  static func require(_ what: String, _ terms: [(count: Int?, elementSize: Int)]) throws {
    if let problem = MemoryBudget.problem(what, needs: MemoryBudget.bytes(terms)) { throw BadInput.fail(problem) }
  }
}
