import Foundation
import LabNumerics
import LabTraining
import PropertyBased
import Testing

/// The patching metrics: the identities of the identity and the zero patch, KL ≥ 0, the Gaussian
/// KL against numerical integration, and the whole pipeline on a model small enough to do by hand.
@Suite struct PatchingMetricsTests {
  @Test("the identity patch scores 1 with KL 0; the zero patch scores 0; any patch has KL ≥ 0") func identities() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...7), Gen.int(in: 1...4), Gen.int(in: 1...6), Gen.uint64()) { n, m, rows, seed in
      let model = SuperpositionToyModelTests.randomModel(n: n, m: m, seed: seed)
      let (x, importance) = SuperpositionToyModelTests.randomBatch(rows: rows, n: n, seed: seed &+ 1)
      let h = model.hidden(x)
      let identity = PatchingMetrics.evaluate(model, inputs: x, patchedHidden: h, importance: importance)
      #expect(identity.meanKL == 0 && identity.patchedLoss == identity.cleanLoss)
      if identity.zeroLoss != identity.cleanLoss { #expect(identity.reconstructionScore == 1) }
      let zero = PatchingMetrics.evaluate(model, inputs: x, patchedHidden: Matrix(rows: rows, columns: m), importance: importance)
      #expect(zero.patchedLoss == zero.zeroLoss)
      if zero.zeroLoss != zero.cleanLoss { #expect(zero.reconstructionScore == 0) }
      let noisy = SuperpositionToyModelTests.randomModel(n: rows, m: m, seed: seed &+ 2).values
      let other = Matrix(rows: rows, columns: m, storage: (0..<(rows * m)).map { h.storage[$0] + noisy[$0 % noisy.count] })
      let patched = PatchingMetrics.evaluate(model, inputs: x, patchedHidden: other, importance: importance)
      #expect(patched.meanKL >= 0 && patched.cleanLoss == identity.cleanLoss && patched.zeroLoss == identity.zeroLoss)
    }
  }

  /// ∫ p log(p/q) by the trapezoidal rule on μ ± 14σ with 40 000 panels: the integrand is smooth
  /// and decays like a Gaussian, so the quadrature error is far below the 1e−6 tolerance.
  @Test("the Gaussian KL equals numerical integration of ∫ p log(p/q)") func gaussianKLAgainstQuadrature() async {
    await propertyCheck(count: 30, input: Gen.double(in: -3...3), Gen.double(in: -3...3), Gen.double(in: 0.05...4)) { mu, nu, variance in
      let sigma = variance.squareRoot()
      func logDensity(_ y: Double, _ mean: Double) -> Double { -(y - mean) * (y - mean) / (2 * variance) - 0.5 * log(2 * Double.pi * variance) }
      let panels = 40_000, low = mu - 14 * sigma, high = mu + 14 * sigma, step = (high - low) / Double(panels)
      var integral = 0.0
      for k in 0...panels {
        let y = low + Double(k) * step
        let value = exp(logDensity(y, mu)) * (logDensity(y, mu) - logDensity(y, nu))
        integral += (k == 0 || k == panels ? 0.5 : 1) * value * step
      }
      let closed = PatchingMetrics.gaussianKL([mu], [nu], variances: [variance])
      #expect(abs(closed - integral) <= 1e-6 * (1 + closed), "μ=\(mu) ν=\(nu) σ²=\(variance): closed \(closed), quadrature \(integral)")
    }
  }

  /// n = 2 features, m = 1 hidden dimension, W = [1, 2], b = [0.5, −1], importances (1, ½), one
  /// input x = (1, 0): h = 1, clean x̂ = (ReLU(1 + 0.5), ReLU(2 − 1)) = (1.5, 1), zero x̂ = (0.5, 0),
  /// and the patch h' = ½ gives x̂' = (1, 0). L_clean = 0.25 + ½·1 = 0.75, L_zero = 0.25 + 0 = 0.25,
  /// L_patched = 0 + 0 = 0 (better than clean), so the score is (0.25 − 0)/(0.25 − 0.75) = −½, and
  /// KL = 1·(1.5 − 1)² + ½·(1 − 0)² = 0.75.
  @Test("a tiny case computed by hand") func tinyCase() {
    var model = SuperpositionToyModel(featureCount: 2, hiddenDimension: 1)
    model.values = [1, 2, 0.5, -1]
    let x = Matrix<Double>([[1, 0]])
    let result = PatchingMetrics.evaluate(model, inputs: x, patchedHidden: Matrix([[0.5]]), importance: [1, 0.5])
    #expect(result.cleanLoss == 0.75 && result.zeroLoss == 0.25 && result.patchedLoss == 0)
    #expect(result.reconstructionScore == -0.5 && result.meanKL == 0.75)
    #expect(PatchingMetrics.gaussianKL([1, 0], [0, 0], variances: [0.5, 3]) == 1)
  }
}
