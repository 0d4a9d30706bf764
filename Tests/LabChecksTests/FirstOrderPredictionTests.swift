import Foundation
@testable import LabChecks
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §10 predictions 1–4 and 7: gradients, Danskin, KKT at a trained point, the exact value
/// function's derivative and the λ → 0 bridge.
@Suite("Predictions 1–4 and 7 (first-order theory)")
struct FirstOrderPredictionTests {
  static func gaussian(_ rows: Int, _ columns: Int, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.nextNormal() })
  }

  static func inner(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double { zip(a.storage, b.storage).reduce(0) { $0 + $1.0 * $1.1 } }

  /// L_λ = ½‖X − ZD − 𝟙bᵀ‖² + λΣz evaluated in Float80 (64-bit significand) from Double inputs
  /// moved by `t` along (W, V, e): the reference of prediction 1. In Double the rounding of L
  /// (≈ 2⁻⁵³·L/h ≈ 10⁻⁸ at h = 10⁻⁶) exceeds 10⁻⁷·|⟨g, v⟩| whenever a random direction is nearly
  /// orthogonal to g; in Float80 it is 2¹¹ times smaller, so THEORY's relative error can be tested as stated.
  static func extendedLoss(_ p: SparseCodingProblem, t: Float80, codes w: Matrix<Double>? = nil, atoms v: Matrix<Double>? = nil,
                           bias e: [Double]? = nil, atomRow: (Int, [Float80])? = nil) -> Float80 {
    let (n, m, k) = (p.samples.rows, p.samples.columns, p.dictionary.rows)
    func z(_ row: Int, _ atom: Int) -> Float80 { Float80(p.codes[row, atom]) + t * Float80(w?[row, atom] ?? 0) }
    func d(_ atom: Int, _ i: Int) -> Float80 {
      if let (changed, values) = atomRow, changed == atom { return values[i] }
      return Float80(p.dictionary[atom, i]) + t * Float80(v?[atom, i] ?? 0)
    }
    var squares: Float80 = 0, penalty: Float80 = 0
    for row in 0..<n {
      for i in 0..<m {
        var r = Float80(p.samples[row, i]) - (Float80(p.bias?[i] ?? 0) + t * Float80(e?[i] ?? 0))
        for atom in 0..<k { r -= z(row, atom) * d(atom, i) }
        squares += r * r
      }
      for atom in 0..<k { penalty += z(row, atom) }
    }
    return squares / 2 + Float80(p.lambda) * penalty
  }

  @Test("Prediction 1: the gradients in Z, D, b and the Riemannian atom gradient match central differences (h = 1e-6) of L_λ to 1e-7 of |⟨g, v⟩|")
  func gradients() async {
    await propertyCheck(count: 20, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let (n, m, k, lambda) = (40, 5, 7, 0.37)
      let x = Self.gaussian(n, m, &rng)
      let d = BlockMinimization.normalizedRows(Self.gaussian(k, m, &rng))
      var z = Matrix<Double>(rows: n, columns: k)
      for index in z.storage.indices where rng.nextBernoulli(0.5) { z.storage[index] = abs(rng.nextNormal()) }
      let b = (0..<m).map { _ in 0.3 * rng.nextNormal() }
      let problem = SparseCodingProblem(samples: x, dictionary: d, bias: b, codes: z, lambda: lambda)
      let g = KKTLinearProgram.gradients(problem)
      let h: Float80 = 1e-6
      // THEORY's relative error: |FD − ⟨g, v⟩| / |⟨g, v⟩|, the FD of L_λ computed in Float80 (see extendedLoss).
      func relative(_ lossAt: (Float80) -> Float80, _ formula: Double) -> Double {
        abs(Double((lossAt(h) - lossAt(-h)) / (2 * h)) - formula) / abs(formula)
      }
      // Codes: G_Z = λ − R·Dᵀ.
      let w = Self.gaussian(n, k, &rng)
      let errorZ = relative({ Self.extendedLoss(problem, t: $0, codes: w) }, Self.inner(g.codes, w))
      #expect(errorZ < 1e-7, "codes: relative error \(errorZ)")
      // Dictionary (Euclidean): G_D = −Zᵀ R.
      let v = Self.gaussian(k, m, &rng)
      let errorD = relative({ Self.extendedLoss(problem, t: $0, atoms: v) }, Self.inner(g.atoms, v))
      #expect(errorD < 1e-7, "atoms: relative error \(errorD)")
      // Bias: g_b = −Σ r_n.
      let e = (0..<m).map { _ in rng.nextNormal() }
      let errorB = relative({ Self.extendedLoss(problem, t: $0, bias: e) }, zip(g.bias, e).reduce(0) { $0 + $1.0 * $1.1 })
      #expect(errorB < 1e-7, "bias: relative error \(errorB)")
      // Riemannian: along the geodesic of atom 0 with unit tangent u, the derivative is ⟨G_D row 0, u⟩ (P_0 u = u).
      let d0 = d.row(0)
      var u = (0..<m).map { _ in rng.nextNormal() }
      let along = zip(u, d0).reduce(0) { $0 + $1.0 * $1.1 }
      u = zip(u, d0).map { $0 - along * $1 }
      let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
      u = u.map { $0 / norm }
      func geodesic(_ t: Float80) -> Float80 {
        Self.extendedLoss(problem, t: 0, atomRow: (0, zip(d0, u).map { cos(t) * Float80($0) + sin(t) * Float80($1) }))
      }
      let errorG = relative(geodesic, zip(g.atoms.row(0), u).reduce(0) { $0 + $1.0 * $1.1 })
      #expect(errorG < 1e-7, "geodesic: relative error \(errorG)")
    }
  }

  @Test("Prediction 2: with codes re-optimised exactly, the derivative of F_λ(D, b) is −⟨RZᵀ, V⟩ − ⟨R𝟙, e⟩ (Danskin) to 1e-6")
  func danskin() async {
    await propertyCheck(count: 15, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let (n, m, k, lambda) = (30, 4, 6, 0.2)
      var x = Self.gaussian(n, m, &rng)
      x.storage = x.storage.map { abs($0) + 0.2 * rng.nextNormal() }
      let d = BlockMinimization.normalizedRows(Self.gaussian(k, m, &rng))
      let b = (0..<m).map { _ in 0.1 * rng.nextNormal() }
      func value(_ d: Matrix<Double>, _ b: [Double]) -> Double {
        let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: b)
        return SparseCodingProblem(samples: x, dictionary: d, bias: b, codes: z, lambda: lambda).loss
      }
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: b)
      let g = KKTLinearProgram.gradients(SparseCodingProblem(samples: x, dictionary: d, bias: b, codes: z, lambda: lambda))
      let v = Self.gaussian(k, m, &rng), e = (0..<m).map { _ in rng.nextNormal() }
      let h = 1e-6
      let fd = (value(d + h * v, zip(b, e).map { $0 + h * $1 }) - value(d - h * v, zip(b, e).map { $0 - h * $1 })) / (2 * h)
      let formula = Self.inner(g.atoms, v) + zip(g.bias, e).reduce(0) { $0 + $1.0 * $1.1 }
      #expect(abs(fd - formula) <= 1e-6 * max(abs(formula), 1), "FD \(fd) vs Danskin \(formula)")
    }
  }

  @Test("Prediction 3: training with a bias reaches (K1)–(K3) < 1e-6 and the mop-up identity to 1e-5")
  func kktAtTrainedPoint() {
    var rng = Xoshiro256StarStar(seed: 3)
    let (n, m, k, lambda) = (300, 5, 6, 0.1)
    let g0 = BlockMinimization.normalizedRows(Self.gaussian(k, m, &rng))
    var z = Matrix<Double>(rows: n, columns: k)
    for index in z.storage.indices where rng.nextBernoulli(0.25) { z.storage[index] = abs(rng.nextNormal()) }
    var x = z * g0
    x.storage = x.storage.map { $0 + 0.3 + 0.02 * rng.nextNormal() }
    let start = g0 + 0.3 * Self.gaussian(k, m, &rng)
    let fit = BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: [Double](repeating: 0, count: m), lambda: lambda)
    #expect(fit.kkt.maximum < 1e-6, "KKT \(fit.kkt)")
    #expect(ResidualRelations(fit.problem).mopUp.compactMap { $0 }.allSatisfy { $0 < 1e-5 })
  }

  @Test("Prediction 4: for a square invertible D and interior points, the LP duals are D^{-T}𝟙 and dF₀ = −Σ ν_nᵀ(δb + Δz_n)")
  func exactValueDerivative() async throws {
    await propertyCheck(count: 15, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let m = 3
      let d = BlockMinimization.normalizedRows(Matrix<Double>.identity(m) + 0.3 * Self.gaussian(m, m, &rng))
      var z = Matrix<Double>(rows: 8, columns: m)
      z.storage = z.storage.map { _ in rng.nextUniform(in: 0.5...1.5) }
      let b = (0..<m).map { _ in 0.2 * rng.nextNormal() }
      let x = SparseCodingProblem.subtractingBias(b.map { -$0 }, from: z * d)
      // D^{-T}𝟙 in the lab's layout (rows are atoms): ν with d_kᵀν = 1 for every k, i.e. D·ν = 𝟙.
      let expected = (try? d.leastSquares(Matrix(rows: m, columns: 1, repeating: 1)).storage) ?? []
      var duals: [[Double]] = []
      for n in 0..<x.rows {
        let point = try? ExactL1Coding.code(zip(x.row(n), b).map { $0 - $1 }, dictionary: d)
        #expect(point?.verified == true)
        let nu = point?.duals ?? []
        #expect(nu.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-8), "ν \(nu) vs D^{-T}𝟙 \(expected)")
        duals.append(nu)
      }
      func cost(_ t: Double, _ delta: Matrix<Double>, _ e: [Double]) -> Double {
        (try? ExactL1Coding.total(samples: x, dictionary: d + t * delta, bias: zip(b, e).map { $0 + t * $1 }).cost) ?? .nan
      }
      let delta = Self.gaussian(m, m, &rng), e = (0..<m).map { _ in rng.nextNormal() }
      let h = 1e-6
      let fd = (cost(h, delta, e) - cost(-h, delta, e)) / (2 * h)
      let moved = z * delta  // row n: Σ_k z_nk Δ_k
      let formula = -(0..<x.rows).reduce(0.0) { total, n in
        total + zip(duals[n], zip(e, moved.row(n)).map { $0 + $1 }).reduce(0) { $0 + $1.0 * $1.1 }
      }
      #expect(abs(fd - formula) <= 1e-5 * max(abs(formula), 1), "FD \(fd) vs \(formula)")
    }
  }

  /// The step lengths the generic Prediction 4 test tries, largest first. See that test for why it may shrink.
  static let genericStepLengths = [1e-6, 1e-7, 1e-8]

  @Test("Prediction 4 (generic overcomplete case): for K = 7 random atoms in m = 3 and points in their cone, dF₀ along (Δ, δb) equals −Σ ν_nᵀ(δb + Σ_k z_nk Δ_k) with the LP's optimal codes and duals (rel. 1e-5), by extrapolated central differences over steps with no change of optimal support")
  func exactValueDerivativeGeneric() async throws {
    await propertyCheck(count: 15, input: Gen.int(in: 0...Int(Int32.max))) { seed in _ = Self.genericDerivativeCheck(seed: seed) }
  }

  @Test("Prediction 4 (generic), seeds 1136522296 and 1987109402: a dictionary within 1e-6 of degenerate, and one with a nearly singular basis, are differenced at a smaller step, and match")
  func exactValueDerivativeNearDegenerate() {
    for seed in [1136522296, 1987109402] {
      let step = Self.genericDerivativeCheck(seed: seed)
      #expect(step != nil && step! < Self.genericStepLengths[0], "seed \(seed): step \(String(describing: step))")
    }
  }

  /// One draw of the generic Prediction 4 check; records its expectations and returns the step it differenced over.
  static func genericDerivativeCheck(seed: Int) -> Double? {
    var rng = Xoshiro256StarStar(seed: UInt64(seed))
    let (m, k, n) = (3, 7, 20)
    let d = BlockMinimization.normalizedRows(Self.gaussian(k, m, &rng))
    // Points in the cone: positive combinations of three distinct random atoms, so that no point lies on a
    // two-atom face (where the LP is degenerate and F₀ has one-sided derivatives); the LP picks its own basis.
    var generating = Matrix<Double>(rows: n, columns: k)
    for point in 0..<n {
      var atoms: Set<Int> = []
      while atoms.count < 3 { atoms.insert(rng.nextInt(below: k)) }
      for atom in atoms.sorted() { generating[point, atom] = rng.nextUniform(in: 0.5...1.5) }
    }
    let b = (0..<m).map { _ in 0.2 * rng.nextNormal() }
    let x = SparseCodingProblem.subtractingBias(b.map { -$0 }, from: generating * d)
    let delta = Self.gaussian(k, m, &rng), e = (0..<m).map { _ in rng.nextNormal() }
    // Every point's exact code at (D + tΔ, b + te).
    func coded(_ t: Double) -> [ExactL1Coding.PointCode?] {
      let moved = d + t * delta, bias = zip(b, e).map { $0 + t * $1 }
      return (0..<n).map { point in try? ExactL1Coding.code(zip(x.row(point), bias).map { $0 - $1 }, dictionary: moved) }
    }
    func support(_ point: ExactL1Coding.PointCode?) -> [Int]? { point?.code?.indices.filter { point!.code![$0] > 0 } }
    let atZero = coded(0)
    for (point, answer) in atZero.enumerated() {
      #expect(answer?.verified == true && answer?.code != nil, "point \(point): LP not verified")
    }
    let codes = atZero.map { $0?.code ?? [Double](repeating: .nan, count: k) }
    let duals = atZero.map { $0?.duals ?? [Double](repeating: .nan, count: m) }
    let moved = Matrix(codes) * delta  // row n: Σ_k z_nk Δ_k with the optimal codes
    let formula = -(0..<n).reduce(0.0) { total, point in
      total + zip(duals[point], zip(e, moved.row(point)).map { $0 + $1 }).reduce(0) { $0 + $1.0 * $1.1 }
    }
    // Protocol, changed twice after failures, the formula and its 1e-5 tolerance never:
    // 1. Seed 1136522296 failed at h = 1e-6 alone: its dictionary lies within 1e-6 of a degenerate one
    //    (a fourth atom ~1e-6 from a shared optimal facet), so an optimal support changes between
    //    t = −h and t = h and the central difference straddled a kink (32.04 against 29.94), although F₀
    //    is differentiable at 0 and matches at h = 1e-8. A step is therefore used only where no
    //    point's optimal support changes at ±h or ±h/2: the region where the formula is the derivative.
    // 2. Seed 1987109402 then failed in CI at h = 1e-6 with no support change: a nearly singular
    //    optimal basis makes F₀ smooth but steeply curved (F₀′ ≈ 5,340, F₀″ ≈ 6e7), and the central
    //    difference's O(h²) error was 3e-5 relative at 1e-6, 3e-7 at 1e-7 and 2e-9 at 1e-8. The
    //    derivative is therefore the Richardson extrapolate (4·C(h/2) − C(h))/3 of the central
    //    differences C, at the largest h in `genericStepLengths` whose estimated error |C(h/2) − C(h)|
    //    is within the tolerance. A draw with no such step fails. (That estimate alone also turns
    //    seed 1136522296 away from h = 1e-6; the support condition stays as the theory's own.)
    let tolerance = 1e-5  // relative: the formula's, and the bound on the difference's own error estimate
    let totalCost = { (answers: [ExactL1Coding.PointCode?]) in answers.reduce(0.0) { $0 + ($1?.cost ?? .nan) } }
    let supports = atZero.map(support)
    func central(_ h: Double) -> Double? {
      let (forward, backward) = (coded(h), coded(-h))
      guard forward.map(support) == supports, backward.map(support) == supports else { return nil }
      return (totalCost(forward) - totalCost(backward)) / (2 * h)
    }
    let estimates = Self.genericStepLengths.lazy.compactMap { h -> (h: Double, derivative: Double, error: Double)? in
      guard let whole = central(h), let half = central(h / 2) else { return nil }
      return (h, (4 * half - whole) / 3, abs(half - whole))
    }
    guard let (h, derivative, error) = estimates.first(where: { $0.error <= tolerance * abs($0.derivative) }) else {
      Issue.record("no step down to \(Self.genericStepLengths.last!) has both no optimal-support change and a converged difference")
      return nil
    }
    #expect(abs(derivative - formula) <= tolerance * abs(formula), "h = \(h): extrapolated FD \(derivative) (error estimate \(error)) vs −Σν(δb + Δz) \(formula)")
    return h
  }

  @Test("Prediction 7: for an interior point of a square invertible D, r/λ = D^{-T}𝟙 at λ = 1e-3, or smaller where the codes would leave the interior (to 1e-8)")
  func bridge() async {
    await propertyCheck(count: 30, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let m = 4
      let d = BlockMinimization.normalizedRows(Matrix<Double>.identity(m) + 0.3 * Self.gaussian(m, m, &rng))
      let code = (0..<m).map { _ in rng.nextUniform(in: 0.5...1.5) }
      let x = Matrix(rows: 1, columns: m, storage: code) * d
      // "Small enough": with every atom active the codes are z − λ(DDᵀ)⁻¹𝟙, which must stay positive.
      let shift = (try? d.rowGram().solvingPositiveDefinite(Matrix(rows: m, columns: 1, repeating: 1)).storage) ?? []
      let lambda = min(1e-3, 0.5 * code.min()! / max(shift.map(abs).max() ?? 1, 1e-12))
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: nil)
      let r = SparseCodingProblem(samples: x, dictionary: d, bias: nil, codes: z, lambda: lambda).residual.row(0)
      let expected = (try? d.leastSquares(Matrix(rows: m, columns: 1, repeating: 1)).storage) ?? []
      #expect(r.map { $0 / lambda }.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-8))
    }
  }
}
