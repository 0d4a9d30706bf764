import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

@Suite("Star and pair conditions (THEORY §4.2–4.3, §5.5–5.6)")
struct StarConditionTests {
  /// Prediction 9 [S3]: on 200 random candidates (m = 3, K = 4, N ∈ [5, 40), p ~ U[0.2, 0.8]) the star LP
  /// value is > 1e-9 exactly when the hull/cone distance is > 1e-9, and both outcomes occur.
  @Test("Prediction 9: star LP descent ⟺ target outside the hull, on 200 random candidates")
  func prediction9() throws {
    var agree = 0, disagree = 0, failing = 0, holding = 0
    for instance in 0..<200 {
      var rng = SeedTree(root: 9).generator(for: "prediction-9/\(instance)")
      let n = 5 + rng.nextInt(below: 35)
      let problem = RandomCandidates.make(instance: instance, dimension: 3, atoms: 4, points: n,
                                          firing: rng.nextUniform(in: 0.2...0.8), &rng)
      for j in 0..<4 where RandomCandidates.mass(problem, j) > 0 {
        let donors = (0..<4).filter { $0 != j && RandomCandidates.mass(problem, $0) > 0 && RandomCandidates.cosine(problem, $0, j) < 1 }
        guard !donors.isEmpty else { continue }
        let star = try StarProgram.solve(problem, receiver: j, donors: donors)
        let hull = try HullDistance.star(problem, receiver: j, donors: donors)
        #expect(star.verification.verified && hull.verified)
        let starFails = star.value > 1e-9, outside = hull.distance > 1e-9
        if starFails == outside { agree += 1 } else { disagree += 1 }
        if starFails { failing += 1 } else { holding += 1 }
      }
    }
    #expect(disagree == 0, "\(disagree) of \(agree + disagree) receivers disagree")
    #expect(failing > 0 && holding > 0, "both outcomes must be represented: \(failing) fail, \(holding) hold")
  }

  /// Prediction 10 [S4]: c_ij ∈ [min ẑ, max ẑ] over {z_j = 0} ⟺ the raw hull form
  /// (1 − c_ij)·z̄_i ∈ [min, max] of z_in over {z_j = 0} ⟺ the pair LP finds no descent (with a bias).
  @Test("Prediction 10: modified-response interval ⟺ raw hull ⟺ pair LP, every ordered pair")
  func prediction10() async throws {
    await propertyCheck(count: 100, input: Gen.int(in: 2...5), Gen.int(in: 2...5), Gen.int(in: 5...40),
                        Gen.double(in: 0.2...0.8), Gen.int(in: 0...Int(Int32.max))) { m, k, n, p, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let problem = RandomCandidates.make(instance: 0, dimension: m, atoms: k, points: n, firing: p, &rng)
      for pair in PairCondition.all(in: problem) {
        guard let low = pair.hullLow, let high = pair.hullHigh else {
          #expect(!pair.pass)
          continue
        }
        let z = problem.codes
        let silent = (0..<n).filter { z[$0, pair.j] == 0 }.map { z[$0, pair.i] }
        let target = (1 - pair.cosine) * RandomCandidates.mass(problem, pair.i) / Double(n)
        let rawInside = silent.min()! - 1e-12 <= target && target <= silent.max()! + 1e-12
        let modifiedInside = low - 1e-12 <= pair.cosine && pair.cosine <= high + 1e-12
        #expect(rawInside == modifiedInside, "pair (\(pair.i), \(pair.j)): raw \(rawInside), modified \(modifiedInside)")
        #expect(pair.pass == modifiedInside)
        let lp = try? StarProgram.solve(problem, receiver: pair.j, donors: [pair.i])
        #expect(lp.map { $0.verification.verified && $0.fails == !pair.pass } == true,
                "pair LP value \(lp?.value ?? .nan) vs hull test \(pair.pass)")
      }
    }
  }
}
