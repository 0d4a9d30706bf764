import LabChecks
import LabExperiments
import LabNumerics

/// The size check of `lab check`, made once the headers and the dictionary are read and before X,
/// the codes or any check is computed (issues 19 item 6, 20): an allocation the machine cannot hold
/// is refused with exit code 2 and the memory it needs, and a linear program the machine cannot hold
/// is left out of the plan with that sentence as its reason (the verdict then rests on what ran, as
/// for an LP past its row limit). LPs too large for the time budget are the plan's business (issue 16).
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
    let what = "checking \(k) atoms on \(n) points of dimension \(m)\(sizes.streams ? " (streaming)" : "")"
    guard let problem = MemoryBudget.problem(what, needs: MemoryBudget.bytes(terms)) else { return }
    throw BadInput.fail(problem + (!sizes.streams && sizes.canStream ? "; '--streaming' holds one batch of X and the codes' nonzeros instead" : ""))
  }

  /// Bytes a linear program takes per nonzero coefficient, from the data structures it passes
  /// through: our program's entries and its equilibrated copy (24 bytes each), the arrays loaded into
  /// GLPK (16), GLPK's element (56) and the simplex's column- and row-wise copies (12 each), 144 in
  /// all, doubled for the verifier's and the builders' temporaries. The basis factorisation and an
  /// exact-arithmetic retry are not counted.
  static let bytesPerNonzero = 288
  /// Bytes per row or column: GLPK's row or column record with its names and bounds, the simplex's
  /// dozen float64 per variable, the solution read back and the verifier's residuals.
  static let bytesPerLine = 512

  /// An upper bound on one linear program of the checks: rows, columns and nonzeros, nil on overflow.
  struct ProgramSize {
    var rows: Int?, columns: Int?, nonzeros: Int?
    /// The bytes it needs (``bytesPerNonzero``, ``bytesPerLine``), nil on overflow.
    var bytes: Int? {
      MemoryBudget.bytes([(nonzeros, bytesPerNonzero), (MemoryBudget.bytes([(rows, 1), (columns, 1)]), bytesPerLine)])
    }
  }

  /// Upper bounds on the LPs of the in-memory checks of N points in dimension m with K atoms, as
  /// their builders lay them out (every code counted as possibly nonzero; signed codes add a column
  /// or a row per inactive code): LP-R (rows (i, n) with a code column per atom and an atom column
  /// per nonzero code, rows k), CERT (a row per code with m ν entries and a row per (atom, i) with
  /// one per nonzero code) and a full star (a row per point with one entry per donor).
  static func programs(_ sizes: CheckInputs.Sizes) -> [(part: CheckPlan.Part, size: ProgramSize)] {
    let (n, m, k) = (sizes.samples, sizes.dimension, sizes.atoms)
    let s = sizes.signed ? 2 : 1
    let p = MemoryBudget.product
    func sum(_ values: Int?...) -> Int? { MemoryBudget.bytes(values.map { ($0, 1) }) }
    let lpR = ProgramSize(rows: sum(p(m, n), k), columns: sum(p(m, k), m, p(s, n, k)),
                          nonzeros: sum(p(s + 1, m, n, k), p(m, n), p(m, k)))
    let cert = ProgramSize(rows: sum(p(s, n, k), p(m, k), m), columns: sum(p(m, n), k, p(2, n, k), p(2, m, k), p(2, m)),
                           nonzeros: sum(p(s, n, k, m + 2), p(m, n, k), p(3, m, k), p(m, n + 2)))
    let star = ProgramSize(rows: p(s, n), columns: sum(k, n, 1), nonzeros: p(2 * s, n, k + 2))
    return [(.lpR, lpR), (.cert, cert), (.stars, star)]
  }

  /// `plan` with every LP part that would run in memory (within its row or atom limit, not skipped)
  /// but needs more memory than is available marked too large, with the sentence "LP-R with up to … needs about N of memory; the machine has
  /// M available" (CERT runs only after LP-R, so it goes with it).
  static func fit(_ plan: CheckPlan, _ sizes: CheckInputs.Sizes, available: Int = MemoryBudget.availableBytes()) -> CheckPlan {
    guard !sizes.streams else { return plan }
    var plan = plan
    // Parts past their row or atom limits are not run anyway, and keep that reason.
    let withinLimits: [CheckPlan.Part: Bool] = [
      .lpR: sizes.dimension * sizes.samples + sizes.atoms <= StationarityAssessment.maximumReconstructionRows,
      .cert: sizes.dimension * sizes.samples + sizes.atoms <= StationarityAssessment.maximumReconstructionRows,
      .stars: sizes.atoms <= StationarityAssessment.maximumStarAtoms,
    ]
    for (part, size) in programs(sizes) where !plan.skipping.contains(part) && withinLimits[part] == true {
      let what = "the \(part.rawValue) linear program (up to \(size.rows.map(String.init) ?? "too many") rows, "
        + "\(size.nonzeros.map(String.init) ?? "too many") nonzeros)"
      guard let problem = MemoryBudget.problem(what, needs: size.bytes, available: available) else { continue }
      plan.tooLarge[part] = problem + (sizes.canStream ? "; '--streaming' checks without it" : "")
      if part == .lpR && plan.tooLarge[.cert] == nil { plan.tooLarge[.cert] = "LP-R was not run: \(problem)" }
    }
    return plan
  }
}
