import LabChecks
import LabExperiments
import LabNumerics

/// The size check of `lab check`, made once the inputs are read and before any code or check is
/// computed (issue 20): an allocation the machine cannot hold is refused with exit code 2 and the
/// memory it needs. LPs too large for the time budget are not this check's business: the plan skips
/// them with a reason (issue 16).
enum CheckMemory {
  /// Fails when checking `inputs` (and an SAE's `encoder` view) needs more memory than is available:
  /// the K × K Gram matrix and pair statistics (five arrays), the dictionary's gradients and
  /// directions (four K × m arrays), residuals and reconstructions (two N × m arrays), and — unless the
  /// checks stream — the N × K codes three times (the codes, the perturbation's codes, the measured step's).
  static func require(_ inputs: CheckInputs, encoder: CheckInputs?, streaming: Bool) throws {
    let (n, m, k) = (inputs.samples.rows, inputs.samples.columns, inputs.dictionary.rows)
    let streams = inputs.streams || (streaming && inputs.givenCodes == nil && inputs.constraint == .nonnegative)
    var terms: [(count: Int?, elementSize: Int)] = [(MemoryBudget.product(k, k), 5 * 8), (MemoryBudget.product(k, m), 4 * 8),
                                                    (MemoryBudget.product(n, m), 2 * 8)]
    if !streams { terms.append((MemoryBudget.product(n, k), 3 * 8)) }
    if encoder != nil { terms.append((MemoryBudget.product(n, k), 3 * 8)) }
    try MemoryCheck.require("checking \(k) atoms on \(n) points of dimension \(m)\(streams ? " (streaming)" : "")", terms)
  }
}
