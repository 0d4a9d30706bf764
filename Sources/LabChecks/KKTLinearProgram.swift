import LabNumerics
import LabOptimization
import LabSolvers

/// LP-K (THEORY §5.2): the full first-order test of P⁺_λ,
///
///     min ⟨G_D, Δ⟩ + g_bᵀδb + ⟨G_Z, W⟩   s.t.  d_kᵀΔ_k = 0 (k = 1..K),
///     |Δ| ≤ 1, |δb| ≤ 1 (δb = 0 without bias), W_kn ∈ [−1, 1] if z_nk > τ else [0, 1],
///
/// with G_D = −RZᵀ, g_b = −R𝟙, (G_Z)_kn = λ − d_kᵀr_n. Its value v_K ≤ 0 is 0 iff (K1)–(K3) hold.
///
/// Signed codes (P^±_λ): W_kn ∈ [−1, 1] costs λs_kn − d_kᵀr_n on active entries (|z_nk| > τ,
/// s_kn = sign z_nk), and an inactive W_kn = W⁺ − W⁻ (W± ∈ [0, 1]) costs λ ∓ d_kᵀr_n; the value is
/// 0 iff (K1±), (K2), (K3) hold (Theorem 3.2).
public enum KKTLinearProgram {
  /// The closed form of THEORY §5.2 (weighted medians), an exact value independent of any LP solver.
  public static func closedFormValue(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0) -> Double {
    let g = gradients(problem)
    var value = 0.0
    for atom in 0..<problem.dictionary.rows {
      value -= minimumL1(g.atoms.row(atom), along: problem.dictionary.row(atom))
    }
    if problem.hasBias { value -= g.bias.reduce(0) { $0 + abs($1) } }
    for index in 0..<g.codes.storage.count {
      let c = g.codes.storage[index], code = problem.codes.storage[index]
      if problem.isSigned {
        let q = problem.lambda - c
        value -= abs(code) > tau ? abs(problem.lambda * (code > 0 ? 1 : -1) - q) : max(abs(q) - problem.lambda, 0)
      } else {
        value -= code > tau ? abs(c) : max(-c, 0)
      }
    }
    return value
  }

  /// Builds LP-K, solves it with GLPK and verifies the answer.
  ///
  /// The costs are ~1e-9 near a stationary point, below GLPK's absolute optimality tolerance;
  /// ``GLPK/solveVerified(_:method:tolerance:exactRetrySeconds:)`` scales them (and equilibrates the
  /// program) before GLPK sees it, so the program is built in the units of the problem.
  public static func solve(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0) throws -> LPTestResult {
    let (program, layout) = build(problem, activityThreshold: tau)
    let largest = program.objective.map(abs).max() ?? 0
    let result = try GLPK.solveVerified(program)
    let solved = result.solution.status == .optimal
    var direction: PerturbationDirection?
    if solved {
      // §5.7 step 3: components with zero objective coefficient sit at arbitrary bounds; zero them.
      let cleaned = zip(result.solution.primal, program.objective).map { abs($1) <= 1e-12 * largest ? 0 : $0 }
      direction = layout.direction(from: cleaned)
    }
    return LPTestResult(solved: result, value: solved ? result.solution.objective : .nan, direction: direction,
                        size: (program.columnCount, program.rowCount))
  }

  /// The gradient blocks: G_D as `K × m` (row k = −Σ_n z_nk r_n), g_b = −Σ_n r_n, G_Z as `N × K`.
  static func gradients(_ problem: SparseCodingProblem) -> (atoms: Matrix<Double>, bias: [Double], codes: Matrix<Double>) {
    let r = problem.residual
    let atoms = -1 * problem.codes.multiplied(by: r, transposingSelf: true)
    let bias = (0..<r.columns).map { i in -r.column(i).reduce(0, +) }
    var codes = r.multiplied(by: problem.dictionary, transposingOther: true)
    codes.storage = codes.storage.map { problem.lambda - $0 }
    return (atoms, bias, codes)
  }

  static func build(_ problem: SparseCodingProblem, activityThreshold tau: Double) -> (LinearProgram, FirstOrderColumns) {
    let d = problem.dictionary, z = problem.codes
    var layout = FirstOrderColumns(m: d.columns, k: d.rows, n: z.rows)
    let g = gradients(problem)
    var program = LinearProgram(direction: .minimize)
    for atom in 0..<layout.k {
      for i in 0..<layout.m { program.addColumn(bounds: .between(-1, 1), cost: g.atoms[atom, i]) }
    }
    for i in 0..<layout.m {
      program.addColumn(bounds: problem.hasBias ? .between(-1, 1) : .fixed(0), cost: problem.hasBias ? g.bias[i] : 0)
    }
    for point in 0..<layout.n {
      for atom in 0..<layout.k {
        let active = problem.isActive(point, atom, threshold: tau)
        let cost = problem.isSigned && active ? g.codes[point, atom] - problem.lambda * (1 - (z[point, atom] > 0 ? 1 : -1)) : g.codes[point, atom]
        program.addColumn(bounds: active ? .between(-1, 1) : .between(0, 1), cost: cost)
      }
    }
    if problem.isSigned {
      for point in 0..<layout.n {
        for atom in 0..<layout.k where !problem.isActive(point, atom, threshold: tau) {
          // W⁻ costs λ + d_kᵀr_n = 2λ − (G_Z)_kn.
          layout.negativeCodes[atom + layout.k * point] = program.addColumn(bounds: .between(0, 1), cost: 2 * problem.lambda - g.codes[point, atom])
        }
      }
    }
    for atom in 0..<layout.k {
      program.addRow((0..<layout.m).map { (column: layout.atom($0, atom), value: d[atom, $0]) }, bounds: .fixed(0))
    }
    return (program, layout)
  }

  /// min_μ ‖g + μ d‖₁, attained at a weighted median of −g_i/d_i with weights |d_i|.
  static func minimumL1(_ g: [Double], along d: [Double]) -> Double {
    let mu = weightedMedian(g, along: d)?.mu ?? 0
    return zip(g, d).reduce(0) { $0 + abs($1.0 + mu * $1.1) }
  }

  /// The minimiser μ of ‖g + μ d‖₁ (a weighted median of −g_i/d_i with weights |d_i|) and the
  /// index i where it is attained; `nil` when d = 0.
  static func weightedMedian(_ g: [Double], along d: [Double]) -> (mu: Double, pivot: Int)? {
    var points: [(location: Double, weight: Double, index: Int)] = []
    for i in g.indices where d[i] != 0 { points.append((-g[i] / d[i], abs(d[i]), i)) }
    points.sort { $0.location < $1.location }
    let half = points.reduce(0) { $0 + $1.weight } / 2
    var cumulative = 0.0
    for point in points {
      cumulative += point.weight
      if cumulative >= half { return (point.location, point.index) }
    }
    return points.last.map { ($0.location, $0.index) }
  }
}
