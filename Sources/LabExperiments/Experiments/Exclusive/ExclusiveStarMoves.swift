import Foundation
import LabChecks
import LabRandom
import LabSolvers

/// The perturbations of prediction 20's exact part: random exact star moves (THEORY Lemma 4.1),
/// each followed by a per-point LP re-solve of the codes.
///
/// A star move is feasible by construction (its own codes reconstruct every point exactly, with the
/// bias shift β = β_max(θ) that keeps the receiver's codes ≥ 0), so unlike a random rotation of the
/// atoms, which moves the cone of a square dictionary off its data rays, every move tests the claim
/// that no perturbation lowers the cost. The re-solve can only lower the cost below the move's own
/// codes; the claim is that it never goes below the unmoved cost.
public struct ExclusiveStarMoves: Codable, Sendable, Equatable {
  /// Moves tried.
  public var tried: Int
  /// Moves after which every point's LP was solved, verified and feasible: the ones that test the claim.
  public var feasible: Int
  /// Moves after which some point's LP answer failed verification: they decide nothing.
  public var unverified: Int
  /// Moves after which some point's verified LP was infeasible (the move left the cone; expected never).
  public var infeasible: Int
  /// The largest decrease of the LP-re-solved cost over the feasible moves (≤ 0: none lowered it);
  /// `nil` when none was feasible.
  public var largestDecrease: Double?

  /// Tries `count` random star moves of `problem` (exact codes, cost `cost`) among its `used` atoms: a
  /// receiver j chosen uniformly, each other used atom a donor with probability ½ (at least one), donor
  /// rates a_i uniform on [−1, 1], and a step τ log-uniform on `scale`, so θ_i = τ·sin φ_i·a_i stays
  /// inside (−(π − φ_i), φ_i) for τ < 1.
  static func search(_ problem: SparseCodingProblem, used: [Int], cost: Double, count: Int, scale: [Double],
                     _ rng: inout Xoshiro256StarStar) throws -> ExclusiveStarMoves {
    var result = ExclusiveStarMoves(tried: 0, feasible: 0, unverified: 0, infeasible: 0, largestDecrease: nil)
    guard used.count >= 2 else { return result }
    for _ in 0..<count {
      let j = used[rng.nextInt(below: used.count)]
      let others = used.filter { $0 != j }
      var donors = others.filter { _ in rng.nextBernoulli(0.5) }
      if donors.isEmpty { donors = [others[rng.nextInt(below: others.count)]] }
      let rates = donors.map { _ in rng.nextUniform(in: -1...1) }
      let tau = exp(rng.nextUniform(in: log(scale[0])...log(scale[1])))
      let moved = StarMove.apply(problem, receiver: j, donors: donors, rotations: rates, tau: tau)
      let after = try ExactL1Coding.total(samples: problem.samples, dictionary: moved.dictionary, bias: moved.bias)
      result.tried += 1
      if after.unverifiedPoints > 0 {
        result.unverified += 1
      } else if after.infeasiblePoints > 0 {
        result.infeasible += 1
      } else {
        result.feasible += 1
        result.largestDecrease = max(result.largestDecrease ?? -.infinity, cost - after.cost)
      }
    }
    return result
  }
}
