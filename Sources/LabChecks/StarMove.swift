import Foundation
import LabNumerics
import LabSolvers

/// The exact star move of THEORY Lemma 4.1, turning a failed pair or star condition into a real move.
///
/// For receiver j, donors S with angles φ_i = arccos c_ij ∈ (0, π), rotations θ_i and a bias shift β:
///
///     d_i' = cos θ_i d_i + sin θ_i t_ij,  t_ij = (d_j − c_ij d_i)/s_ij,   b' = b + β d_j,
///     z'_in = z_in sin φ_i / sin(φ_i − θ_i),   z'_jn = z_jn − β − Σ_i g_i z_in,  g_i = sin θ_i / sin(φ_i − θ_i),
///
/// keeps b + Σ_k z_nk d_k exactly for every n, so at λ > 0 only the penalty changes: ΔL_λ = λ·ΔΣz.
/// With θ_i = τ s_ij a_i from the STAR LP and β = β_max(θ) = min_n (z_jn − Σ_i g_i z_in) (0 without a
/// bias), ΔΣz/τ → −(STAR LP value) as τ → 0 (Theorem 4.4).
///
/// Signed codes (Theorem 4.7): the receiver's codes may change sign, so β = τ·β₁ with β₁ the LP's
/// bias shift (`biasRate`), and the cost is ‖Z‖₁; every step is feasible.
public enum StarMove {
  /// One measured step.
  public struct Step: Codable, Sendable, Equatable {
    /// τ.
    public var tau: Double
    /// ΔΣz(τ), exact.
    public var costChange: Double
    /// ΔΣz/τ.
    public var slope: Double
    /// max_n ‖(b' + D'z'_n) − (b + Dz_n)‖: zero up to rounding.
    public var reconstructionError: Double
    /// Whether every new code is ≥ 0 (the move is feasible).
    public var feasible: Bool
  }

  /// The move's measured steps for a STAR LP answer (rotations a, in the order of `donors`).
  public struct Verification: Codable, Sendable, Equatable {
    /// The receiver j.
    public var receiver: Int
    /// The donors S.
    public var donors: [Int]
    /// The STAR LP value (the predicted slope of Σz is minus this).
    public var lpValue: Double
    /// The steps, largest τ first.
    public var steps: [Step]
    /// Whether some feasible step lowered Σz with ΔΣz/τ within 10 % of −value.
    public var confirmed: Bool
  }

  /// The step lengths τ.
  public static let standardSteps: [Double] = [1e-2, 1e-3, 1e-4]

  /// Applies the move for receiver j and donors with STAR LP rotations `a`, for each τ.
  /// With signed codes the default steps are ``SelfVerification/standardSteps`` (down to 10⁻⁸):
  /// ‖Z‖₁ has a kink wherever a moved code crosses zero, at τ ≈ |z|/rate, which can be arbitrarily
  /// small, and the measured slope reaches the LP value only below every such τ.
  public static func verify(_ problem: SparseCodingProblem, receiver j: Int, donors: [Int], rotations a: [Double],
                            biasRate: Double = 0, lpValue: Double, steps: [Double]? = nil) -> Verification {
    let steps = steps ?? (problem.isSigned ? SelfVerification.standardSteps : standardSteps)
    let before = cost(problem)
    let reconstruction = reconstructed(problem)
    var measured: [Step] = []
    for tau in steps {
      let moved = apply(problem, receiver: j, donors: donors, rotations: a, biasRate: biasRate, tau: tau)
      let after = cost(moved)
      let error = zip(reconstructed(moved).storage, reconstruction.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
      measured.append(Step(tau: tau, costChange: after - before, slope: (after - before) / tau, reconstructionError: error,
                           feasible: problem.isSigned || moved.codes.storage.allSatisfy { $0 >= 0 }))
    }
    let confirmed = measured.contains { $0.feasible && $0.costChange < 0 && abs($0.slope + lpValue) <= 0.1 * abs(lpValue) }
    return Verification(receiver: j, donors: donors, lpValue: lpValue, steps: measured, confirmed: confirmed)
  }

  /// The moved candidate (D', b', Z') for step τ (`biasRate` β₁ is used by signed codes only).
  public static func apply(_ problem: SparseCodingProblem, receiver j: Int, donors: [Int], rotations a: [Double],
                           biasRate: Double = 0, tau: Double) -> SparseCodingProblem {
    var result = problem
    let d = problem.dictionary, z = problem.codes
    let dj = d.row(j)
    var gains: [Double] = []
    for (position, i) in donors.enumerated() {
      let di = d.row(i)
      let c = zip(di, dj).reduce(0) { $0 + $1.0 * $1.1 }
      let phi = acos(max(-1, min(1, c))), s = sin(phi)
      let theta = tau * s * a[position]
      let tangent = zip(dj, di).map { ($0 - c * $1) / s }
      result.dictionary.setRow(i, to: zip(di, tangent).map { cos(theta) * $0 + sin(theta) * $1 })
      let scale = s / sin(phi - theta)
      gains.append(sin(theta) / sin(phi - theta))
      for n in 0..<z.rows { result.codes[n, i] = z[n, i] * scale }
    }
    var receiverCodes = (0..<z.rows).map { n in z[n, j] - zip(donors, gains).reduce(0) { $0 + $1.1 * z[n, $1.0] } }
    if let bias = problem.bias {
      let beta = problem.isSigned ? tau * biasRate : receiverCodes.min() ?? 0
      receiverCodes = receiverCodes.map { $0 - beta }
      result.bias = zip(bias, dj).map { $0 + beta * $1 }
    }
    for n in 0..<z.rows { result.codes[n, j] = receiverCodes[n] }
    return result
  }

  /// Σz, or ‖Z‖₁ for signed codes.
  public static func cost(_ problem: SparseCodingProblem) -> Double {
    problem.isSigned ? problem.codeMass : problem.codes.storage.reduce(0, +)
  }

  private static func reconstructed(_ problem: SparseCodingProblem) -> Matrix<Double> {
    var fit = problem.codes * problem.dictionary
    if let bias = problem.bias {
      for n in 0..<fit.rows { for i in 0..<fit.columns { fit[n, i] += bias[i] } }
    }
    return fit
  }
}
