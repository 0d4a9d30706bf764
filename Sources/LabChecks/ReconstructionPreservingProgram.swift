import LabNumerics
import LabOptimization
import LabSolvers

/// LIN and LP-R (THEORY §5.3): the reconstruction-preserving first-order test,
///
///     min ω Σ_{k,n} W_kn   s.t.  δb_i + Σ_k z_nk Δ_ik + Σ_k D_ki W_kn = 0   (row (i, n)),
///                                 Σ_i D_ki Δ_ik = 0                          (row k),
///
/// with the bounds of LP-K. ω = 1 is LIN for the exact problem P⁺₀; ω = λ is LP-R at λ > 0, whose
/// value is the slope of L_λ along the realised direction (Cor. 3.9). The test never uses X: it
/// checks (D, b, Z) as a factorisation of its own reconstruction.
///
/// Signed codes (THEORY §5.3, Remark (iii) after Prop. 3.8): an active W_kn costs ω·sign z_nk, and an
/// inactive W_kn = W⁺ − W⁻ (W± ∈ [0, 1]) costs ω(W⁺ + W⁻).
public enum ReconstructionPreservingProgram {
  /// Builds the LP for `problem`'s dictionary, codes and bias option with cost weight `weight`
  /// (ω), solves it with GLPK and verifies the answer.
  ///
  /// GLPK sees the program with ω = 1 and the value is multiplied by ω. The rows are built in the
  /// units of the data: ``GLPK/solveVerified(_:method:tolerance:exactRetrySeconds:)`` equilibrates
  /// them (unscaled, the simplex rounding grew with the data: duality gap 1.4e-8 for X·10³, λ·10³
  /// against 2e-13 at scale 1).
  public static func solve(_ problem: SparseCodingProblem, weight: Double, activityThreshold tau: Double = 0) throws -> LPTestResult {
    let d = problem.dictionary, z = problem.codes
    var layout = FirstOrderColumns(m: d.columns, k: d.rows, n: z.rows)
    var program = LinearProgram(direction: .minimize)
    program.addColumns(count: layout.m * layout.k, bounds: .between(-1, 1), cost: 0)
    program.addColumns(count: layout.m, bounds: problem.hasBias ? .between(-1, 1) : .fixed(0), cost: 0)
    for point in 0..<layout.n {
      for atom in 0..<layout.k {
        let active = problem.isActive(point, atom, threshold: tau)
        program.addColumn(bounds: active ? .between(-1, 1) : .between(0, 1),
                          cost: problem.isSigned && active && z[point, atom] < 0 ? -1 : 1)
      }
    }
    if problem.isSigned {
      for point in 0..<layout.n {
        for atom in 0..<layout.k where !problem.isActive(point, atom, threshold: tau) {
          layout.negativeCodes[atom + layout.k * point] = program.addColumn(bounds: .between(0, 1), cost: 1)
        }
      }
    }
    for point in 0..<layout.n {
      for i in 0..<layout.m {
        var terms: [(column: Int, value: Double)] = []
        if problem.hasBias { terms.append((layout.bias(i), 1)) }
        for atom in 0..<layout.k {
          terms.append((layout.atom(i, atom), z[point, atom]))
          terms.append((layout.code(atom, point), d[atom, i]))
          if let negative = layout.negativeCodes[atom + layout.k * point] { terms.append((negative, -d[atom, i])) }
        }
        // A coefficient below GLPK's window (1e-30; the row also holds atom entries of size ≥ 1/√m) is 0 for the LP.
        program.addRow(terms.map { ($0.column, abs($0.value) < LinearProgram.smallestMagnitude ? 0 : $0.value) }, bounds: .fixed(0))
      }
    }
    for atom in 0..<layout.k {
      program.addRow((0..<layout.m).map { (column: layout.atom($0, atom), value: d[atom, $0]) }, bounds: .fixed(0))
    }
    let result = try GLPK.solveVerified(program)
    let solved = result.solution.status == .optimal
    return LPTestResult(solved: result, value: solved ? result.solution.objective * weight : .nan,
                        direction: solved ? layout.direction(from: result.solution.primal) : nil,
                        size: (program.columnCount, program.rowCount))
  }
}
