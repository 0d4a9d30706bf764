import LabNumerics
import LabTraining
import PropertyBased
import Testing

/// The hedging rate of Chanin et al. 2025 (``HedgingRate``) against its definition.
@Suite struct HedgingRateTests {
  /// Mean norm of the projections of `vectors` onto the span of `rows`, by Gram–Schmidt (reference).
  static func referenceProjection(_ vectors: [[Double]], onto rows: Matrix<Double>) -> Double {
    var basis: [[Double]] = []
    for i in 0..<rows.rows {
      var v = rows.row(i)
      for _ in 0..<2 { for u in basis { let d = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, u).map { $0 - d * $1 } } }
      let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if n > 1e-9 { basis.append(v.map { $0 / n }) }
    }
    let norms = vectors.map { x in basis.reduce(0.0) { acc, u in let c = zip(u, x).reduce(0) { $0 + $1.0 * $1.1 }; return acc + c * c }.squareRoot() }
    return norms.reduce(0, +) / Double(vectors.count)
  }

  static func unit(_ a: Matrix<Double>) -> Matrix<Double> {
    var out = a
    for i in 0..<a.rows { let r = a.row(i); let n = r.reduce(0) { $0 + $1 * $1 }.squareRoot(); out.setRow(i, to: r.map { $0 / n }) }
    return out
  }

  @Test("p is the mean projection of the unit-row differences onto the added rows' span (Gram–Schmidt reference); duplicated added rows change nothing")
  func projectionMatchesReference() async throws {
    await propertyCheck(count: 40, input: Gen.int(in: 3...12), Gen.int(in: 1...6), Gen.int(in: 1...4), Gen.uint64()) { m, w, added, seed in
      guard added < m else { return }
      let control = TestSupport.randomMatrix(rows: w, columns: m, seed: seed)
      let extended = TestSupport.randomMatrix(rows: w + added, columns: m, seed: seed &+ 1)
      let rate = try HedgingRate.measure(control: control, extended: extended, baselines: 4, seed: seed)
      let c = Self.unit(control), e = Self.unit(extended)
      let deltas = (0..<w).map { i in zip(e.row(i), c.row(i)).map { $0 - $1 } }
      let addedRows = Matrix(rows: added, columns: m, storage: Array(e.storage[(w * m)...]))
      #expect(abs(rate.deltaProjectionPortion - Self.referenceProjection(deltas, onto: addedRows)) <= 1e-10)
      // The added latent repeated: the span, and so p, is the same.
      let repeated = Matrix(rows: w + added + 1, columns: m, storage: extended.storage + Array(extended.storage[(w * m)..<(w * m + m)]))
      let again = try HedgingRate.measure(control: control, extended: repeated, baselines: 4, seed: seed)
      #expect(abs(again.deltaProjectionPortion - rate.deltaProjectionPortion) <= 1e-10)
      #expect(rate.rate >= 0 && rate.rate.isFinite)
    }
  }

  @Test("Decoder rows rescaled by positive factors (sae-lens fold_W_dec_norm) give the same rate; an unchanged control part gives rate 0 to rounding")
  func foldingAndIdentity() async throws {
    await propertyCheck(count: 30, input: Gen.int(in: 3...10), Gen.int(in: 1...5), Gen.uint64()) { m, w, seed in
      let control = TestSupport.randomMatrix(rows: w, columns: m, seed: seed)
      let extended = TestSupport.randomMatrix(rows: w + 1, columns: m, seed: seed &+ 1)
      let scaled = Matrix(rows: w + 1, columns: m, storage: (0..<(w + 1)).flatMap { i in extended.row(i).map { $0 * Double(i + 2) } })
      let a = try HedgingRate.measure(control: control, extended: extended, baselines: 4, seed: seed)
      let b = try HedgingRate.measure(control: control, extended: scaled, baselines: 4, seed: seed)
      #expect(abs(a.rate - b.rate) <= 1e-12 && abs(a.deltaProjectionPortion - b.deltaProjectionPortion) <= 1e-12)
      let same = Matrix(rows: w + 1, columns: m, storage: control.storage.map { 5 * $0 } + extended.row(w))
      let none = try HedgingRate.measure(control: control, extended: same, baselines: 4, seed: seed)
      #expect(none.deltaNorm <= 1e-12 && none.rate <= 1e-12)  // Δ is rounding of the unit rows, not 0
    }
  }

  @Test("A control latent hedged as unit(eᵢ + αn), extended by n with eᵢ clean: p = |α|/√(1+α²) exactly, and the rate is above 0")
  func hedgedConstruction() async throws {
    await propertyCheck(count: 30, input: Gen.int(in: 4...16), Gen.double(in: 0.2...2), Gen.uint64()) { m, alpha, seed in
      // e₀ = first axis, n = last axis: orthogonal unit vectors.
      var e0 = [Double](repeating: 0, count: m); e0[0] = 1
      var n = [Double](repeating: 0, count: m); n[m - 1] = 1
      let hedged = zip(e0, n).map { $0 + alpha * $1 }
      let control = Matrix(rows: 1, columns: m, storage: hedged)
      let extended = Matrix(rows: 2, columns: m, storage: e0 + n)
      let rate = try HedgingRate.measure(control: control, extended: extended, baselines: 20, seed: seed)
      #expect(abs(rate.deltaProjectionPortion - alpha / (1 + alpha * alpha).squareRoot()) <= 1e-12)
      #expect(rate.rate > 0)
    }
  }

  @Test("A narrower extended SAE or another input dimension is refused naming the parameter")
  func refusals() throws {
    let control = TestSupport.randomMatrix(rows: 3, columns: 4, seed: 1)
    #expect(throws: TrainingError.self) { try HedgingRate.measure(control: control, extended: control, seed: 1) }
    #expect(throws: TrainingError.self) { try HedgingRate.measure(control: control, extended: TestSupport.randomMatrix(rows: 5, columns: 3, seed: 2), seed: 1) }
  }
}
