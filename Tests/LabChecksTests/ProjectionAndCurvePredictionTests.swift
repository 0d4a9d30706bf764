import Foundation
import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §10 predictions 6 (the residual is a projection, Prop 2.1) and 31 (the corrected curve
/// of Prop 3.8 realises a LIN direction).
@Suite("Predictions 6 and 31 (projection, realised LIN curve)")
struct ProjectionAndCurvePredictionTests {
  /// The Euclidean projection of y onto {ν : Dν ≤ λ𝟙} (rows of D are the atoms) by enumerating
  /// active sets: for each S with linearly independent atoms, ν = y − D_Sᵀμ with D_S D_Sᵀ μ = D_S y − λ𝟙;
  /// the projection is the one with μ ≥ 0 that satisfies every constraint (KKT of the QP).
  static func projection(_ y: [Double], onto d: Matrix<Double>, lambda: Double) -> [Double]? {
    let k = d.rows, m = d.columns
    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    for mask in 0..<(1 << k) {
      let s = (0..<k).filter { mask & (1 << $0) != 0 }
      guard s.count <= m else { continue }
      var nu = y
      if !s.isEmpty {
        let ds = Matrix(s.map { d.row($0) })
        let gram = ds.multiplied(by: ds, transposingOther: true)
        let rhs = Matrix(rows: s.count, columns: 1, storage: s.map { dot(d.row($0), y) - lambda })
        guard let mu = try? gram.solvingPositiveDefinite(rhs), mu.storage.allSatisfy({ $0 >= -1e-12 }) else { continue }
        for (position, atom) in s.enumerated() { for i in 0..<m { nu[i] -= mu[position, 0] * d[atom, i] } }
      }
      if (0..<k).allSatisfy({ dot(d.row($0), nu) <= lambda + 1e-10 }) { return nu }
    }
    return nil
  }

  @Test("Prediction 6: the residual of exact codes equals an independent QP projection of x − b onto λ{ν : Dν ≤ 1} (1e-6)")
  func residualIsProjection() async {
    await propertyCheck(count: 40, input: Gen.int(in: 2...5), Gen.int(in: 1...7), Gen.double(in: 0.02...1.5), Gen.int(in: 0...Int(Int32.max))) { m, k, lambda, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let n = 20
      let d = BlockMinimization.normalizedRows(FirstOrderPredictionTests.gaussian(k, m, &rng))
      let x = FirstOrderPredictionTests.gaussian(n, m, &rng)
      let bias: [Double]? = seed % 2 == 0 ? (0..<m).map { _ in 0.3 * rng.nextNormal() } : nil
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: bias)
      let r = SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: lambda).residual
      let centred = SparseCodingProblem.subtractingBias(bias, from: x)
      for point in 0..<n {
        guard let p = Self.projection(centred.row(point), onto: d, lambda: lambda) else {
          Issue.record("no active set satisfies the projection's KKT conditions (point \(point))")
          continue
        }
        let error = zip(p, r.row(point)).reduce(0) { max($0, abs($1.0 - $1.1)) }
        #expect(error <= 1e-6, "point \(point): ‖P(x − b) − r‖∞ = \(error)")
      }
    }
  }

  @Test("Prediction 31: for square D and dense codes the corrected curve of Prop 3.8 is exactly feasible, keeps the codes positive, and its slope is the LIN value (rel. 1e-3)")
  func realisedLINCurve() async {
    await propertyCheck(count: 30, input: Gen.int(in: 2...4), Gen.int(in: 4...20), Gen.int(in: 0...Int(Int32.max))) { m, n, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      // A random candidate with K = m and every code active (p = 1).
      let problem = RandomCandidates.make(instance: seed, dimension: m, atoms: m, points: n, firing: 1, &rng)
      guard let lin = try? ReconstructionPreservingProgram.solve(problem, weight: 1) else {
        Issue.record("LIN could not be built")
        return
      }
      #expect(lin.isTrusted)
      let cost = problem.codes.storage.reduce(0, +)
      guard lin.isTrusted, lin.value < -1e-7 * cost, let direction = lin.direction else { return }
      for t in [1e-3, 1e-4, 1e-5] {
        guard let point = try? RealisedLINCurve.point(problem, along: direction, at: t) else {
          Issue.record("the corrected curve could not be built at t = \(t)")
          continue
        }
        #expect(point.reconstructionError <= 1e-12 * max(1, cost), "t = \(t): reconstruction error \(point.reconstructionError)")
        #expect(point.smallestCode > 0, "t = \(t): a code left the positive orthant (\(point.smallestCode))")
        let norms = (0..<m).map { point.problem.dictionary.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot() }
        #expect(norms.allSatisfy { abs($0 - 1) <= 1e-14 }, "atoms stay on the sphere: \(norms)")
        if t == 1e-5 {
          let slope = point.costChange / t
          #expect(abs(slope - lin.value) <= 1e-3 * abs(lin.value), "ΔΣZ/t = \(slope) vs LIN \(lin.value)")
        }
      }
    }
  }
}
