import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import Testing

/// THEORY §10 predictions 12, 13, 17, 19 and 32: completeness of the stars, the certificate
/// weights at λ > 0, the absorption path, the mop-up relation and the single atom, and exclusive families.
@Suite("Predictions 12, 13, 17, 19, 32 (structure)")
struct StructurePredictionTests {
  static func usedAtoms(_ problem: SparseCodingProblem) -> [Int] {
    (0..<problem.dictionary.rows).filter { RandomCandidates.mass(problem, $0) > 0 }
  }

  /// Whether some full star (receiver j, donors every other used atom with c_ij < 1) fails.
  static func someFullStarFails(_ problem: SparseCodingProblem) throws -> Bool {
    let used = usedAtoms(problem)
    for j in used {
      let donors = used.filter { $0 != j && RandomCandidates.cosine(problem, $0, j) < 1 }
      if try StarProgram.solve(problem, receiver: j, donors: donors).fails { return true }
    }
    return false
  }

  @Test("Prediction 12: for linearly independent atoms LIN finds descent iff some full star fails; overcomplete: a failing star implies LIN descent")
  func starCompleteness() async {
    await propertyCheck(count: 60, input: Gen.int(in: 3...4), Gen.int(in: 8...29), Gen.double(in: 0.25...0.7), Gen.int(in: 0...Int(Int32.max))) { m, n, p, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let k = 2 + rng.nextInt(below: m - 1)
      let problem = RandomCandidates.make(instance: seed, dimension: m, atoms: k, points: n, firing: p, &rng)
      guard Self.usedAtoms(problem).count == k else { return }
      let lin = try? ReconstructionPreservingProgram.solve(problem, weight: 1)
      #expect(lin?.isTrusted == true)
      let descent = (lin?.value ?? 0) < -1e-7 * max(1, problem.codes.storage.reduce(0, +))
      #expect(descent == (try? Self.someFullStarFails(problem)), "K = \(k), m = \(m): LIN \(lin?.value ?? .nan)")
    }
    await propertyCheck(count: 40, input: Gen.int(in: 3...5), Gen.int(in: 8...24), Gen.double(in: 0.2...0.6), Gen.int(in: 0...Int(Int32.max))) { k, n, p, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let problem = RandomCandidates.make(instance: seed, dimension: 2, atoms: k, points: n, firing: p, &rng)
      let lin = try? ReconstructionPreservingProgram.solve(problem, weight: 1)
      if (try? Self.someFullStarFails(problem)) == true {
        #expect((lin?.value ?? 0) < -1e-7 * max(1, problem.codes.storage.reduce(0, +)))
      }
    }
  }

  /// Prediction 13's world: λ = 0.08, m = 6, K = 5, N = 400, trained from G₀ + 0.2ξ.
  static func trainedCertificateWorld(bias: Bool) -> SparseCodingProblem {
    var rng = Xoshiro256StarStar(seed: bias ? 13 : 31)
    let (n, m, k) = (400, 6, 5)
    let g0 = BlockMinimization.normalizedRows(FirstOrderPredictionTests.gaussian(k, m, &rng))
    var z = Matrix<Double>(rows: n, columns: k)
    for index in z.storage.indices where rng.nextBernoulli(0.3) { z.storage[index] = rng.nextUniform(in: 0.3...1.5) }
    var x = z * g0
    x.storage = x.storage.map { $0 + (bias ? 0.5 : 0) + 0.05 * rng.nextNormal() }
    let start = g0 + 0.2 * FirstOrderPredictionTests.gaussian(k, m, &rng)
    return BlockMinimization.fit(samples: x, initialDictionary: start, initialBias: bias ? [Double](repeating: 0, count: m) : nil,
                                 lambda: 0.08).problem
  }

  @Test("Prediction 13: at a trained stationary point the weights (1 − ρ_jn)/N certify every star, with and without a bias", arguments: [true, false])
  func certificateWeights(bias: Bool) throws {
    let problem = Self.trainedCertificateWorld(bias: bias)
    let z = problem.codes, lambda = problem.lambda
    let n = z.rows
    let rho = problem.residual.multiplied(by: problem.dictionary, transposingOther: true)  // N × K: d_kᵀr_n
    for j in Self.usedAtoms(problem) {
      let silent = (0..<n).filter { z[$0, j] == 0 }
      #expect(!silent.isEmpty || !bias, "with a bias every used feature is off somewhere (Lemma 3.5)")
      let weights = silent.map { (1 - rho[$0, j] / lambda) / (bias ? Double(n) : 1) }
      #expect(weights.allSatisfy { $0 >= -1e-9 })
      if bias { #expect(abs(weights.reduce(0, +) - 1) < 1e-6, "Σ_{B_j}(1 − ρ_jn) = N") }
      for i in Self.usedAtoms(problem) where i != j {
        let mass = RandomCandidates.mass(problem, i)
        let target = (1 - RandomCandidates.cosine(problem, i, j)) * (bias ? mass / Double(n) : mass)
        let reproduced = zip(silent, weights).reduce(0) { $0 + $1.1 * z[$1.0, i] }
        #expect(abs(reproduced - target) <= 1e-5 * max(abs(target), 1e-3), "star target for (\(i) → \(j))")
        // Lemma 3.4: c_ij = Σ_n (z_in/Z_i) ρ_jn.
        let cosine = (0..<n).reduce(0.0) { $0 + z[$1, i] / mass * rho[$1, j] / lambda }
        #expect(abs(cosine - RandomCandidates.cosine(problem, i, j)) < 1e-5)
      }
      let donors = Self.usedAtoms(problem).filter { $0 != j }
      let hull = try HullDistance.star(problem, receiver: j, donors: donors)
      #expect(hull.verified && hull.distance < 1e-5)
    }
  }

  @Test("Prediction 17: along the absorption path the closed form, the explicit codes and the LP re-solve agree, decreasing up to θmax")
  func absorptionPath() async {
    await propertyCheck(count: 5, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      var world = HierarchyWorld()
      world.sampleCount = 60
      let data = world.sample(using: &rng)
      let problem = SparseCodingProblem(samples: data.samples, dictionary: data.dictionary, bias: nil, codes: data.codes, lambda: 1)
      let (dog, lab) = (0, 1)
      let phi = acos(RandomCandidates.cosine(problem, lab, dog))
      let childPoints = (0..<data.codes.rows).filter { data.codes[$0, lab] > 0 }
      let ratio = childPoints.map { data.codes[$0, dog] / data.codes[$0, lab] }.min()!
      let thetaMax = atan(ratio * sin(phi) / (1 + ratio * cos(phi)))
      let mass = RandomCandidates.mass(problem, lab)
      let before: Double = problem.codes.storage.reduce(0, +)
      var previous = 0.0
      for step in 1...8 {
        let theta: Double = thetaMax * Double(step) / 8
        let bracket: Double = cos(theta / 2) - cos(phi - theta / 2)
        let closed: Double = -mass * 2 * sin(theta / 2) * bracket / sin(phi - theta)
        let moved = StarMove.apply(problem, receiver: dog, donors: [lab], rotations: [theta / sin(phi)], tau: 1)
        let explicit: Double = moved.codes.storage.reduce(0, +) - before
        let lp: Double = try ExactL1Coding.total(samples: problem.samples, dictionary: moved.dictionary, bias: nil).cost - before
        #expect(abs(explicit - closed) < 1e-9 && abs(lp - closed) < 1e-9, "θ = \(theta): closed \(closed), codes \(explicit), LP \(lp)")
        #expect(closed < previous)
        previous = closed
        if step == 8 {
          // At θmax the parent's code vanishes on the child point attaining the minimal ratio: it is coded by the child atom alone.
          #expect(childPoints.contains { abs(moved.codes[$0, dog]) < 1e-12 })
        }
      }
    }
  }

  @Test("Prediction 19: a dog atom on dog/labrador points is pulled toward the labrador direction, and the single trained atom solves the tilt equation")
  func mopUpAndTilt() async {
    await propertyCheck(count: 3, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let lambda = 0.1
      let rows = (0..<300).map { n -> [Double] in
        let a = rng.nextUniform(in: 0.5...1.5)
        return n < 200 ? [a, 0] : [a, rng.nextUniform(in: 0.3...1)]
      }
      let x = Matrix(rows)
      let d = Matrix<Double>([[1, 0]])
      let z = NonnegativeLasso(dictionary: d, lambda: lambda).codes(for: x, bias: nil)
      let r = SparseCodingProblem(samples: x, dictionary: d, bias: nil, codes: z, lambda: lambda).residual
      let pull = (0..<x.rows).reduce([0.0, 0.0]) { sum, n in [sum[0] + z[n, 0] * r[n, 0], sum[1] + z[n, 0] * r[n, 1]] }
      // −grad = P_d Σ z r: the component along d is removed; what is left points along +g_lab.
      #expect(pull[1] > 0)
      let fit = BlockMinimization.fit(samples: x, initialDictionary: d, initialBias: nil, lambda: lambda)
      let theta = atan2(fit.problem.dictionary[0, 1], fit.problem.dictionary[0, 0])
      func equation(_ t: Double) -> Double {
        rows.reduce(0) { $0 + max($1[0] * cos(t) + $1[1] * sin(t) - lambda, 0) * ($1[1] * cos(t) - $1[0] * sin(t)) }
      }
      var (low, high) = (0.0, Double.pi / 2)
      for _ in 0..<200 { let mid = (low + high) / 2; if equation(mid) > 0 { low = mid } else { high = mid } }
      #expect(abs(theta - (low + high) / 2) < 1e-6, "trained θ \(theta) vs root \((low + high) / 2)")
    }
  }

  @Test("Prediction 32: exclusive families with nonnegative cosines and an all-off point pass every star")
  func exclusiveFamilies() async {
    await propertyCheck(count: 50, input: Gen.int(in: 3...6), Gen.int(in: 10...59), Gen.int(in: 0...Int(Int32.max))) { m, n, seed in
      var rng = Xoshiro256StarStar(seed: UInt64(seed))
      let k = 2 + rng.nextInt(below: m - 1)
      var d = FirstOrderPredictionTests.gaussian(k, m, &rng)
      d.storage = d.storage.map(abs)
      d = BlockMinimization.normalizedRows(d)
      var z = Matrix<Double>(rows: n, columns: k)
      for point in 1..<n {
        let choice = rng.nextInt(below: k + 1)
        if choice < k { z[point, choice] = rng.nextUniform(in: 0.1...2) }
      }
      let problem = SparseCodingProblem(samples: z * d, dictionary: d, bias: [Double](repeating: 0, count: m), codes: z, lambda: 1)
      let used = Self.usedAtoms(problem)
      for j in used {
        let donors = used.filter { $0 != j }
        guard !donors.isEmpty, let hull = try? HullDistance.star(problem, receiver: j, donors: donors) else { continue }
        #expect(hull.verified && hull.distance < 1e-10)
      }
    }
  }
}
