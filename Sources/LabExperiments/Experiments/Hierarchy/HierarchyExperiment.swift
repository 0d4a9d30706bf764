import Foundation
import LabChecks
import LabGenerators
import LabNumerics
import LabRandom
import LabSolvers

/// Runs the hierarchy experiment: for every λ > 0 variant, check the ground truth, train from it
/// by exact block minimisation, check the end state; for every exact case, check prediction 16.
public enum HierarchyExperiment {
  /// Runs `toy`; `progress` receives one short line per stage.
  public static func run(_ toy: HierarchyToy, progress: (String) -> Void = { _ in }) throws -> (record: HierarchyRecord, checks: [CheckResult]) {
    let tree = SeedTree(root: toy.seed)
    var seeds: [String: UInt64] = [:]
    var variants: [VariantRecord] = []
    for variant in toy.variants {
      let path = "world/\(variant.name)"
      seeds[path] = tree.seed(for: path)
      progress("variant \(variant.name): ground truth")
      variants.append(try runVariant(variant, toy: toy, generator: tree.generator(for: path), progress: progress))
    }
    var exactCases: [ExactCaseRecord] = []
    for exact in toy.exactCases {
      let path = "world/exact-\(formatted(exact.childAngleDegrees))deg-\(exact.bias ? "bias" : "no-bias")"
      seeds[path] = tree.seed(for: path)
      progress("exact problem: α = \(formatted(exact.childAngleDegrees))°, \(exact.bias ? "bias" : "no bias")")
      exactCases.append(try runExactCase(exact, toy: toy, generator: tree.generator(for: path)))
    }
    progress("absorption path")
    seeds["absorption"] = tree.seed(for: "absorption")
    var absorptionRng = tree.generator(for: "absorption")
    let absorptionRecord = try absorption(toy, &absorptionRng)
    progress("mop-up and single-atom tilt")
    seeds["mop-up"] = tree.seed(for: "mop-up")
    var mopUpRng = tree.generator(for: "mop-up")
    let mopUpRecord = mopUp(toy, &mopUpRng)
    var random: [RandomDatasetRecord] = []
    for index in 0..<toy.randomDatasets.count {
      progress("random hierarchical dataset \(index + 1) of \(toy.randomDatasets.count)")
      let path = "random/\(index)"
      seeds[path] = tree.seed(for: path)
      var rng = tree.generator(for: path)
      random.append(try randomDataset(toy, index: index, &rng))
    }
    let checks = HierarchyVerdict.checks(toy: toy, variants: variants, exactCases: exactCases)
      + HierarchyVerdict.absorptionChecks(absorptionRecord) + HierarchyVerdict.mopUpChecks(mopUpRecord)
      + random.enumerated().flatMap { HierarchyVerdict.randomDatasetChecks($0.element, index: $0.offset) }
    let record = HierarchyRecord(toy: toy, seeds: seeds, results: HierarchyResults(variants: variants, exactCases: exactCases,
                                 absorption: absorptionRecord, mopUp: mopUpRecord, randomDatasets: random), checks: checks)
    return (record, checks)
  }

  /// Runs `toy` and packages its report and run record.
  public static func product(_ toy: HierarchyToy, progress: (String) -> Void) throws -> ExperimentProduct {
    ExperimentProduct(record: try run(toy, progress: progress).record)
  }

  static func runVariant(_ variant: HierarchyToy.Variant, toy: HierarchyToy, generator: Xoshiro256StarStar,
                         progress: (String) -> Void) throws -> VariantRecord {
    var world = toy.world
    world.childMagnitude = variant.childMagnitude
    var generator = generator
    let data = world.sample(using: &generator)
    let truth = data.dictionary
    let bias: [Double]? = variant.bias ? [Double](repeating: 0, count: truth.columns) : nil
    let truthCodes = NonnegativeLasso(dictionary: truth, lambda: toy.lambda).codes(for: data.samples, bias: bias)
    let start = SparseCodingProblem(samples: data.samples, dictionary: truth, bias: bias, codes: truthCodes, lambda: toy.lambda)
    let groundTruth = try StateAssessment.assess(start)
    progress("variant \(variant.name): training")
    let fit = BlockMinimization.fit(samples: data.samples, initialDictionary: truth, initialBias: bias,
                                    lambda: toy.lambda, configuration: toy.training)
    progress("variant \(variant.name): trained end state")
    let trained = try StateAssessment.assess(fit.problem)
    let d = fit.problem.dictionary, z = fit.problem.codes
    let dog = truth.row(0), lab = truth.row(1)
    let ray = normalized(zip(dog, lab).map { $0 + $1 })
    let childActive = (0..<z.rows).filter { z[$0, 1] > 0 }
    return VariantRecord(
      variant: variant, groundTruth: groundTruth, trained: trained, iterations: fit.iterations,
      termination: fit.termination, lossHistory: thinned(fit.lossHistory, to: 20),
      childParentCosineBefore: dot(lab, dog), childParentCosineAfter: dot(d.row(1), dog),
      childTruthCosineAfter: dot(d.row(1), lab), parentTruthCosineAfter: dot(d.row(0), dog),
      childActivePoints: childActive.count,
      childActiveWithoutParent: childActive.filter { z[$0, 0] == 0 }.count,
      supportInclusions: supportInclusions(z),
      wideBound: WideLimit.bound(samples: fit.problem.samples, bias: fit.problem.bias, lambda: fit.problem.lambda),
      childRayCosineAfter: dot(d.row(1), ray))
  }

  static func runExactCase(_ exact: HierarchyToy.ExactCase, toy: HierarchyToy, generator: Xoshiro256StarStar) throws -> ExactCaseRecord {
    var world = toy.world
    world.childAngleDegrees = exact.childAngleDegrees
    world.childMagnitude = .independent
    var generator = generator
    let data = world.sample(using: &generator)
    let bias: [Double]? = exact.bias ? [Double](repeating: 0, count: data.dictionary.columns) : nil
    let problem = SparseCodingProblem(samples: data.samples, dictionary: data.dictionary, bias: bias, codes: data.codes, lambda: 1)
    let pair = try StarProgram.solve(problem, receiver: 0, donors: [1])
    let lin = try ReconstructionPreservingProgram.solve(problem, weight: 1)
    let cost = data.codes.storage.reduce(0, +)
    var steps: SelfVerification?
    if lin.isTrusted, lin.value < -StateAssessment.verdictTolerance * cost, let direction = lin.direction {
      steps = try SelfVerification.measureExact(problem, along: direction, predictedSlope: lin.value, steps: HierarchyVerdict.linStepGrid)
    }
    return ExactCaseRecord(
      exactCase: exact, cost: cost, pairs: PairCondition.all(in: problem), pairLPValue: pair.value,
      pairLPRotation: pair.rotations.first ?? .nan, pairLPBiasShift: pair.biasShift,
      pairLPVerified: pair.status == .optimal && pair.verification.verified,
      lin: StateAssessment.record(lin, scale: cost), linSteps: steps)
  }

  /// Ordered pairs (i, j), i ≠ j, with ∅ ≠ A_i ⊆ A_j (active = code > 0).
  static func supportInclusions(_ z: Matrix<Double>) -> [[Int]] {
    var found: [[Int]] = []
    for i in 0..<z.columns {
      let active = (0..<z.rows).filter { z[$0, i] > 0 }
      guard !active.isEmpty else { continue }
      for j in 0..<z.columns where j != i && active.allSatisfy({ z[$0, j] > 0 }) { found.append([i, j]) }
    }
    return found
  }

  /// The first value, then about `count` evenly spaced (iteration, loss) pairs ending at the last.
  static func thinned(_ history: [Double], to count: Int) -> [[Double]] {
    guard history.count > 1 else { return history.enumerated().map { [Double($0.offset), $0.element] } }
    let last = history.count - 1
    let stride = max(1, Int((Double(last) / Double(count)).rounded(.up)))
    var indices = Array(Swift.stride(from: 0, to: last, by: stride))
    indices.append(last)
    return indices.map { [Double($0), history[$0]] }
  }

  static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

  static func normalized(_ v: [Double]) -> [Double] {
    let norm = dot(v, v).squareRoot()
    return v.map { $0 / norm }
  }

  static func formatted(_ degrees: Double) -> String {
    degrees == degrees.rounded() ? String(Int(degrees)) : String(degrees)
  }
}

