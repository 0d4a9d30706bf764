import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabSolvers

/// Prediction 17: the absorption path of Proposition 6.2, measured three ways.
public struct AbsorptionRecord: Codable, Sendable {
  /// One angle of the path: θ and the cost change ΔC(θ) by the closed form, by the explicit
  /// codes of the move (Lemma 4.1) and by re-solving every point's code by LP.
  public struct Point: Codable, Sendable {
    public var theta: Double
    public var closedForm: Double, explicitCodes: Double, lpResolve: Double
  }

  /// The dog–labrador angle φ and θmax = atan(r·sin φ/(1 + r·cos φ)), r the smallest z_dog/z_lab.
  public var phi: Double, thetaMax: Double
  /// The path at θmax·s/angles, s = 1…angles.
  public var path: [Point]
  /// Labrador points whose dog code is 0 at θmax (coded by the labrador atom alone).
  public var childAlonePoints: Int
  /// With a fixed ratio (z_lab = z_dog): θmax, cos(moved labrador atom, child ray), the cost there,
  /// Σ‖x_n‖, and LIN (ω = 1) at the endpoint.
  public var fixedRatioThetaMax: Double, fixedRatioRayCosine: Double
  public var fixedRatioCost: Double, sumOfNorms: Double
  public var fixedRatioLIN: LPRecord
}

/// Prediction 19: the mop-up pull on a dog atom and the single-atom tilt.
public struct MopUpRecord: Codable, Sendable {
  /// −grad of the atom d = e₁ (exact lasso codes): P_d Σ z r, in (e₁, e₂) coordinates.
  public var pull: [Double]
  /// The angle of the single trained atom, the root of the scalar stationarity equation, and the
  /// trained point's KKT residual.
  public var trainedAngle: Double, predictedAngle: Double, kkt: Double
  public var iterations: Int
}

/// Prediction 18: one random hierarchical dataset trained from its ground truth.
public struct RandomDatasetRecord: Codable, Sendable {
  public var childAngleDegrees: Double
  public var bias: Bool
  /// The trained end state.
  public var trained: StateRecord
  public var iterations: Int
  /// Ordered pairs (i, j) with ∅ ≠ A_i ⊆ A_j after training.
  public var supportInclusions: [[Int]]
}

extension HierarchyExperiment {
  /// Along the absorption path a code this small counts as zero (a labrador point coded by the labrador atom alone).
  static let zeroCode = Threshold.atMost(1e-12)

  /// ΔC(θ) of the absorption move in closed form (Prop 6.2): −Z_lab·2 sin(θ/2)[cos(θ/2) − cos(φ − θ/2)]/sin(φ − θ).
  static func absorptionClosedForm(mass: Double, phi: Double, theta: Double) -> Double {
    -mass * 2 * sin(theta / 2) * (cos(theta / 2) - cos(phi - theta / 2)) / sin(phi - theta)
  }

  /// θmax = atan(r sin φ/(1 + r cos φ)), the angle at which the parent's code first vanishes on a
  /// child point with code ratio r = z_dog/z_lab.
  static func absorptionLimit(ratio r: Double, phi: Double) -> Double { atan(r * sin(phi) / (1 + r * cos(phi))) }

  /// The labrador atom rotated by θ toward dog by the exact move of Lemma 4.1 (receiver dog, donor labrador).
  static func absorbed(_ problem: SparseCodingProblem, phi: Double, theta: Double) -> SparseCodingProblem {
    StarMove.apply(problem, receiver: 0, donors: [1], rotations: [theta / sin(phi)], tau: 1)
  }

  static func absorption(_ toy: HierarchyToy, _ rng: inout Xoshiro256StarStar) throws -> AbsorptionRecord {
    var world = toy.world
    world.sampleCount = toy.absorption.sampleCount
    world.childMagnitude = .independent
    let data = world.sample(using: &rng)
    let problem = SparseCodingProblem(samples: data.samples, dictionary: data.dictionary, bias: nil, codes: data.codes, lambda: 1)
    let phi = acos(dot(data.dictionary.row(0), data.dictionary.row(1)))
    let childPoints = (0..<data.codes.rows).filter { data.codes[$0, 1] > 0 }
    let thetaMax = absorptionLimit(ratio: childPoints.map { data.codes[$0, 0] / data.codes[$0, 1] }.min() ?? 1, phi: phi)
    let mass = data.codes.column(1).reduce(0, +), before = data.codes.storage.reduce(0, +)
    var path: [AbsorptionRecord.Point] = []
    var childAlone = 0
    for s in 1...toy.absorption.angles {
      let theta = thetaMax * Double(s) / Double(toy.absorption.angles)
      let moved = absorbed(problem, phi: phi, theta: theta)
      let lp = try ExactL1Coding.total(samples: problem.samples, dictionary: moved.dictionary, bias: nil)
      path.append(.init(theta: theta, closedForm: absorptionClosedForm(mass: mass, phi: phi, theta: theta),
                        explicitCodes: moved.codes.storage.reduce(0, +) - before,
                        lpResolve: lp.unverifiedPoints == 0 ? lp.cost - before : .nan))
      if s == toy.absorption.angles { childAlone = childPoints.filter { zeroCode.admits(abs(moved.codes[$0, 0])) }.count }
    }
    // Fixed ratio: every child point has r = 1, θmax = φ/2, and the labrador atom ends on the child ray.
    world.childMagnitude = .equalToParent
    let fixed = world.sample(using: &rng)
    let fixedProblem = SparseCodingProblem(samples: fixed.samples, dictionary: fixed.dictionary, bias: nil, codes: fixed.codes, lambda: 1)
    let fixedMax = absorptionLimit(ratio: 1, phi: phi)
    var end = absorbed(fixedProblem, phi: phi, theta: fixedMax)
    // At θmax the dog codes on child points are zero up to rounding; the endpoint's codes are exact.
    end.codes.storage = end.codes.storage.map { zeroCode.admits(abs($0)) ? 0 : $0 }
    let ray = normalized(zip(fixed.dictionary.row(0), fixed.dictionary.row(1)).map { $0 + $1 })
    let endCost = end.codes.storage.reduce(0, +)
    let norms = (0..<fixed.samples.rows).reduce(0.0) { $0 + dot(fixed.samples.row($1), fixed.samples.row($1)).squareRoot() }
    let lin = try ReconstructionPreservingProgram.solve(end, weight: 1)
    return AbsorptionRecord(phi: phi, thetaMax: thetaMax, path: path, childAlonePoints: childAlone,
                            fixedRatioThetaMax: fixedMax, fixedRatioRayCosine: dot(end.dictionary.row(1), ray),
                            fixedRatioCost: endCost, sumOfNorms: norms, fixedRatioLIN: StateAssessment.record(lin, scale: endCost))
  }

  /// The single-atom stationarity equation of Prop 6.6 for d = (cos θ, sin θ):
  /// Σ_n (x_nᵀd − λ)₊ (x_nᵀd⊥) = 0, and its root on (0, π/2) by bisection.
  static func tiltRoot(_ x: Matrix<Double>, lambda: Double) -> Double {
    func equation(_ t: Double) -> Double {
      (0..<x.rows).reduce(0) { sum, n in
        sum + max(x[n, 0] * cos(t) + x[n, 1] * sin(t) - lambda, 0) * (x[n, 1] * cos(t) - x[n, 0] * sin(t))
      }
    }
    return OneDExperiment.root(low: 0, high: Double.pi / 2, equation)
  }

  static func mopUp(_ toy: HierarchyToy, _ rng: inout Xoshiro256StarStar) -> MopUpRecord {
    let s = toy.mopUp
    let rows = (0..<(s.parentOnlyCount + s.withChildCount)).map { n -> [Double] in
      let a = rng.nextUniform(in: s.parentMagnitude[0]...s.parentMagnitude[1])
      return n < s.parentOnlyCount ? [a, 0] : [a, rng.nextUniform(in: s.childMagnitude[0]...s.childMagnitude[1])]
    }
    let x = Matrix(rows), d = Matrix<Double>([[1, 0]])
    let z = NonnegativeLasso(dictionary: d, lambda: s.lambda).codes(for: x, bias: nil)
    let r = SparseCodingProblem(samples: x, dictionary: d, bias: nil, codes: z, lambda: s.lambda).residual
    // −grad_d = (I − d dᵀ) Σ_n z_n r_n with d = e₁: the first component is removed.
    let pull = [0, (0..<x.rows).reduce(0.0) { $0 + z[$1, 0] * r[$1, 1] }]
    let fit = BlockMinimization.fit(samples: x, initialDictionary: d, initialBias: nil, lambda: s.lambda, configuration: toy.training)
    return MopUpRecord(pull: pull, trainedAngle: atan2(fit.problem.dictionary[0, 1], fit.problem.dictionary[0, 0]),
                       predictedAngle: tiltRoot(x, lambda: s.lambda), kkt: fit.kkt.maximum, iterations: fit.iterations)
  }

  /// Dataset `index` of prediction 18: α uniform on the toy's interval, independent child magnitudes,
  /// noise, a bias when `index` is even; trained from the ground truth with b⁽⁰⁾ = 0.
  static func randomDataset(_ toy: HierarchyToy, index: Int, _ rng: inout Xoshiro256StarStar) throws -> RandomDatasetRecord {
    let s = toy.randomDatasets
    var world = toy.world
    world.childAngleDegrees = rng.nextUniform(in: s.angleDegrees[0]...s.angleDegrees[1])
    world.childMagnitude = .independent
    var data = world.sample(using: &rng)
    if s.noise > 0 { data.samples.storage = data.samples.storage.map { $0 + s.noise * rng.nextNormal() } }
    let bias: [Double]? = index % 2 == 0 ? [Double](repeating: 0, count: data.dictionary.columns) : nil
    let fit = BlockMinimization.fit(samples: data.samples, initialDictionary: data.dictionary, initialBias: bias,
                                    lambda: toy.lambda, configuration: toy.training)
    return RandomDatasetRecord(childAngleDegrees: world.childAngleDegrees, bias: bias != nil, trained: try StateAssessment.assess(fit.problem),
                               iterations: fit.iterations, supportInclusions: supportInclusions(fit.problem.codes))
  }
}
