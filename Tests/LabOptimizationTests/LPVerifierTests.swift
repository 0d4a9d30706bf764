import LabOptimization
import PropertyBased
import Testing

@Suite struct LPVerifierTests {
  private static var shapes: Generator<LPShape, some SendableSequenceType> {
    LPShape.generator(rows: 0...6, columns: 1...6)
  }

  @Test("Random feasible bounded LPs are solved to verified optima")
  func feasibleBoundedLPsVerify() async throws {
    await propertyCheck(count: 100, input: Self.shapes) { shape in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let result = try GLPK.solveVerified(program)
      #expect(result.solution.status == .optimal, "\(shape)")
      #expect(result.verification.verified, "\(shape): \(result.verification.detail)")
      #expect(result.verification.claimedStatus == .optimal)
    }
  }

  @Test("A primal point moved off its column bounds or rows is rejected")
  func perturbedPrimalIsRejected() async throws {
    await propertyCheck(count: 100, input: Self.shapes, Gen.bool) { shape, breakRow in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let solution = try GLPK.solve(program)
      var primal = solution.primal
      if breakRow, let entry = program.entries.first(where: { program.rowBounds[$0.row].upper.isFinite }) {
        let activity = program.entries.filter { $0.row == entry.row }.map { $0.value * primal[$0.column] }.reduce(0, +)
        primal[entry.column] += (program.rowBounds[entry.row].upper - activity + 1) / entry.value
      } else {
        primal[0] = program.columnBounds[0].upper + 1  // column 0 is always boxed
      }
      let perturbed = solution.replacing(primal: primal)
      let verification = LPVerifier.verify(program, perturbed)
      #expect(!verification.verified, "\(shape): \(verification.detail)")
      #expect(verification.primalInfeasibility > 0.5)
    }
  }

  @Test("Duals with a flipped sign or a scale are rejected")
  func perturbedDualsAreRejected() async throws {
    await propertyCheck(count: 100, input: Self.shapes, Gen.bool) { shape, flip in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let solution = try GLPK.solve(program)
      var rowDuals = solution.rowDuals
      var reducedCosts = solution.reducedCosts
      let factor: Double = flip ? -1 : 2
      if let row = rowDuals.indices.max(by: { abs(rowDuals[$0]) < abs(rowDuals[$1]) }), abs(rowDuals[row]) > 1e-3 {
        rowDuals[row] *= factor
      } else if let column = reducedCosts.indices.max(by: { abs(reducedCosts[$0]) < abs(reducedCosts[$1]) }),
        abs(reducedCosts[column]) > 1e-3
      {
        reducedCosts[column] *= factor
      } else {
        reducedCosts[0] += 1
      }
      let perturbed = solution.replacing(rowDuals: rowDuals, reducedCosts: reducedCosts)
      let verification = LPVerifier.verify(program, perturbed)
      #expect(!verification.verified, "\(shape): \(verification.detail)")
    }
  }

  @Test("A claimed objective away from cᵀx is rejected")
  func perturbedObjectiveIsRejected() async throws {
    await propertyCheck(count: 100, input: Self.shapes, Gen.bool) { shape, up in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let solution = try GLPK.solve(program)
      let shift = 1e-4 * (1 + abs(solution.objective)) * (up ? 1 : -1)
      let verification = LPVerifier.verify(program, solution.replacing(objective: solution.objective + shift))
      #expect(!verification.verified, "\(shape): \(verification.detail)")
    }
  }

  @Test("Random infeasible LPs are reported and certified as infeasible")
  func infeasibleLPsVerify() async throws {
    await propertyCheck(count: 100, input: Self.shapes) { shape in
      let program = RandomLPs.infeasible(shape)
      let result = try GLPK.solveVerified(program)
      #expect(result.solution.status == .infeasible, "\(shape)")
      #expect(result.verification.verified, "\(shape): \(result.verification.detail)")
      #expect(result.verification.primalInfeasibility > 0)
    }
  }

  @Test("Random unbounded LPs are reported and certified as unbounded")
  func unboundedLPsVerify() async throws {
    await propertyCheck(count: 100, input: Self.shapes) { shape in
      let program = RandomLPs.unbounded(shape)
      let result = try GLPK.solveVerified(program)
      #expect(result.solution.status == .unbounded, "\(shape)")
      #expect(result.verification.verified, "\(shape): \(result.verification.detail)")
      let improving = program.direction == .minimize ? result.verification.dualObjective < 0 : result.verification.dualObjective > 0
      #expect(improving)
    }
  }

  @Test("Wrong infeasible or unbounded claims about bounded feasible LPs are rejected")
  func falseClaimsAreRejected() async throws {
    await propertyCheck(count: 50, input: Self.shapes) { shape in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let solution = try GLPK.solve(program)
      for claim in [LPSolution.Status.infeasible, .unbounded, .undefined] {
        let verification = LPVerifier.verify(program, solution.replacing(status: claim))
        #expect(!verification.verified, "\(shape) claimed \(claim): \(verification.detail)")
        #expect(verification.claimedStatus == claim)
      }
    }
  }

  @Test("An optimal claim for an infeasible or unbounded LP is rejected")
  func falseOptimaAreRejected() async throws {
    await propertyCheck(count: 50, input: Self.shapes) { shape in
      for program in [RandomLPs.infeasible(shape), RandomLPs.unbounded(shape)] {
        let solution = try GLPK.solve(program)
        let verification = LPVerifier.verify(program, solution.replacing(status: .optimal))
        #expect(!verification.verified, "\(shape): \(verification.detail)")
      }
    }
  }

  /// `glp_exact` first replaces every non-integral input by a nearby fraction (GLPK's
  /// `set_d_eps`, relative error below 2e-10), so it solves a slightly different program. To
  /// first order that moves the optimum by at most 2e-10 × (Σ|cⱼxⱼ| + Σ|yᵢaᵢⱼxⱼ| + Σ|yᵢrᵢ| + Σ|dⱼxⱼ|);
  /// the check allows 1e-9 × (1 + that sum).
  ///
  /// Protocol changed after a failure (2026-12-07): this test required every exact answer to be a
  /// verified optimum. A random seed found a feasible program that glp_exact calls infeasible
  /// (``exactCanMissFeasibility()``): the nearby program it solves need not be feasible. What the lab
  /// relies on is that such an answer is never verified (solveVerified then keeps the simplex's), so
  /// that is what every program is held to; agreement is required wherever glp_exact says optimal,
  /// and ``exactAgreesOnFixedSeeds()`` still requires it on nearly every program.
  @Test("Simplex and exact arithmetic agree on random LPs where glp_exact finds an optimum; an exact answer that is not one is never verified")
  func simplexMatchesExact() async throws {
    await propertyCheck(count: 25, input: LPShape.generator(rows: 0...5, columns: 1...5)) { shape in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let simplex = try GLPK.solveVerified(program, method: .simplex)
      let exact = try GLPK.solveVerified(program, method: .exact)
      #expect(simplex.verification.verified, "\(shape): \(simplex.verification.detail)")
      guard exact.solution.status == .optimal else {
        #expect(!exact.verification.verified, "\(shape): glp_exact said \(exact.solution.status) and it was verified")
        return
      }
      #expect(exact.verification.verified, "\(shape): \(exact.verification.detail)")
      #expect(Self.exactAgrees(program, simplex: simplex.solution, exact: exact.solution), "\(shape)")
    }
  }

  /// Whether the exact optimum is within 1e-9 × (1 + the first-order sensitivity) of the simplex's.
  private static func exactAgrees(_ program: LinearProgram, simplex: LPSolution, exact: LPSolution) -> Bool {
    let (x, y, d) = (simplex.primal, simplex.rowDuals, simplex.reducedCosts)
    let costTerms: Double = zip(program.objective, x).map { abs($0 * $1) }.reduce(0, +)
    let matrixTerms: Double = program.entries.map { abs(y[$0.row] * $0.value * x[$0.column]) }.reduce(0, +)
    let rowTerms: Double = zip(y, simplex.rowActivity).map { abs($0 * $1) }.reduce(0, +)
    let columnTerms: Double = zip(d, x).map { abs($0 * $1) }.reduce(0, +)
    return abs(simplex.objective - exact.objective) <= 1e-9 * (1 + costTerms + matrixTerms + rowTerms + columnTerms)
  }

  @Test("On 300 fixed random LPs glp_exact finds a verified optimum that agrees with the simplex's in at least 98 % of them")
  func exactAgreesOnFixedSeeds() throws {
    var agreeing = 0
    for seed in 1...300 {
      let shape = LPShape(rows: seed % 6, columns: 1 + seed % 5, direction: seed % 2 == 0 ? .minimize : .maximize, seed: UInt64(seed))
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let simplex = try GLPK.solveVerified(program, method: .simplex)
      let exact = try GLPK.solveVerified(program, method: .exact)
      if exact.solution.status == .optimal && exact.verification.verified && Self.exactAgrees(program, simplex: simplex.solution, exact: exact.solution) {
        agreeing += 1
      }
    }
    #expect(agreeing >= 294, "\(agreeing) of 300")
  }

  /// The counterexample (3 rows, 4 columns, minimize, seed 5160191906290968854): two equality rows
  /// fix column 1 at 4.859375 given the two fixed columns, and agree exactly in the program's own
  /// numbers, but not after glp_exact's rounding of them to nearby fractions: it ends phase 1 with an
  /// infeasibility sum of 1.07e-9 and says the program is infeasible. The verifier's phase-1 LP finds
  /// it feasible, so the answer is not verified, and the verified solve keeps the simplex's optimum.
  @Test("glp_exact can call a feasible program infeasible; the verifier rejects that and the verified solve keeps the simplex's optimum")
  func exactCanMissFeasibility() throws {
    let (program, point) = RandomLPs.feasibleBounded(LPShape(rows: 3, columns: 4, direction: .minimize, seed: 5_160_191_906_290_968_854))
    #expect(point == [-2.234375, 4.859375, -2.984375, -3.203125])
    let exact = try GLPK.solveVerified(program, method: .exact)
    #expect(exact.solution.status == .infeasible && !exact.verification.verified)
    let verified = try GLPK.solveVerified(program)
    #expect(verified.solution.status == .optimal && verified.verification.verified)
    #expect(abs(verified.solution.objective - 6.88635540302705) <= 1e-12)
  }

  @Test("The sign conventions hold in both directions: negated duals are rejected")
  func signConventions() throws {
    for program in [GLPKTests.textbookMaximum(), GLPKTests.textbookMinimum()] {
      let solution = try GLPK.solve(program)
      #expect(LPVerifier.verify(program, solution).verified)
      let negated = solution.replacing(
        rowDuals: solution.rowDuals.map { -$0 }, reducedCosts: solution.reducedCosts.map { -$0 })
      let verification = LPVerifier.verify(program, negated)
      #expect(!verification.verified)
      #expect(verification.dualInfeasibility > 0.1, "\(verification.detail)")
    }
  }

  @Test("Malformed answers, invalid programs and bad tolerances are never verified")
  func malformedInputs() throws {
    let program = GLPKTests.textbookMaximum()
    let solution = try GLPK.solve(program)
    let cases: [(LinearProgram, LPSolution, Double, String)] = [
      (program, solution.replacing(primal: [3]), 1e-9, "The answer has 1 primal values for 2 columns."),
      (program, solution.replacing(rowDuals: [2, .nan]), 1e-9, "The answer's row duals hold nan at index 1."),
      (program, solution.replacing(objective: .infinity), 1e-9, "The answer's objective is inf."),
      (program, solution, -1, "The tolerance -1.0 is not a finite nonnegative number."),
      (LinearProgram(), solution, 1e-9, "The program is invalid: The program has no columns; GLPK needs at least one."),
      (program, solution.replacing(status: .undefined), 1e-9, "An undefined status is never verified."),
    ]
    for (program, answer, tolerance, detail) in cases {
      let verification = LPVerifier.verify(program, answer, tolerance: tolerance)
      #expect(!verification.verified)
      #expect(verification.detail == detail)
    }
  }
}

extension LPSolution {
  /// A copy with some parts replaced.
  func replacing(
    status: Status? = nil, objective: Double? = nil, primal: [Double]? = nil, rowDuals: [Double]? = nil,
    reducedCosts: [Double]? = nil
  ) -> LPSolution {
    LPSolution(
      status: status ?? self.status, method: method, objective: objective ?? self.objective,
      primal: primal ?? self.primal, rowActivity: rowActivity, rowDuals: rowDuals ?? self.rowDuals,
      reducedCosts: reducedCosts ?? self.reducedCosts)
  }
}
