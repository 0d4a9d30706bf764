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

  @Test("Prediction 1: the gradients in Z, D, b and the Riemannian atom gradient match central differences (h = 1e-6) to 1e-7 of ‖g‖·‖v‖")
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
      let h = 1e-6
      func loss(_ change: (inout SparseCodingProblem) -> Void) -> Double { var p = problem; change(&p); return p.loss }
      // The error of a directional derivative relative to the gradient's size, ‖g‖·‖v‖: a direction nearly
      // orthogonal to g has a tiny ⟨g, v⟩ that the rounding of L (≈ ε·L/h) would swamp, and says nothing about g.
      func norm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
      func relative(_ fd: Double, _ formula: Double, _ gradient: [Double], _ direction: [Double]) -> Double {
        abs(fd - formula) / (norm(gradient) * norm(direction))
      }
      // Codes: G_Z = λ − R·Dᵀ.
      let w = Self.gaussian(n, k, &rng)
      let fdZ = (loss { $0.codes = $0.codes + h * w } - loss { $0.codes = $0.codes - h * w }) / (2 * h)
      #expect(relative(fdZ, Self.inner(g.codes, w), g.codes.storage, w.storage) < 1e-7)
      // Dictionary (Euclidean): G_D = −Zᵀ R.
      let v = Self.gaussian(k, m, &rng)
      let fdD = (loss { $0.dictionary = $0.dictionary + h * v } - loss { $0.dictionary = $0.dictionary - h * v }) / (2 * h)
      #expect(relative(fdD, Self.inner(g.atoms, v), g.atoms.storage, v.storage) < 1e-7)
      // Bias: g_b = −Σ r_n.
      let e = (0..<m).map { _ in rng.nextNormal() }
      let fdB = (loss { $0.bias = zip(b, e).map { $0 + h * $1 } } - loss { $0.bias = zip(b, e).map { $0 - h * $1 } }) / (2 * h)
      #expect(relative(fdB, zip(g.bias, e).reduce(0) { $0 + $1.0 * $1.1 }, g.bias, e) < 1e-7)
      // Riemannian: along the geodesic of atom 0 with tangent u, the derivative is ⟨−P_0 Σ z r, u⟩ = ⟨G_D row 0, u⟩.
      let d0 = d.row(0)
      var u = (0..<m).map { _ in rng.nextNormal() }
      let along = zip(u, d0).reduce(0) { $0 + $1.0 * $1.1 }
      u = zip(u, d0).map { $0 - along * $1 }
      let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
      func geodesic(_ t: Double) -> Double {
        loss { $0.dictionary.setRow(0, to: zip(d0, u).map { cos(t * norm) * $0 + sin(t * norm) * $1 / norm }) }
      }
      let tangentGradient = zip(g.atoms.row(0), d0).map { $0 - zip(g.atoms.row(0), d0).reduce(0) { $0 + $1.0 * $1.1 } * $1 }
      #expect(relative((geodesic(h) - geodesic(-h)) / (2 * h), zip(g.atoms.row(0), u).reduce(0) { $0 + $1.0 * $1.1 }, tangentGradient, u) < 1e-7)
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
