import LabChecks
import LabExperiments
import LabNumerics

/// The size check of `lab check`, made once the headers and the dictionary are read and before X,
/// the codes or any check is computed (issues 19 item 6, 20): an allocation the machine cannot hold
/// is refused with exit code 2 and the memory it needs. LPs too large for the time budget are not this
/// check's business: the plan skips them with a reason (issue 16).
enum CheckMemory {
  /// Fails when checking a candidate of `sizes` (and, with `encoder`, an SAE's own codes and the SAE)
  /// needs more memory than is available: the K × K Gram matrix and, where pairs are measured, four
  /// K × K pair statistics; the dictionary, its gradients and directions (five K × m arrays, and the
  /// SAE's two float32 weight matrices); then what is held of the N points. In memory: X with its
  /// residuals and reconstructions (three N × m arrays) and the codes, N × K three times (the codes,
  /// the perturbation's, the measured step's; three more for the SAE's own). Streaming: X stays on
  /// its memory map (the kernel's pages, not counted), and one batch is held — its rows four times
  /// (samples, centred, residuals, their matrix) and its codes, correlations and encoder output —
  /// beside the kept codes (at most m nonzeros per point, a 4-byte atom and an 8-byte value each).
  static func require(_ sizes: CheckInputs.Sizes, encoder: Bool) throws {
    let (n, m, k) = (sizes.samples, sizes.dimension, sizes.atoms)
    let pairs = !sizes.streams || k <= StreamingChecks.maximumPairAtoms
    var terms: [(count: Int?, elementSize: Int)] = [(MemoryBudget.product(k, k), (pairs ? 5 : 1) * 8),
                                                    (MemoryBudget.product(k, m), 5 * 8 + (encoder ? 2 * 4 : 0))]
    if sizes.streams {
      let batch = StreamingChecks.rowsPerBatch(atoms: k)
      terms.append((MemoryBudget.product(batch, m), 4 * 8))
      terms.append((MemoryBudget.product(batch, k), 3 * 8))
      terms.append((MemoryBudget.product(n, min(k, m)), 12))
    } else {
      terms.append((MemoryBudget.product(n, m), 3 * 8))
      terms.append((MemoryBudget.product(n, k), (encoder ? 6 : 3) * 8))
    }
    try MemoryCheck.require("checking \(k) atoms on \(n) points of dimension \(m)\(sizes.streams ? " (streaming)" : "")", terms)
  }
}
