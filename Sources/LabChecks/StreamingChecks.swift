import LabNumerics
import LabSolvers

/// The checks that need only sums and extremes over the points, computed in one pass over the
/// data in batches with exact lasso codes (or any codes a closure gives) that are discarded after
/// each batch, or kept sparse when asked: memory O(K² + K·m + batch·K) beside X, so that K = 16,384
/// atoms and N = 10⁵ points fit where the dense codes (N×K) and the LPs do not.
///
/// It measures (K1)–(K3), every ordered pair's hull interval (Cor. 4.3; up to
/// ``maximumPairAtoms`` atoms), the exact closed form of LP-K (THEORY §5.2), the mop-up gaps (R1),
/// the wide-limit bound (Thm 8.3) and the new-atom test's max_n ‖r_n‖ — the same numbers
/// ``KKTResiduals``, ``PairCondition/all(in:activityThreshold:)``,
/// ``KKTLinearProgram/closedFormValue(_:activityThreshold:)``, ``ResidualRelations`` and
/// ``NewAtomTest`` give on the whole problem.
public struct StreamingChecks: Sendable {
  /// (K1)–(K3).
  public var kkt: KKTResiduals
  /// Every ordered pair with both features used, in row-major order; empty when ``pairsSkipped``.
  public var pairs: [PairCondition]
  /// Why the pairs were not measured, or `nil` when they were.
  public var pairsSkipped: String?
  /// The LP-K value by its closed form.
  public var lpKClosedForm: Double
  /// G_D = −Σ_n z_nk r_n per atom (`K × m`) and g_b = −Σ_n r_n, LP-K's (Δ, δb) costs.
  public var atomGradient: Matrix<Double>, biasGradient: [Double]
  /// The minimum of LP-K's code block (each W_kn at its better bound), ≤ 0.
  public var codeValue: Double
  /// Per atom ‖Σ_n z_nk r_n − λZ_k d_k‖/(λZ_k), `nil` for unused atoms.
  public var mopUp: [Double?]
  /// max_n [‖x̂_n − b‖ − (‖x_n − b‖ − λ)₊].
  public var wideBoundExcess: Double
  /// max_n ‖r_n‖ and the point attaining it.
  public var maxResidualNorm: Double, maxResidualPoint: Int
  /// L_λ and Σz.
  public var loss: Double, codeTotal: Double
  /// The codes of the pass, when kept (`keepCodes`).
  public var codes: SparseCodeRows?

  /// Above this many atoms the pairs are not measured: their statistics take K² entries (and K² pairs
  /// would fill the record), about 10⁶ at this bound.
  public static let maximumPairAtoms = 1024
  /// A batch holds at most this many codes (batch·K), so that the dense codes and correlations of one
  /// batch stay near 130 MB each at any K.
  public static let maximumBatchCodes = 1 << 24
  /// The rows of a batch unless ``maximumBatchCodes`` asks for fewer.
  public static let defaultBatchRows = 4096

  /// The rows of one batch with K = `atoms`: `batchSize`, fewer when that many rows would hold more
  /// than ``maximumBatchCodes`` codes, at least one.
  public static func rowsPerBatch(atoms: Int, batchSize: Int = defaultBatchRows) -> Int {
    max(1, min(batchSize, maximumBatchCodes / max(atoms, 1)))
  }

  /// Streams over the rows of `samples` in batches of `batchSize` (fewer when K is large, see
  /// ``maximumBatchCodes``) with exact lasso codes.
  public init(samples x: any SampleRows, dictionary d: Matrix<Double>, bias: [Double]?, lambda: Double,
              activityThreshold tau: Double = 0, batchSize: Int = defaultBatchRows, threads: Int = 1, keepCodes: Bool = false) {
    let solver = ExactCodes.Solver(dictionary: d, lambda: lambda, threads: threads)
    self.init(samples: x, dictionary: d, bias: bias, lambda: lambda, activityThreshold: tau, batchSize: batchSize, threads: threads,
              keepCodes: keepCodes) {
      solver.codes(for: $0, bias: bias)
    }
  }

  /// Streams over the rows of `samples` with the codes `codes` gives for each batch of rows (`rows × K`,
  /// nonnegative; e.g. an SAE's own encoder codes). A batch's rows are measured on `threads` workers;
  /// every sum is taken in an order that does not depend on `threads`, so neither do the results.
  public init(samples x: any SampleRows, dictionary d: Matrix<Double>, bias: [Double]?, lambda: Double,
              activityThreshold tau: Double = 0, batchSize: Int = defaultBatchRows, threads: Int = 1, keepCodes: Bool = false,
              codes: (Matrix<Double>) -> Matrix<Double>) {
    let k = d.rows, m = d.columns, n = x.rows
    let rowsPerBatch = Self.rowsPerBatch(atoms: k, batchSize: batchSize)
    let measurePairs = k <= Self.maximumPairAtoms
    var k1 = 0.0, codeTerm = 0.0, loss = 0.0, total = 0.0
    var weighted = [Double](repeating: 0, count: k * m)  // Σ_n z_nk r_n, row-major K × m
    var residualSum = [Double](repeating: 0, count: m)
    var mass = [Double](repeating: 0, count: k)
    var wide = -Double.infinity, largest = 0.0, largestPoint = 0
    var kept = SparseCodeRows(columns: k)
    // Pair statistics over B_j: count, and per (i, j) the extremes of z_in ≠ 0 and how many there are.
    let pairEntries = measurePairs ? k * k : 0
    var silentCount = [Int](repeating: 0, count: k)
    var nonzeroOnSilent = [Int](repeating: 0, count: pairEntries)
    var maxOnSilent = [Double](repeating: -.infinity, count: pairEntries)
    var minOnSilent = [Double](repeating: .infinity, count: pairEntries)
    var activeOnSilent = [Bool](repeating: false, count: pairEntries)
    let workers = max(1, threads)
    for start in stride(from: 0, to: n, by: rowsPerBatch) {
      let rows = min(rowsPerBatch, n - start)
      let batch = x.block(start..<(start + rows))
      let z = codes(batch)
      let centred = SparseCodingProblem.subtractingBias(bias, from: batch)
      let fitted = BatchResiduals(codes: z, centred: centred, dictionary: d, workers: workers)
      let r = fitted.residuals.storage
      let correlations = fitted.residuals.multiplied(by: d, transposingOther: true)  // rows × K: d_kᵀ r_n
      let gradients = BatchCodeGradients(codes: z, correlations: correlations, lambda: lambda, activityThreshold: tau, workers: workers)
      k1 = max(k1, gradients.worstViolation)
      for atom in 0..<k { silentCount[atom] += gradients.silentCount[atom] }
      fitted.addWeightedResiduals(codes: z, to: &weighted, workers: workers)
      for row in 0..<rows {
        for i in 0..<m { residualSum[i] += r[row * m + i] }
        let squared = fitted.squaredNorms[row]
        loss += 0.5 * squared
        wide = max(wide, fitted.fitNorms[row] - max(fitted.centredSquaredNorms[row].squareRoot() - lambda, 0))
        if squared.squareRoot() > largest { largest = squared.squareRoot(); largestPoint = start + row }
        codeTerm += gradients.rowTerms[row]
        for atom in fitted.support[row] {
          let value = z[row, atom]
          mass[atom] += value
          loss += lambda * value
          total += value
        }
        if keepCodes { kept.append(fitted.support[row].map { ($0, z[row, $0]) }) }
        guard measurePairs else { continue }
        for i in fitted.support[row] {
          let value = z[row, i]
          for j in 0..<k where j != i && z[row, j] <= tau {
            let index = i * k + j
            nonzeroOnSilent[index] += 1
            maxOnSilent[index] = max(maxOnSilent[index], value)
            minOnSilent[index] = min(minOnSilent[index], value)
            if value > tau { activeOnSilent[index] = true }
          }
        }
      }
    }
    let weightedMatrix = Matrix(rows: k, columns: m, storage: weighted)
    var k2 = 0.0, closedForm = -codeTerm
    var mopUp: [Double?] = []
    for atom in 0..<k {
      let u = weightedMatrix.row(atom), dk = d.row(atom)
      let along = zip(u, dk).reduce(0) { $0 + $1.0 * $1.1 }
      for i in 0..<m { k2 = max(k2, abs(u[i] - along * dk[i])) }
      closedForm -= KKTLinearProgram.minimumL1(u.map { -$0 }, along: dk)
      mopUp.append(mass[atom] > 0 ? zip(u, dk).map { $0 - lambda * mass[atom] * $1 }.reduce(0) { $0 + $1 * $1 }.squareRoot() / (lambda * mass[atom]) : nil)
    }
    let k3 = bias == nil ? 0 : residualSum.map(abs).max() ?? 0
    if bias != nil { closedForm -= residualSum.reduce(0) { $0 + abs($1) } }
    var pairs: [PairCondition] = []
    if measurePairs {
      for i in 0..<k where mass[i] > 0 {
        for j in 0..<k where j != i && mass[j] > 0 {
          let index = i * k + j
          var low = minOnSilent[index], high = maxOnSilent[index]
          if silentCount[j] > nonzeroOnSilent[index] { low = min(low, 0); high = max(high, 0) }
          let statistics = PairCondition.SilentStatistics(count: silentCount[j], minimum: low, maximum: high, active: activeOnSilent[index])
          pairs.append(PairCondition(i: i, j: j, cosine: zip(d.row(i), d.row(j)).reduce(0) { $0 + $1.0 * $1.1 }, donorMean: mass[i] / Double(n), silent: statistics, hasBias: bias != nil))
        }
      }
    }
    self.kkt = KKTResiduals(codes: k1, atoms: k2, bias: k3)
    self.pairs = pairs
    self.pairsSkipped = measurePairs ? nil
      : "K = \(k) atoms is above \(Self.maximumPairAtoms): the pair statistics take K² entries"
    self.lpKClosedForm = closedForm
    self.atomGradient = -1 * weightedMatrix
    self.biasGradient = residualSum.map { -$0 }
    self.codeValue = -codeTerm
    self.mopUp = mopUp
    self.wideBoundExcess = n == 0 ? 0 : wide
    self.maxResidualNorm = largest
    self.maxResidualPoint = largestPoint
    self.loss = loss
    self.codeTotal = total
    self.codes = keepCodes ? kept : nil
  }
}

extension StreamingChecks {
  /// F_λ(D, b) = Σ_n min_{z ≥ 0} ½‖x_n − b − Dz‖² + λΣz, in batches (exact lasso codes, discarded).
  public static func loss(samples x: any SampleRows, dictionary d: Matrix<Double>, bias: [Double]?, lambda: Double,
                          batchSize: Int = defaultBatchRows, threads: Int = 1) -> Double {
    let solver = ExactCodes.Solver(dictionary: d, lambda: lambda, threads: threads)
    let rowsPerBatch = rowsPerBatch(atoms: d.rows, batchSize: batchSize)
    var total = 0.0
    for start in stride(from: 0, to: x.rows, by: rowsPerBatch) {
      let rows = min(rowsPerBatch, x.rows - start)
      let batch = x.block(start..<(start + rows))
      let z = solver.codes(for: batch, bias: bias)
      let r = SparseCodingProblem.subtractingBias(bias, from: batch) - z * d
      total += 0.5 * r.storage.reduce(0) { $0 + $1 * $1 } + lambda * z.storage.reduce(0, +)
    }
    return total
  }

  /// The descent direction −grad from LP-K's costs (atoms: −P_k g_k with g_k = −Σ_n z_nk r_n; bias:
  /// Σ_n r_n), scaled so that its largest entry is 1, and its predicted slope
  /// −(Σ_k‖P_k g_k‖² + ‖g_b‖²)/max entry: the derivative of F_λ along it when the codes are unique
  /// (Danskin, Theorem 3.3).
  public func gradientDirection(dictionary d: Matrix<Double>, hasBias: Bool) -> (atoms: Matrix<Double>, bias: [Double], slope: Double) {
    var atoms = Matrix<Double>(rows: d.rows, columns: d.columns)
    for k in 0..<d.rows {
      let u = atomGradient.row(k).map { -$0 }, dk = d.row(k)
      let along = zip(u, dk).reduce(0) { $0 + $1.0 * $1.1 }
      atoms.setRow(k, to: zip(u, dk).map { $0 - along * $1 })  // −P_k g_k = P_k Σ z r
    }
    let biasDirection = hasBias ? biasGradient.map { -$0 } : [Double](repeating: 0, count: d.columns)
    let largest = max(atoms.storage.map(abs).max() ?? 0, biasDirection.map(abs).max() ?? 0)
    guard largest > 0 else { return (atoms, biasDirection, 0) }
    let squared = atoms.storage.reduce(0) { $0 + $1 * $1 } + biasDirection.reduce(0) { $0 + $1 * $1 }
    return ((1 / largest) * atoms, biasDirection.map { $0 / largest }, -squared / largest)
  }

  /// Σ_n ½‖x_n − b − Σ_k z_nk d_k‖² + λΣz with the codes held fixed: the loss of §5.7's first-order
  /// codes at a moved dictionary and bias, an upper bound of the loss with re-optimised codes. X is
  /// read `batchSize` rows at a time; each row's residual is measured on one of `threads` workers and
  /// the total is summed in row order, so it does not depend on `threads`.
  public static func fixedCodeLoss(samples x: any SampleRows, dictionary d: Matrix<Double>, bias: [Double]?, codes: SparseCodeRows,
                                   lambda: Double, batchSize: Int = defaultBatchRows, threads: Int = 1) -> Double {
    let m = x.columns
    let centre = bias ?? [Double](repeating: 0, count: m)
    var total = 0.0
    for start in stride(from: 0, to: x.rows, by: max(1, batchSize)) {
      let batch = x.block(start..<min(x.rows, start + max(1, batchSize)))
      var squared = [Double](repeating: 0, count: batch.rows)
      if m > 0 {
        batch.storage.withUnsafeBufferPointer { samples in
          d.storage.withUnsafeBufferPointer { atoms in
            squared.withUnsafeMutableBufferPointer { squaredOut in
              let samples = SharedInput(base: samples.baseAddress!), out = DisjointOutput(base: squaredOut.baseAddress!)
              let atoms = atoms.baseAddress.map { SharedInput(base: $0) }
              RowBlocks.forEach(rows: batch.rows, count: threads) { range in
                var residual = [Double](repeating: 0, count: m)
                residual.withUnsafeMutableBufferPointer { residual in
                  for row in range {
                    for i in 0..<m { residual[i] = samples.base[row * m + i] - centre[i] }
                    if let atoms {  // nil only when K = 0, where no code has a nonzero
                      for index in codes.rowStarts[start + row]..<codes.rowStarts[start + row + 1] {
                        SparseRowKernels.add(-codes.values[index], times: atoms.base + Int(codes.atoms[index]) * m, to: residual.baseAddress!, count: m)
                      }
                    }
                    var sum = 0.0
                    for i in 0..<m { sum += residual[i] * residual[i] }
                    out.base[row] = sum
                  }
                }
              }
            }
          }
        }
      }
      for row in 0..<batch.rows {
        for index in codes.rowStarts[start + row]..<codes.rowStarts[start + row + 1] { total += lambda * codes.values[index] }
        total += 0.5 * squared[row]
      }
    }
    return total
  }

}
