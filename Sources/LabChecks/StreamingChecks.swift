import LabNumerics
import LabSolvers

/// The checks that need only sums and extremes over the points, computed in one pass over the
/// data in batches with exact lasso codes that are discarded after each batch: memory O(K² + K·m +
/// batch·K) beside X, so that K = 512 atoms and N = 10⁵ points fit where the dense codes (N×K) and
/// the LPs do not.
///
/// It measures (K1)–(K3), every ordered pair's hull interval (Cor. 4.3), the exact closed form of
/// LP-K (THEORY §5.2), the mop-up gaps (R1), the wide-limit bound (Thm 8.3) and the new-atom test's
/// max_n ‖r_n‖ — the same numbers ``KKTResiduals``, ``PairCondition/all(in:activityThreshold:)``,
/// ``KKTLinearProgram/closedFormValue(_:activityThreshold:)``, ``ResidualRelations`` and
/// ``NewAtomTest`` give on the whole problem.
public struct StreamingChecks: Sendable {
  /// (K1)–(K3).
  public var kkt: KKTResiduals
  /// Every ordered pair with both features used, in row-major order.
  public var pairs: [PairCondition]
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

  /// Streams over the rows of `samples` in batches of `batchSize`.
  public init(samples x: Matrix<Double>, dictionary d: Matrix<Double>, bias: [Double]?, lambda: Double,
              activityThreshold tau: Double = 0, batchSize: Int = 4096, threads: Int = 1) {
    let k = d.rows, m = d.columns, n = x.rows
        var k1 = 0.0, codeTerm = 0.0, loss = 0.0, total = 0.0
    var weighted = Matrix<Double>(rows: k, columns: m)  // Σ_n z_nk r_n
    var residualSum = [Double](repeating: 0, count: m)
    var mass = [Double](repeating: 0, count: k)
    var wide = -Double.infinity, largest = 0.0, largestPoint = 0
    // Pair statistics over B_j: count, and per (i, j) the extremes of z_in ≠ 0 and how many there are.
    var silentCount = [Int](repeating: 0, count: k)
    var nonzeroOnSilent = [Int](repeating: 0, count: k * k)
    var maxOnSilent = [Double](repeating: -.infinity, count: k * k)
    var minOnSilent = [Double](repeating: .infinity, count: k * k)
    var activeOnSilent = [Bool](repeating: false, count: k * k)
    for start in stride(from: 0, to: n, by: batchSize) {
      let rows = min(batchSize, n - start)
      let batch = Matrix(rows: rows, columns: m, storage: Array(x.storage[(start * m)..<((start + rows) * m)]))
      let z = ExactCodes.codes(for: batch, dictionary: d, bias: bias, lambda: lambda, threads: threads)
      let centred = SparseCodingProblem.subtractingBias(bias, from: batch)
      let fit = z * d
      let r = centred - fit
      let correlations = r.multiplied(by: d, transposingOther: true)  // rows × K: d_kᵀ r_n
      weighted = weighted + z.multiplied(by: r, transposingSelf: true)
      for row in 0..<rows {
        var squared = 0.0, fitted = 0.0, norm = 0.0
        for i in 0..<m {
          squared += r[row, i] * r[row, i]
          fitted += fit[row, i] * fit[row, i]
          norm += centred[row, i] * centred[row, i]
          residualSum[i] += r[row, i]
        }
        loss += 0.5 * squared
        wide = max(wide, fitted.squareRoot() - max(norm.squareRoot() - lambda, 0))
        if squared.squareRoot() > largest { largest = squared.squareRoot(); largestPoint = start + row }
        var nonzero: [Int] = []
        for atom in 0..<k {
          let value = z[row, atom], c = correlations[row, atom], gradient = lambda - c
          mass[atom] += value
          loss += lambda * value
          total += value
          if value > tau {
            k1 = max(k1, abs(gradient))
            codeTerm += abs(gradient)
          } else {
            k1 = max(k1, max(c - lambda, 0))
            codeTerm += max(-gradient, 0)
            silentCount[atom] += 1
          }
          if value != 0 { nonzero.append(atom) }
        }
        for i in nonzero {
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
    var k2 = 0.0, closedForm = -codeTerm
    var mopUp: [Double?] = []
    for atom in 0..<k {
      let u = weighted.row(atom), dk = d.row(atom)
      let along = zip(u, dk).reduce(0) { $0 + $1.0 * $1.1 }
      for i in 0..<m { k2 = max(k2, abs(u[i] - along * dk[i])) }
      closedForm -= KKTLinearProgram.minimumL1(u.map { -$0 }, along: dk)
      mopUp.append(mass[atom] > 0 ? zip(u, dk).map { $0 - lambda * mass[atom] * $1 }.reduce(0) { $0 + $1 * $1 }.squareRoot() / (lambda * mass[atom]) : nil)
    }
    let k3 = bias == nil ? 0 : residualSum.map(abs).max() ?? 0
    if bias != nil { closedForm -= residualSum.reduce(0) { $0 + abs($1) } }
    var pairs: [PairCondition] = []
    for i in 0..<k where mass[i] > 0 {
      for j in 0..<k where j != i && mass[j] > 0 {
        let index = i * k + j
        var low = minOnSilent[index], high = maxOnSilent[index]
        if silentCount[j] > nonzeroOnSilent[index] { low = min(low, 0); high = max(high, 0) }
        let statistics = PairCondition.SilentStatistics(count: silentCount[j], minimum: low, maximum: high, active: activeOnSilent[index])
        pairs.append(PairCondition(i: i, j: j, cosine: zip(d.row(i), d.row(j)).reduce(0) { $0 + $1.0 * $1.1 }, donorMean: mass[i] / Double(n), silent: statistics, hasBias: bias != nil))
      }
    }
    self.kkt = KKTResiduals(codes: k1, atoms: k2, bias: k3)
    self.pairs = pairs
    self.lpKClosedForm = closedForm
    self.atomGradient = -1 * weighted
    self.biasGradient = residualSum.map { -$0 }
    self.codeValue = -codeTerm
    self.mopUp = mopUp
    self.wideBoundExcess = n == 0 ? 0 : wide
    self.maxResidualNorm = largest
    self.maxResidualPoint = largestPoint
    self.loss = loss
    self.codeTotal = total
  }
}

extension StreamingChecks {
  /// F_λ(D, b) = Σ_n min_{z ≥ 0} ½‖x_n − b − Dz‖² + λΣz, in batches (exact lasso codes, discarded).
  public static func loss(samples x: Matrix<Double>, dictionary d: Matrix<Double>, bias: [Double]?, lambda: Double,
                          batchSize: Int = 4096, threads: Int = 1) -> Double {
        var total = 0.0
    for start in stride(from: 0, to: x.rows, by: batchSize) {
      let rows = min(batchSize, x.rows - start)
      let batch = Matrix(rows: rows, columns: x.columns, storage: Array(x.storage[(start * x.columns)..<((start + rows) * x.columns)]))
      let z = ExactCodes.codes(for: batch, dictionary: d, bias: bias, lambda: lambda, threads: threads)
      let r = SparseCodingProblem.subtractingBias(bias, from: batch) - z * d
      total += 0.5 * r.storage.reduce(0) { $0 + $1 * $1 } + lambda * z.storage.reduce(0, +)
    }
    return total
  }

  /// The descent direction −grad (atoms: −P_k g_k with g_k = −Σ_n z_nk r_n; bias: Σ_n r_n), scaled so
  /// that its largest entry is 1, and its predicted slope −(Σ_k‖P_k g_k‖² + ‖g_b‖²)/max entry: the
  /// derivative of F_λ along it when the codes are unique (Danskin, Theorem 3.3).
  public static func gradientDirection(samples x: Matrix<Double>, dictionary d: Matrix<Double>, bias: [Double]?,
                                       lambda: Double, batchSize: Int = 4096, threads: Int = 1) -> (atoms: Matrix<Double>, bias: [Double], slope: Double) {
        var weighted = Matrix<Double>(rows: d.rows, columns: d.columns)
    var residualSum = [Double](repeating: 0, count: d.columns)
    for start in stride(from: 0, to: x.rows, by: batchSize) {
      let rows = min(batchSize, x.rows - start)
      let batch = Matrix(rows: rows, columns: x.columns, storage: Array(x.storage[(start * x.columns)..<((start + rows) * x.columns)]))
      let z = ExactCodes.codes(for: batch, dictionary: d, bias: bias, lambda: lambda, threads: threads)
      let r = SparseCodingProblem.subtractingBias(bias, from: batch) - z * d
      weighted = weighted + z.multiplied(by: r, transposingSelf: true)
      for i in 0..<d.columns { residualSum[i] += r.column(i).reduce(0, +) }
    }
    var atoms = Matrix<Double>(rows: d.rows, columns: d.columns)
    for k in 0..<d.rows {
      let u = weighted.row(k), dk = d.row(k)
      let along = zip(u, dk).reduce(0) { $0 + $1.0 * $1.1 }
      atoms.setRow(k, to: zip(u, dk).map { $0 - along * $1 })  // −P_k g_k = P_k Σ z r
    }
    let biasDirection = bias == nil ? [Double](repeating: 0, count: d.columns) : residualSum
    let largest = max(atoms.storage.map(abs).max() ?? 0, biasDirection.map(abs).max() ?? 0)
    guard largest > 0 else { return (atoms, biasDirection, 0) }
    let squared = atoms.storage.reduce(0) { $0 + $1 * $1 } + biasDirection.reduce(0) { $0 + $1 * $1 }
    return ((1 / largest) * atoms, biasDirection.map { $0 / largest }, -squared / largest)
  }
}
