import LabNumerics

/// One batch's residuals r_n = x_n − b − Σ_k z_nk d_k, built from each code's nonzeros (not a dense
/// product), with the norms the streaming checks need. The rows are shared among workers; each
/// row's arithmetic is the plain loop's, in its order, so the results do not depend on the split.
struct BatchResiduals {
  /// Each row's nonzero atoms, in atom order.
  var support: [[Int]]
  /// The residuals, `rows × m`.
  var residuals: Matrix<Double>
  /// ‖Σ_k z_nk d_k‖ per row.
  var fitNorms: [Double]
  /// ‖r_n‖² per row.
  var squaredNorms: [Double]
  /// ‖x_n − b‖² per row.
  var centredSquaredNorms: [Double]

  /// The residuals of `codes` (`rows × K`) against `centred` (x_n − b, `rows × m`) and the atoms `d`
  /// (`K × m`), rows measured on `workers` threads.
  init(codes z: Matrix<Double>, centred: Matrix<Double>, dictionary d: Matrix<Double>, workers: Int) {
    let rows = z.rows, m = d.columns
    guard rows > 0, z.columns > 0, m > 0 else {
      support = [[Int]](repeating: [], count: rows)
      residuals = centred
      fitNorms = [Double](repeating: 0, count: rows)
      squaredNorms = (0..<rows).map { row in (0..<m).reduce(0) { $0 + centred[row, $1] * centred[row, $1] } }
      centredSquaredNorms = squaredNorms
      return
    }
    let blocks = RowBlocks.map(rows: rows, count: workers) { range in Self(rows: range, codes: z, centred: centred, dictionary: d) }
    support = blocks.flatMap(\.support)
    residuals = Matrix(rows: rows, columns: m, storage: blocks.flatMap(\.residuals.storage))
    fitNorms = blocks.flatMap(\.fitNorms)
    squaredNorms = blocks.flatMap(\.squaredNorms)
    centredSquaredNorms = blocks.flatMap(\.centredSquaredNorms)
  }

  /// The residuals of rows `range` alone (K, m > 0), each row's arithmetic in the plain loop's order:
  /// its fit Σ_k z_nk d_k summed from zero over its atoms in increasing order. The sums run atom by
  /// atom over the rows that use the atom (``AtomUsers``), so each atom is read from memory once
  /// per block of rows instead of once per row that uses it, while every row still receives its
  /// atoms in increasing order: the same bits. With 16,384 atoms in 768 dimensions (a 100 MB
  /// dictionary) the row-by-row loop waited on memory for half of `lab check --sae`'s time.
  private init(rows range: Range<Int>, codes z: Matrix<Double>, centred: Matrix<Double>, dictionary d: Matrix<Double>) {
    let k = z.columns, m = d.columns
    var support: [[Int]] = [], fitNorms: [Double] = [], squaredNorms: [Double] = [], centredSquaredNorms: [Double] = []
    z.storage.withUnsafeBufferPointer { codes in
      for row in range {
        var nonzero: [Int] = []
        SparseRowKernels.appendNonzeros(codes.baseAddress! + row * k, count: k, to: &nonzero)
        support.append(nonzero)
      }
    }
    let users = AtomUsers(support: support, codes: z, firstRow: range.lowerBound)
    // The fits are summed into `r`, which each row's pass below turns into its residual in place.
    var r = [Double](repeating: 0, count: range.count * m)
    d.storage.withUnsafeBufferPointer { atoms in
      r.withUnsafeMutableBufferPointer { fit in
        users.forEach(atoms: 0..<k) { atom, local, value in
          SparseRowKernels.add(value, times: atoms.baseAddress! + atom * m, to: fit.baseAddress! + local * m, count: m)
        }
      }
    }
    centred.storage.withUnsafeBufferPointer { samples in
      for (local, row) in range.enumerated() {
        let sample = row * m, own = local * m
        var fitted = 0.0, squared = 0.0, norm = 0.0
        for i in 0..<m {
          let fit = r[own + i]
          r[own + i] = samples[sample + i] - fit
          fitted += fit * fit
        }
        for i in 0..<m {
          squared += r[own + i] * r[own + i]
          norm += samples[sample + i] * samples[sample + i]
        }
        fitNorms.append(fitted.squareRoot())
        squaredNorms.append(squared)
        centredSquaredNorms.append(norm)
      }
    }
    self.support = support
    self.residuals = Matrix(rows: range.count, columns: m, storage: r)
    self.fitNorms = fitNorms
    self.squaredNorms = squaredNorms
    self.centredSquaredNorms = centredSquaredNorms
  }

  /// `weighted` (row-major `K × m`) += Σ_n z_nk r_n over this batch's rows. The atoms are dealt to
  /// `workers` threads (atom k to worker k mod workers); each atom's sum runs over the rows in order,
  /// atom by atom (``AtomUsers``), so an atom's row of `weighted` stays in cache while its rows are added.
  func addWeightedResiduals(codes z: Matrix<Double>, to weighted: inout [Double], workers: Int) {
    let k = z.columns, m = residuals.columns
    guard k > 0, m > 0, residuals.rows > 0 else { return }
    let users = AtomUsers(support: support, codes: z, firstRow: 0)
    residuals.storage.withUnsafeBufferPointer { r in
      weighted.withUnsafeMutableBufferPointer { sums in
        let r = SharedInput(base: r.baseAddress!), sums = DisjointOutput(base: sums.baseAddress!)
        let count = max(1, min(workers, k))
        RowBlocks.forEach(rows: count, count: count) { owned in
          for worker in owned {
            users.forEach(atoms: stride(from: worker, to: k, by: count)) { atom, row, value in
              SparseRowKernels.add(value, times: r.base + row * m, to: sums.base + atom * m, count: m)
            }
          }
        }
      }
    }
  }
}

/// A batch's nonzero codes by atom (compressed sparse columns): for each atom, the rows whose code
/// for it is nonzero, in row order, with the code. Sums taken atom by atom over these keep each
/// row's terms in atom order and each atom's in row order, as the row-by-row loops do.
struct AtomUsers {
  /// Where atom k's entries start in ``rows`` and ``values``; K + 1 offsets.
  let starts: [Int]
  /// The row (0 for the first row of the support) of each entry.
  let rows: [Int]
  /// The code of each entry.
  let values: [Double]

  /// The users of every atom in `support` (row n's nonzero atoms, increasing), whose codes are row
  /// `firstRow + n` of `codes`.
  init(support: [[Int]], codes z: Matrix<Double>, firstRow: Int) {
    let k = z.columns
    var starts = [Int](repeating: 0, count: k + 1)
    for atoms in support { for atom in atoms { starts[atom + 1] += 1 } }
    for atom in 0..<k { starts[atom + 1] += starts[atom] }
    var next = Array(starts.dropLast()), rows = [Int](repeating: 0, count: starts[k]), values = [Double](repeating: 0, count: starts[k])
    z.storage.withUnsafeBufferPointer { codes in
      for (row, atoms) in support.enumerated() {
        for atom in atoms {
          rows[next[atom]] = row
          values[next[atom]] = codes[(firstRow + row) * k + atom]
          next[atom] += 1
        }
      }
    }
    self.starts = starts
    self.rows = rows
    self.values = values
  }

  /// Calls `body(atom, row, code)` for every entry of `atoms` (each in 0..<K), atom by atom in the
  /// order given, each atom's rows in increasing order.
  func forEach(atoms: some Sequence<Int>, _ body: (_ atom: Int, _ row: Int, _ value: Double) -> Void) {
    for atom in atoms {
      for entry in starts[atom]..<starts[atom + 1] { body(atom, rows[entry], values[entry]) }
    }
  }
}

/// One batch's code-gradient terms: per row, the largest (K1) violation and the sum of LP-K's code
/// block, λ − d_kᵀr_n for an active code (|·|) and (d_kᵀr_n − λ)₊ for a silent one, and per atom
/// how many rows leave it silent. Rows are shared among workers; each row's sum runs over its atoms
/// in order.
struct BatchCodeGradients {
  /// max over the batch of |λ − c| on active codes and (c − λ)₊ on silent ones.
  var worstViolation: Double
  /// Each row's Σ_k of the code block's terms.
  var rowTerms: [Double]
  /// Per atom, the rows whose code is at most the activity threshold.
  var silentCount: [Int]

  /// The terms of codes `z` with correlations `correlations` (both `rows × K`) at λ = `lambda`; a
  /// code above `tau` counts as active.
  init(codes z: Matrix<Double>, correlations: Matrix<Double>, lambda: Double, activityThreshold tau: Double, workers: Int) {
    let k = z.columns
    let blocks = RowBlocks.map(rows: z.rows, count: workers) { range in
      Self(rows: range, codes: z, correlations: correlations, lambda: lambda, activityThreshold: tau)
    }
    worstViolation = blocks.map(\.worstViolation).max() ?? 0
    rowTerms = blocks.flatMap(\.rowTerms)
    silentCount = (0..<k).map { atom in blocks.reduce(0) { $0 + $1.silentCount[atom] } }
  }

  /// The terms of rows `range` alone, each row's sum over its atoms in order.
  private init(rows range: Range<Int>, codes z: Matrix<Double>, correlations: Matrix<Double>, lambda: Double, activityThreshold tau: Double) {
    let k = z.columns
    var largest = 0.0, rowTerms: [Double] = [], silent = [Int](repeating: 0, count: k)
    rowTerms.reserveCapacity(range.count)
    z.storage.withUnsafeBufferPointer { codes in
      correlations.storage.withUnsafeBufferPointer { correlations in
        for row in range {
          var sum = 0.0
          for atom in 0..<k {
            let value = codes[row * k + atom], c = correlations[row * k + atom], gradient = lambda - c
            if value > tau {
              largest = max(largest, abs(gradient))
              sum += abs(gradient)
            } else {
              largest = max(largest, max(c - lambda, 0))
              sum += max(-gradient, 0)
              silent[atom] += 1
            }
          }
          rowTerms.append(sum)
        }
      }
    }
    worstViolation = largest
    self.rowTerms = rowTerms
    silentCount = silent
  }
}
