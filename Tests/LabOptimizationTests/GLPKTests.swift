import CGLPK
import LabOptimization
import Testing

@Suite struct GLPKTests {
  /// max 3x + 2y  s.t.  x + y <= 4,  x + 3y <= 7,  0 <= x <= 3,  y >= 0:  11 at (3, 1).
  static func textbookMaximum() -> LinearProgram {
    var program = LinearProgram(direction: .maximize)
    let x = program.addColumn(bounds: .between(0, 3), cost: 3)
    let y = program.addColumn(bounds: .nonnegative, cost: 2)
    program.addRow([(x, 1), (y, 1)], bounds: .atMost(4))
    program.addRow([(x, 1), (y, 3)], bounds: .atMost(7))
    return program
  }

  /// min 2x + 3y  s.t.  x + y >= 4,  x + 3y >= 6,  x, y >= 0:  9 at (3, 1) with duals (1.5, 0.5).
  static func textbookMinimum() -> LinearProgram {
    var program = LinearProgram(direction: .minimize)
    let x = program.addColumn(bounds: .nonnegative, cost: 2)
    let y = program.addColumn(bounds: .nonnegative, cost: 3)
    program.addRow([(x, 1), (y, 1)], bounds: .atLeast(4))
    program.addRow([(x, 1), (y, 3)], bounds: .atLeast(6))
    return program
  }

  /// Exact L1 coding of one point against four nearly axis-aligned unit atoms and their diagonal
  /// (the exclusive experiment's overcomplete dictionary after a random perturbation): the simplex
  /// answer is primal infeasible by 4.5e-8, above the verifier's 1.7e-9.
  static func borderlineCoding() -> LinearProgram {
    let atoms: [[Double]] = [
      [0.9999974798373976, -0.0016550616029971984, -0.0015169343900877153],
      [-0.002240971774926159, 0.9999974798373976, -0.000135515156092392],
      [-0.0010209485657223258, -0.001999495656333359, 0.9999974798373976],
      [0.5767844120040491, 0.5791413950344818, 0.5761206354806758],
    ]
    let v = [0.714595619590654, -0.0009319398489401817, -0.0008346199903204408]
    var program = LinearProgram(direction: .minimize)
    let columns = program.addColumns(count: 4, bounds: .nonnegative, cost: 1)
    for i in 0..<3 { program.addRow(columns.map { (column: $0, value: atoms[$0][i]) }, bounds: .fixed(v[i])) }
    return program
  }

  @Test("A simplex answer that fails verification is re-solved with glp_exact, whose answer verifies")
  func exactRetry() throws {
    let program = Self.borderlineCoding()
    let simplex = try GLPK.solve(program, method: .simplex)
    #expect(!LPVerifier.verify(program, simplex).verified, "the fixture no longer fails the simplex check")
    let result = try GLPK.solveVerified(program)
    #expect(result.verification.verified && result.solution.method == .exact && result.solution.status == .optimal)
    #expect(result.exactRetry == .verified)
  }

  @Test("An exact retry that runs out of its time budget counts as unverified and keeps the simplex answer")
  func exactRetryOutOfTime() throws {
    let program = Self.borderlineCoding()
    let result = try GLPK.solveVerified(program, exactRetrySeconds: 0)
    #expect(result.exactRetry == .outOfTime && !result.verification.verified && result.solution.method == .simplex)
  }

  @Test("GLPK reports its version")
  func version() {
    #expect(GLPK.version.first?.isNumber == true)
  }

  @Test("Maximisation with a known answer", arguments: [LPMethod.simplex, .exact])
  func knownMaximum(method: LPMethod) throws {
    let result = try GLPK.solveVerified(Self.textbookMaximum(), method: method)
    let solution = result.solution
    #expect(solution.status == .optimal)
    #expect(solution.method == method)
    #expect(abs(solution.objective - 11) < 1e-12)
    #expect(zip(solution.primal, [3.0, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(solution.rowActivity, [4.0, 6]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(solution.rowDuals, [2.0, 0]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(solution.reducedCosts, [1.0, 0]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(result.verification.verified, "\(result.verification.detail)")
    #expect(abs(result.verification.dualObjective - 11) < 1e-12)
  }

  @Test("Minimisation with a known answer", arguments: [LPMethod.simplex, .exact])
  func knownMinimum(method: LPMethod) throws {
    let result = try GLPK.solveVerified(Self.textbookMinimum(), method: method)
    let solution = result.solution
    #expect(solution.status == .optimal)
    #expect(abs(solution.objective - 9) < 1e-12)
    #expect(zip(solution.primal, [3.0, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(solution.rowDuals, [1.5, 0.5]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(result.verification.verified, "\(result.verification.detail)")
  }

  @Test("A program without rows is solved over its boxes", arguments: [LPMethod.simplex, .exact])
  func boxOnly(method: LPMethod) throws {
    var program = LinearProgram(direction: .minimize)
    program.addColumn(bounds: .between(1, 2), cost: 1)
    program.addColumn(bounds: .between(-1, 3), cost: -1)
    program.addColumn(bounds: .fixed(4), cost: 0.5)
    let result = try GLPK.solveVerified(program, method: method)
    #expect(result.solution.status == .optimal)
    #expect(result.solution.objective == 0)
    #expect(result.solution.primal == [1, 3, 4])
    #expect(result.solution.rowActivity.isEmpty && result.solution.rowDuals.isEmpty)
    #expect(result.solution.reducedCosts == [1, -1, 0.5])
    #expect(result.verification.verified, "\(result.verification.detail)")

    var unbounded = LinearProgram(direction: .maximize)
    unbounded.addColumn(bounds: .atLeast(0), cost: 1)
    let ray = try GLPK.solveVerified(unbounded, method: method)
    #expect(ray.solution.status == .unbounded)
    #expect(ray.verification.verified, "\(ray.verification.detail)")
  }

  @Test("Contradictory rows are infeasible", arguments: [LPMethod.simplex, .exact])
  func knownInfeasible(method: LPMethod) throws {
    var program = LinearProgram()
    program.addColumns(count: 2, bounds: .nonnegative, cost: 1)
    program.addRow([(0, 1), (1, 1)], bounds: .atMost(1))
    program.addRow([(0, 1), (1, 1)], bounds: .atLeast(3))
    let result = try GLPK.solveVerified(program, method: method)
    #expect(result.solution.status == .infeasible)
    #expect(result.verification.verified, "\(result.verification.detail)")
    #expect(abs(result.verification.primalInfeasibility - 2) < 1e-9)
  }

  @Test("max x + y with x - y <= 1 is unbounded", arguments: [LPMethod.simplex, .exact])
  func knownUnbounded(method: LPMethod) throws {
    var program = LinearProgram(direction: .maximize)
    program.addColumns(count: 2, bounds: .nonnegative, cost: 1)
    program.addRow([(0, 1), (1, -1)], bounds: .atMost(1))
    let result = try GLPK.solveVerified(program, method: method)
    #expect(result.solution.status == .unbounded)
    #expect(result.verification.verified, "\(result.verification.detail)")
    #expect(result.verification.dualObjective >= 1 - 1e-9)
  }

  @Test("GLPK writes nothing to the terminal and leaves terminal output as it was")
  func silence() throws {
    var printed = 0
    try withUnsafeMutablePointer(to: &printed) { counter in
      glp_term_hook({ info, _ in
        info?.assumingMemoryBound(to: Int.self).pointee += 1
        return 1
      }, counter)
      defer { glp_term_hook(nil, nil) }
      // Control: a default-verbosity solve does reach the hook.
      let problem: OpaquePointer = glp_create_prob()
      glp_add_cols(problem, 1)
      var parameters = glp_smcp()
      glp_init_smcp(&parameters)
      glp_simplex(problem, &parameters)
      glp_delete_prob(problem)
      #expect(counter.pointee > 0)

      counter.pointee = 0
      for method in [LPMethod.simplex, .exact] {
        _ = try GLPK.solveVerified(Self.textbookMaximum(), method: method)
        _ = try GLPK.solve(LinearProgram.unboundedExample, method: method)
      }
      #expect(counter.pointee == 0)
      #expect(glp_term_out(GLP_ON) == GLP_ON)
    }
  }
}

extension LinearProgram {
  /// min -x, x >= 0.
  fileprivate static var unboundedExample: LinearProgram {
    var program = LinearProgram()
    program.addColumn(bounds: .nonnegative, cost: -1)
    return program
  }
}
