import LabChecks
import LabExperiments
import LabNumerics

/// The size check of `lab check`, made once the inputs are read and before any code or check is
/// computed (issue 20): an allocation the machine cannot hold is refused with exit code 2 and the
/// memory it needs. LPs too large for the time budget are not this check's business: the plan skips
/// them with a reason (issue 16).
enum CheckMemory {
  /// Fails when checking `inputs` (and, with `encoder`, an SAE's own codes) needs more memory than is
  /// available: the K × K Gram matrix and, where pairs are measured, four K × K pair statistics; the
  /// dictionary's gradients and directions (four K × m arrays); residuals and reconstructions (two N × m
  /// arrays); and the codes — N × K three times in memory (the codes, the perturbation's, the measured
  /// step's; three more for the SAE's own), or when the checks stream one batch's codes, correlations and
  /// encoder output, and the kept codes (at most m nonzeros per point).
  static func require(_ inputs: CheckInputs, encoder: Bool, streaming: Bool) throws {
    let (n, m, k) = (inputs.samples.rows, inputs.samples.columns, inputs.dictionary.rows)
    let streams = inputs.streams || (streaming && inputs.givenCodes == nil && inputs.constraint == .nonnegative)
    let pairs = !streams || k <= StreamingChecks.maximumPairAtoms
    var terms: [(count: Int?, elementSize: Int)] = [(MemoryBudget.product(k, k), (pairs ? 5 : 1) * 8), (MemoryBudget.product(k, m), 4 * 8),
                                                    (MemoryBudget.product(n, m), 2 * 8)]
    if streams {
      terms.append((StreamingChecks.maximumBatchCodes, 3 * 8))
      terms.append((MemoryBudget.product(n, min(k, m)), 12))
    } else {
      terms.append((MemoryBudget.product(n, k), (encoder ? 6 : 3) * 8))
    }
    try MemoryCheck.require("checking \(k) atoms on \(n) points of dimension \(m)\(streams ? " (streaming)" : "")", terms)
  }
}
