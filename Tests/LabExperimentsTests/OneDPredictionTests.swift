import Foundation
import LabChecks
@testable import LabExperiments
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §10 predictions 22–26 (one-dimensional features) and 30 (the heuristic mixture), with
/// new draws of the data, the initialisations and the restarts every run.
@Suite("Predictions 22–26 and 30 (one-dimensional features)")
struct OneDPredictionTests {
  static let seeds = Gen.int(in: 0...Int(Int32.max))
  static let toy = OneDToy.default

  @Test("Prediction 22: line data with a bias, K = 2: atoms ±u (1e-6), loss Σ H_λ(t − β*) (rel. 1e-7), b = b₀ + β*u and codes (t − β* − λ)₊ (1e-5), exact firing counts; without a bias every used atom is u, firing on {t > λ}")
  func lineData() async {
    await propertyCheck(count: 1, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let l = OneDExperiment.line(Self.toy, &rng, progress: { _ in })
      #expect(l.cosines[0] >= 1 - 1e-6 && l.cosines[1] <= -1 + 1e-6, "cosines \(l.cosines)")
      #expect(abs(l.loss - l.predictedLoss) <= 1e-7 * l.predictedLoss, "loss \(l.loss) vs \(l.predictedLoss)")
      #expect(l.biasError <= 1e-5 && l.codeError <= 1e-5, "bias error \(l.biasError), code error \(l.codeError)")
      #expect(l.firing == l.predictedFiring)
      #expect(!l.noBiasCosines.isEmpty && l.noBiasCosines.allSatisfy { $0 >= 1 - 1e-6 }, "no-bias cosines \(l.noBiasCosines)")
      #expect(l.noBiasFiring == l.noBiasPredictedFiring)
      #expect(abs(l.noBiasLoss - l.noBiasPredicted) <= 1e-7 * l.noBiasPredicted, "no-bias loss \(l.noBiasLoss) vs \(l.noBiasPredicted)")
    }
  }

  /// Departure from THEORY's protocol (stated in the one-d report too): THEORY's D3 takes the best of 6 random
  /// starts; here the 6 starts are 3 random directions and their negatives. A single atom started with a
  /// negative cosine to u ends at the worse one-sided optimum on −u, and 6 independent starts all did so
  /// in 5 of 100 seeds (commit 3701c54), a failure to find the optimum, not of Claim 7.1′.
  @Test("Prediction 23: with K = 1 and a bias the trained loss is the one-sided Huber prediction (rel. 1e-7), and K = 2 is strictly better")
  func singleAtomHuber() async {
    await propertyCheck(count: 1, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let l = Self.toy.line
      let u = BlockMinimization.normalizedRows(Matrix([l.direction])).row(0)
      let t = (0..<l.sampleCount).map { _ in exp(l.logSigma * rng.nextNormal()) }
      let x = Matrix(t.map { tn in zip(l.offset, u).map { $0 + tn * $1 } })
      let mean = OneDExperiment.mean(x)
      let single = OneDExperiment.best(x, starts: OneDExperiment.signedPairs(l.singleAtomRestarts, 3, &rng),
                                       bias: mean, lambda: l.lambda, Self.toy.training)
      let predicted = OneDExperiment.oneSidedLoss(t, lambda: l.lambda)
      #expect(abs(single.problem.loss - predicted) <= 1e-7 * predicted, "K = 1: \(single.problem.loss) vs \(predicted)")
      let pair = OneDExperiment.best(x, starts: (0..<l.restarts).map { _ in OneDExperiment.gaussian(2, 3, &rng) },
                                     bias: mean, lambda: l.lambda, Self.toy.training)
      #expect(pair.problem.loss < single.problem.loss, "K = 2: \(pair.problem.loss) vs K = 1: \(single.problem.loss)")
    }
  }

  /// Departure from THEORY's protocol (stated in the one-d report too): THEORY starts from (u, −u) + 0.3ξ;
  /// here from (u, −u) + 0.1ξ (`OneDToy.default.transition.initialNoise`). At 0.3 the perturbed −u fired
  /// on no point and died in 9 of 150 draws at p* − 0.04, where it must fire (commit 3701c54); at 0.1 in none.
  @Test("Prediction 24: −u fires iff p < p* (tested at p* ± 0.04, counts exact), and p*(1e-3) = 1/2 (1e-12)")
  func denseSparseTransition() async {
    let points = OneDExperiment.grid(Self.toy.transition)
    let pStar = OneDExperiment.criticalFraction(points, lambda: Self.toy.transition.lambda)
    #expect(abs(OneDExperiment.criticalFraction(points, lambda: 1e-3) - 0.5) <= 1e-12)
    await propertyCheck(count: 1, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let below = OneDExperiment.transition(Self.toy, p: pStar - Self.toy.transition.offset, &rng)
      #expect(below.negativeFiring == below.predictedNegativeFiring && below.negativeFiring > 0,
              "p = \(below.p): −u fires on \(below.negativeFiring), predicted \(below.predictedNegativeFiring)")
      let above = OneDExperiment.transition(Self.toy, p: pStar + Self.toy.transition.offset, &rng)
      #expect(above.negativeFiring == 0 && above.predictedNegativeFiring == 0, "p = \(above.p): −u fires on \(above.negativeFiring)")
    }
  }

  @Test("Prediction 25: a stationary point with a dead atom has KKT < 1e-6, a loss above the optimum, max‖r_n‖ > λ, and the atom r/‖r‖ lowers the loss (D4c and W5)")
  func deadAtoms() async {
    let points = OneDExperiment.grid(Self.toy.transition)
    let p = OneDExperiment.criticalFraction(points, lambda: Self.toy.transition.lambda) - Self.toy.transition.offset
    await propertyCheck(count: 1, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      // D4c: the optimum is the best run of prediction 24's protocol at the same p.
      let optimum = OneDExperiment.transition(Self.toy, p: p, &rng).loss
      let dead = OneDExperiment.deadAtom(Self.toy, p: p, optimum: optimum)
      #expect(dead.kkt < 1e-6 && dead.loss > dead.optimum + 1e-9 * dead.optimum, "KKT \(dead.kkt); loss \(dead.loss) vs optimum \(dead.optimum)")
      #expect(dead.newAtom.maxResidualNorm > Self.toy.transition.lambda && dead.newAtom.improves)
      #expect((dead.newAtom.lossWithNewAtom ?? .infinity) < dead.loss)
      // W5: the five rays of prediction 29, K = 3 initialised at rays 1, 3, 5.
      let s = WideLimitToy.default.splitting
      let x = WideLimitExperiment.rayData(s, &rng)
      let rays = WideLimitExperiment.rayDirections(s)
      let fit = BlockMinimization.fit(samples: x, initialDictionary: Matrix([rays[0], rays[2], rays[4]]), initialBias: nil,
                                      lambda: s.lambda, configuration: s.training)
      let bound = WideLimit.bound(samples: x, bias: nil, lambda: s.lambda)
      let test = NewAtomTest(fit.problem)
      #expect(fit.kkt.maximum < 1e-6 && fit.problem.loss > bound, "W5: KKT \(fit.kkt.maximum); loss \(fit.problem.loss) vs optimum \(bound)")
      #expect(test.maxResidualNorm > s.lambda && (test.lossWithNewAtom ?? .infinity) < fit.problem.loss,
              "W5: max‖r‖ \(test.maxResidualNorm), with the new atom \(test.lossWithNewAtom ?? .nan)")
    }
  }

  @Test("Prediction 26: on an arc the per-point cost formula equals the LP (1e-9), C(K)/N = tan(Δ/2)/(Δ/2) (rel. 1e-5) strictly decreasing, optimised interior atoms equally spaced within one grid step (N = 2000)")
  func arcModel() async {
    await propertyCheck(count: 1, input: Self.seeds, Gen.double(in: 40...160)) { seed, angle in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var arc = Self.toy.arc
      arc.angleDegrees = angle
      arc.optimisedSizes = [4]
      let a = try OneDExperiment.arc(arc, &rng)
      #expect(a.formulaError <= 1e-9)
      #expect(a.costs.allSatisfy { abs($0[1] - $0[2]) <= 1e-5 * $0[2] }, "C(K)/N vs formula: \(a.costs)")
      #expect(zip(a.costs, a.costs.dropFirst()).allSatisfy { $1[1] < $0[1] })
      #expect(a.spacingErrors.allSatisfy { $0[1] <= a.gridStep }, "spacing errors \(a.spacingErrors), grid step \(a.gridStep)")
    }
  }
  @Test("Prediction 26 (continuum): with a uniform density on the arc the cost is Σ_gaps 2 tan(g/2), and the same optimiser puts the interior atoms at equal spacing to 1e-6 rad (K = 4, 5, 6)")
  func arcContinuum() async {
    await propertyCheck(count: 3, input: Self.seeds, Gen.double(in: 40...160)) { seed, angle in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let theta = angle * Double.pi / 180
      // ∫ over a gap of width g of cos(φ − mid)/cos(g/2) dφ = 2 tan(g/2): the continuum limit of arcCost.
      func continuum(_ alpha: [Double]) -> Double { zip(alpha, alpha.dropFirst()).reduce(0) { $0 + 2 * tan(($1.1 - $1.0) / 2) } }
      for k in [4, 5, 6] {
        let atoms = OneDExperiment.optimisedAtoms(k, arc: theta, cost: continuum, &rng)
        let error = zip(atoms, OneDExperiment.equalAtoms(k, arc: theta)).reduce(0) { max($0, abs($1.0 - $1.1)) }
        #expect(error <= 1e-6, "K = \(k), arc \(angle)°: max |α − α_equal| = \(error) rad")
      }
    }
  }

  @Test("Prediction 30: a dense N(2, 0.5²) direction with three sparse features (m = 4, N = 600, λ = 0.05, K = 5, best of 6 restarts) is covered by an antipodal pair (cosine < −0.99), each atom firing on 30–70 % of the points")
  func heuristicMixture() async {
    await propertyCheck(count: 1, input: Self.seeds) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let (n, m, k, lambda) = (600, 4, 5, 0.05)
      let x = Matrix((0..<n).map { _ in
        [2 + 0.5 * rng.nextNormal()] + (1..<m).map { _ in rng.nextBernoulli(0.1) ? rng.nextUniform(in: 0.5...1.5) : 0 }
      })
      let configuration = BlockMinimization.Configuration(maxIterations: 5000)
      let fit = OneDExperiment.best(x, starts: (0..<6).map { _ in OneDExperiment.gaussian(k, m, &rng) }, bias: OneDExperiment.mean(x),
                                    lambda: lambda, configuration)
      let d = fit.problem.dictionary, z = fit.problem.codes
      func rate(_ atom: Int) -> Double { Double((0..<n).filter { z[$0, atom] > 0 }.count) / Double(n) }
      var pairs: [(Int, Int, Double)] = []
      for i in 0..<k { for j in (i + 1)..<k { pairs.append((i, j, OneDExperiment.dot(d.row(i), d.row(j)))) } }
      let antipodal = pairs.min { $0.2 < $1.2 }!
      #expect(antipodal.2 < -0.99, "most antipodal pair (\(antipodal.0), \(antipodal.1)): cosine \(antipodal.2)")
      #expect(abs(d[antipodal.0, 0]) > 0.99 && abs(d[antipodal.1, 0]) > 0.99,
              "the pair lies on the dense direction e₁: \(d.row(antipodal.0)), \(d.row(antipodal.1))")
      for atom in [antipodal.0, antipodal.1] {
        #expect((0.3...0.7).contains(rate(atom)), "atom \(atom) fires on \(rate(atom)) of the points")
      }
    }
  }
}
