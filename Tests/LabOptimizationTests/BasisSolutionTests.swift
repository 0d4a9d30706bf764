import CGLPK
@testable import LabOptimization
import PropertyBased
import Testing

/// ``GLPK/basisSolution(of:program:method:status:)`` — the double-precision solution of a basis, which
/// rescues an exact retry whose answer carries `glp_exact`'s rational approximations — against GLPK's
/// own answer for the basis its simplex ends on.
@Suite struct BasisSolutionTests {
  @Test("The basis solution equals GLPK's simplex answer for its final basis, on random LPs with every kind of bound")
  func agreesWithTheSimplex() async {
    await propertyCheck(count: 100, input: LPShape.generator(rows: 1...6, columns: 1...6)) { shape in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let previousTerminalOutput = glp_term_out(GLP_OFF)
      defer { glp_term_out(previousTerminalOutput) }
      let problem: OpaquePointer = glp_create_prob()
      defer { glp_delete_prob(problem) }
      GLPK.load(program, into: problem)
      var parameters = GLPK.simplexParameters(for: program)
      let reported = GLPK.run(.simplex, on: problem, program: program, parameters: &parameters).solution
      guard reported.status == .optimal else { return }
      let basis = try #require(GLPK.basisSolution(of: problem, program: program, method: .simplex, status: .optimal))
      let pairs = [("primal", reported.primal, basis.primal), ("row activity", reported.rowActivity, basis.rowActivity),
                   ("row duals", reported.rowDuals, basis.rowDuals), ("reduced costs", reported.reducedCosts, basis.reducedCosts),
                   ("objective", [reported.objective], [basis.objective])]
      for (name, glpk, ours) in pairs {
        let scale = 1 + (glpk.map(\.magnitude).max() ?? 0)
        let distance = zip(glpk, ours).map { ($0 - $1).magnitude }.max() ?? 0
        #expect(distance <= 1e-9 * scale, "\(shape): \(name) \(ours) against GLPK's \(glpk)")
      }
      #expect(LPVerifier.verify(program, basis).verified, "\(shape)")
    }
  }
}
