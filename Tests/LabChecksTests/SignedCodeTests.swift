import Foundation
import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §10 prediction 15 (S10): the signed pair and star conditions of Theorem 4.7, on the
/// signed random candidates of S10b (m = 3, K ∈ {2, 3}, N ∈ [6, 25), z = ξ·Bernoulli(p), p ~ U[0.2, 0.7],
/// b = 0.2ξ on even-numbered instances).
@Suite("Prediction 15 (signed codes)")
struct SignedCodeTests {
  static func candidate(instance: Int, _ rng: inout Xoshiro256StarStar) -> SparseCodingProblem {
    let k = 2 + rng.nextInt(below: 2), n = 6 + rng.nextInt(below: 19)
    return RandomCandidates.signed(instance: instance, dimension: 3, atoms: k, points: n, firing: rng.nextUniform(in: 0.2...0.7), &rng)
  }

  static func usedAtoms(_ problem: SparseCodingProblem) -> [Int] {
    (0..<problem.dictionary.rows).filter { RandomCandidates.mass(problem, $0) > 0 }
  }

  @Test("Prediction 15: one-sided FD slopes of the signed pair move match Theorem 4.7 (rel. 1e-4), and the pair test agrees with the pair LP and the zonotope distance")
  func pairMoveSlopes() async {
    await propertyCheck(count: 40, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let problem = Self.candidate(instance: seed, &rng)
      let z = problem.codes, n = z.rows
      let cost = StarMove.cost(problem)
      for pair in PairCondition.all(in: problem) {
        let (i, j) = (pair.i, pair.j)
        let c = RandomCandidates.cosine(problem, i, j), s = (1 - c * c).squareRoot()
        guard s > 1e-3 else { continue }
        let active = (0..<n).filter { z[$0, j] != 0 }, silent = (0..<n).filter { z[$0, j] == 0 }
        let signSum = active.reduce(0.0) { $0 + (z[$1, j] > 0 ? 1 : -1) }
        let t = c * RandomCandidates.mass(problem, i) - active.reduce(0.0) { $0 + (z[$1, j] > 0 ? 1 : -1) * z[$1, i] }
        let beta = problem.hasBias ? rng.nextUniform(in: -1...1) : 0
        for side in [1.0, -1.0] {
          // Per unit θ (θ = τ s_ij a): [±T − β σ + Σ_{B_j} |β ± z_in|] / s_ij; without bias Thm 4.7's formula.
          let predicted = (side * t - beta * signSum + silent.reduce(0.0) { $0 + abs(beta + side * z[$1, i]) }) / s
          let theta = 1e-7
          let moved = StarMove.apply(problem, receiver: j, donors: [i], rotations: [side / s], biasRate: beta / s, tau: theta)
          let slope = (StarMove.cost(moved) - cost) / theta
          #expect(abs(slope - predicted) <= 1e-4 * max(1, abs(predicted)), "pair \(i)→\(j), side \(side): FD \(slope) vs \(predicted)")
        }
        let lp = try StarProgram.solve(problem, receiver: j, donors: [i])
        let zonotope = try HullDistance.star(problem, receiver: j, donors: [i])
        #expect(lp.verification.verified && zonotope.verified)
        #expect(lp.fails == !pair.pass && (zonotope.distance > 1e-9) == !pair.pass,
                "pair \(i)→\(j): test \(pair.pass) (excess \(pair.zonotopeExcess ?? .nan)), LP \(lp.value), distance \(zonotope.distance)")
        #expect(pair.hullLow == nil && pair.hullHigh == nil)
        if lp.fails {
          let move = StarMove.verify(problem, receiver: j, donors: [i], rotations: lp.rotations, biasRate: lp.biasShift, lpValue: lp.value)
          #expect(move.confirmed, "the pair LP's move lowers ‖Z‖₁ with slope → −\(lp.value): \(move.steps.map(\.slope))")
        }
      }
    }
  }

  /// Whether some full zonotope star fails, checking the star LP against the zonotope distance.
  static func someFullStarFails(_ problem: SparseCodingProblem) throws -> Bool {
    let used = usedAtoms(problem)
    var fails = false
    for j in used {
      let donors = used.filter { $0 != j }
      let star = try StarProgram.solve(problem, receiver: j, donors: donors)
      let zonotope = try HullDistance.star(problem, receiver: j, donors: donors)
      #expect(star.verification.verified && zonotope.verified)
      #expect(star.fails == (zonotope.distance > 1e-9), "receiver \(j): star LP \(star.value), zonotope distance \(zonotope.distance)")
      fails = fails || star.fails
    }
    return fails
  }

  static func linDescent(_ problem: SparseCodingProblem) throws -> (descent: Bool, value: Double) {
    let lin = try ReconstructionPreservingProgram.solve(problem, weight: 1)
    #expect(lin.isTrusted)
    return (lin.value < -1e-7 * max(1, problem.codeMass), lin.value)
  }

  @Test("Prediction 15: signed LIN finds descent iff some full zonotope star fails, 100% on 40 instances with both outcomes")
  func linVersusZonotopeStars() throws {
    var agree = 0, descents = 0, stationary = 0
    var instance = 0, attempt = 0
    while instance < 40 {
      var rng = SeedTree(root: 15).generator(for: "prediction-15/\(attempt)")
      attempt += 1
      let problem = Self.candidate(instance: instance, &rng)
      guard Self.usedAtoms(problem).count == problem.dictionary.rows else { continue }
      instance += 1
      let lin = try Self.linDescent(problem)
      let starFails = try Self.someFullStarFails(problem)
      if lin.descent == starFails { agree += 1 }
      if lin.descent { descents += 1 } else { stationary += 1 }
      #expect(lin.descent == starFails, "instance \(instance): LIN \(lin.value), some star fails \(starFails)")
    }
    #expect(agree == 40 && descents > 0 && stationary > 0, "\(agree)/40 agree; \(descents) descents, \(stationary) without")
  }

  @Test("Signed LIN and CERT are dual (CERT = −LIN to 1e-7), and LIN ⟺ stars holds on fresh random instances")
  func duality() async {
    await propertyCheck(count: 40, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let problem = Self.candidate(instance: seed, &rng)
      let lin = try ReconstructionPreservingProgram.solve(problem, weight: 1)
      let cert = try CertificateProgram.solve(problem)
      #expect(lin.isTrusted && cert.isTrusted)
      #expect(abs(cert.value + lin.value) <= 1e-7 * (1 + abs(cert.value)), "CERT \(cert.value), LIN \(lin.value)")
      guard Self.usedAtoms(problem).count == problem.dictionary.rows else { return }
      #expect(try Self.linDescent(problem).descent == Self.someFullStarFails(problem))
    }
  }
}
