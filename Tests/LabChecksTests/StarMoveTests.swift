import Foundation
import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

@Suite("Exact star move (Lemma 4.1)")
struct StarMoveTests {
  @Test("Prediction 8: the move reconstructs exactly, its cost change equals the closed form, and its finite-difference slope is −(Nβ₁ + Σ(1 − c_ij)a_iZ_i) (rel. 1e-4), on random candidates with and without a bias")
  func exactMove() async {
    await propertyCheck(count: 30, input: Gen.int(in: 2...4), Gen.int(in: 2...4), Gen.int(in: 5...25), Gen.int(in: 0...Int(Int32.max))) { m, k, n, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let problem = RandomCandidates.make(instance: seed, dimension: m, atoms: k, points: n, firing: 0.5, &rng)
      // A receiver that is silent somewhere, so that with a bias β_max(θ) = O(τ) (Lemma 4.1's β = τβ₁).
      let j = (0..<k).first { atom in (0..<n).contains { problem.codes[$0, atom] == 0 } } ?? 0
      let silent = (0..<n).filter { problem.codes[$0, j] == 0 }
      #expect(problem.bias == nil || !silent.isEmpty, "every atom fires on every point")
      let donors = (0..<k).filter { $0 != j }
      let a = donors.map { _ in rng.nextUniform(in: -1...1) }
      let tau = 1e-2
      let moved = StarMove.apply(problem, receiver: j, donors: donors, rotations: a, tau: tau)
      let before = problem.codes * problem.dictionary, after = moved.codes * moved.dictionary
      var error = 0.0
      for row in 0..<n {
        for i in 0..<m {
          let shift = (moved.bias?[i] ?? 0) - (problem.bias?[i] ?? 0)
          error = max(error, abs(after[row, i] + shift - before[row, i]))
        }
      }
      #expect(error < 1e-10)
      // ΔC = Σ_i Z_i [(sin φ_i − sin θ_i)/sin(φ_i − θ_i) − 1] − Nβ, with β = b'−b along d_j.
      let dj = problem.dictionary.row(j)
      let beta = problem.bias == nil ? 0 : zip(zip(moved.bias!, problem.bias!).map { $0 - $1 }, dj).reduce(0) { $0 + $1.0 * $1.1 }
      var closed = -Double(n) * beta
      for (position, i) in donors.enumerated() {
        let phi = acos(RandomCandidates.cosine(problem, i, j)), theta = tau * sin(phi) * a[position]
        closed += RandomCandidates.mass(problem, i) * ((sin(phi) - sin(theta)) / sin(phi - theta) - 1)
      }
      let direct = moved.codes.storage.reduce(0, +) - problem.codes.storage.reduce(0, +)
      #expect(abs(direct - closed) <= 1e-9 * max(1, abs(closed)), "direct \(direct) vs closed form \(closed)")
      // S2: the slope. β₁ = lim β_max(τ)/τ = min over B_j of −Σ_i a_i z_in (g_i = τa_i + O(τ²)); 0 without a bias.
      let beta1 = problem.bias == nil ? 0 : silent.map { point in -zip(donors, a).reduce(0) { $0 + $1.1 * problem.codes[point, $1.0] } }.min() ?? 0
      let predicted = -(Double(n) * beta1 + zip(donors, a).reduce(0) { total, pair in
        total + (1 - RandomCandidates.cosine(problem, pair.0, j)) * pair.1 * RandomCandidates.mass(problem, pair.0)
      })
      // One-sided differences ΔC(τ)/τ at τ = 10⁻⁵ and τ/2, Richardson-extrapolated (2S(τ/2) − S(τ)) to remove the
      // O(τ) curvature term: what is left, O(τ²) and rounding ≈ 2⁻⁵²Σz/τ, is near 10⁻⁹.
      func slope(_ step: Double) -> Double {
        let after = StarMove.apply(problem, receiver: j, donors: donors, rotations: a, tau: step)
        return (after.codes.storage.reduce(0, +) - problem.codes.storage.reduce(0, +)) / step
      }
      let measured = 2 * slope(5e-6) - slope(1e-5)
      #expect(abs(measured - predicted) <= 1e-4 * abs(predicted), "FD slope \(measured) vs −(Nβ₁ + Σ(1 − c)aZ) \(predicted)")
    }
  }

  /// THEORY §4.3 (S9): orthonormal atoms in m = K = 3, with a bias; activity types
  /// (0,0,0)×10, (1,0,0)×15, (0,1,0)×15, (0,0,4)×5, (1,1,½)×55.
  static func fiveTypeCandidate() -> SparseCodingProblem {
    let types: [([Double], Int)] = [([0, 0, 0], 10), ([1, 0, 0], 15), ([0, 1, 0], 15), ([0, 0, 4], 5), ([1, 1, 0.5], 55)]
    let rows = types.flatMap { Array(repeating: $0.0, count: $0.1) }
    let z = Matrix(rows)
    return SparseCodingProblem(samples: z, dictionary: .identity(3), bias: [0, 0, 0], codes: z, lambda: 1)
  }

  @Test("Prediction 14: every pair passes, the star (receiver 2, donors 0 and 1, counted from 0) fails with value 40, LIN finds descent, and the exact move has slope → −40")
  func starStrongerThanPairs() throws {
    let problem = Self.fiveTypeCandidate()
    for j in 0..<3 {
      for i in 0..<3 where i != j {
        let pair = try StarProgram.solve(problem, receiver: j, donors: [i])
        #expect(pair.status == .optimal && pair.verification.verified && abs(pair.value) <= 1e-9, "pair \(i)→\(j): \(pair.value)")
      }
    }
    #expect(PairCondition.all(in: problem).allSatisfy { $0.pass })
    let star = try StarProgram.solve(problem, receiver: 2, donors: [0, 1])
    #expect(star.verification.verified && abs(star.value - 40) <= 1e-9)
    #expect(star.rotations.isApproximatelyEqual(to: [1, 1], absoluteTolerance: 1e-12) && abs(star.biasShift + 1) <= 1e-12)
    let lin = try ReconstructionPreservingProgram.solve(problem, weight: 1)
    #expect(lin.isTrusted && lin.value < -1e-7)
    let move = StarMove.verify(problem, receiver: 2, donors: [0, 1], rotations: star.rotations, lpValue: star.value,
                               steps: [1e-2, 1e-3, 1e-4])
    #expect(move.confirmed)
    #expect(move.steps.allSatisfy { $0.feasible && $0.reconstructionError < 1e-12 && $0.costChange < 0 })
    #expect(abs(move.steps[2].slope + 40) <= 0.01 * 40, "slope at τ = 1e-4: \(move.steps[2].slope)")
  }
}
