import LabGenerators
import LabNumerics
import LabRandom

/// Random small worlds for property tests, built from one seed.
enum RandomWorlds {
  /// A random explicit forest over `featureCount` features: feature i > 0 gets a parent in
  /// `0..<i` with probability 0.7, so the parents are acyclic; each parent with at least two
  /// children is exclusive with probability ½.
  static func forest(featureCount: Int, using g: inout Xoshiro256StarStar) -> (parents: [Int?], exclusive: [Int]) {
    var parents: [Int?] = [nil]
    for i in 1..<featureCount { parents.append(g.nextBernoulli(0.7) ? g.nextInt(below: i) : nil) }
    var counts = [Int](repeating: 0, count: featureCount)
    for p in parents.compactMap({ $0 }) { counts[p] += 1 }
    let exclusive = (0..<featureCount).filter { counts[$0] >= 2 && g.nextBernoulli(0.5) }
    return (parents, exclusive)
  }

  /// A random tree world with `featureCount` features, random probabilities in [0.05, 0.9],
  /// random SAELens magnitudes, the given rule and scaling, and optionally compensation.
  static func tree(featureCount: Int, exclusion: HierarchySpec.Exclusion, scale: Bool, compensate: Bool,
                   seed: UInt64) -> TreeWorld {
    var g = Xoshiro256StarStar(seed: seed)
    let (parents, exclusive) = forest(featureCount: featureCount, using: &g)
    return TreeWorld(
      featureCount: featureCount, firing: .random(min: 0.05, max: 0.9),
      magnitude: MagnitudeModel(mean: .random(min: 0.5, max: 2), standardDeviation: .random(min: 0, max: 0.5)),
      hierarchy: HierarchySpec(parents: parents, exclusiveParents: exclusive, scaleChildrenByParent: scale,
                               exclusion: exclusion, compensateProbabilities: compensate),
      embedding: Embedding(inputDimension: 5))
  }

  /// The codes of `count` samples of `world` under `seed`.
  static func codes(_ world: any World, count: Int, seed: UInt64) throws -> Matrix<Double> {
    var generator = try WorldGenerator(world: world, seed: seed)
    return generator.next(count).codes
  }
}

/// Hoeffding's inequality for the mean of n samples in [0, range]:
/// `P(|mean − E| ≥ t) ≤ 2·exp(−2nt²/range²)`, so with probability at least 1 − δ the error is
/// below `t = range·√(ln(2/δ) / (2n))`. With a union bound over k estimates, use δ/k.
func hoeffdingBound(samples n: Int, range: Double = 1, failureProbability delta: Double) -> Double {
  range * (Foundation.log(2 / delta) / (2 * Double(n))).squareRoot()
}

import Foundation
