import Foundation
import LabChecks
@testable import LabExperiments
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §10 predictions 27–29 (the wide limit) on new data every run.
@Suite("Predictions 27–29 (wide limit)")
struct WideLimitPredictionTests {
  static let seeds = Gen.int(in: 0...Int(Int32.max))

  @Test("Prediction 27: the ray dictionary gives x̂ = (1 − λ/‖x − b‖)₊(x − b) (1e-10); the bias problem has one minimiser (5 starts, 1e-6) where Σ r_n = 0; the exact limit is the geometric median")
  func wideLimit() async {
    await propertyCheck(count: 3, input: Self.seeds, Gen.double(in: 0.02...0.5)) { seed, lambda in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var rays = WideLimitToy.default.rays
      rays.lambda = lambda
      rays.sampleCount = 60
      let r = try WideLimitExperiment.rays(rays, &rng)
      #expect(r.shrinkageError <= 1e-10, "shrinkage error \(r.shrinkageError)")
      #expect(abs(r.meanSuppression - r.meanPredictedSuppression) <= 1e-10, "suppression \(r.meanSuppression) vs \(r.meanPredictedSuppression)")
      #expect(r.minimiserSpread <= 1e-6 && r.residualSum <= 1e-8, "spread \(r.minimiserSpread), ‖Σr‖ \(r.residualSum)")
      #expect(abs(r.loss - r.bound) <= 1e-10 * r.bound, "L \(r.loss) vs W(b*) \(r.bound)")
      #expect(r.medianGradientNorm <= 1e-9 * Double(rays.sampleCount) && abs(r.medianExactCost - r.medianValue) <= 1e-9 * r.medianValue,
              "median residual \(r.medianGradientNorm); Σγ⁺ \(r.medianExactCost) vs Σ‖x − m‖ \(r.medianValue)")
    }
  }

  @Test("Prediction 28: with a δ-net of K = 3…64 atoms every point lies in [h_λ, h_{λ/cos δ}]")
  func deltaNetSandwich() async {
    await propertyCheck(count: 10, input: Self.seeds, Gen.double(in: 0.05...2), Gen.int(in: 3...64)) { seed, lambda, k in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var nets = WideLimitToy.default.nets
      nets.lambda = lambda
      nets.sizes = [3, k, 64]
      for net in WideLimitExperiment.nets(nets, &rng) {
        #expect(net.outside == 0, "K = \(net.atoms), λ = \(lambda): \(net.outside) points outside the sandwich")
      }
    }
  }

  @Test("Prediction 29: five rays: random K < 5 dictionaries lie strictly above the bound; trained L(K) strictly decreases until K = 5 and equals the bound at K = 5, 6 (rel. 1e-7)")
  func splitting() async {
    await propertyCheck(count: 1, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let s = WideLimitToy.default.splitting
      let (bound, sizes) = WideLimitExperiment.splitting(s, &rng, progress: { _ in })
      for size in sizes where size.atoms < s.rays {
        #expect((size.smallestRandomExcess ?? 0) > 1e-9, "K = \(size.atoms): a random dictionary at (L − W)/W = \(size.smallestRandomExcess ?? .nan)")
        #expect(size.excess > 1e-9 * bound, "K = \(size.atoms): trained (L − W) = \(size.excess)")
      }
      let upTo = sizes.filter { $0.atoms <= s.rays }
      #expect(zip(upTo, upTo.dropFirst()).allSatisfy { $1.bestLoss < $0.bestLoss - 1e-9 * bound }, "L(K): \(upTo.map(\.bestLoss))")
      for size in sizes where size.atoms >= s.rays {
        #expect(abs(size.excess) <= 1e-7 * bound, "K = \(size.atoms): (L − W)/W = \(size.excess / bound)")
      }
    }
  }
}
