import LabNumerics
import LabRandom

/// Mutually exclusive groups (one-hot families): the features are split into consecutive groups
/// of the given sizes; in every sample each group is empty with probability
/// ``emptyProbability`` (0: no empty state, exactly one member is always active), and otherwise
/// exactly one member is active, chosen with probability proportional to ``memberWeights``
/// (a profile over the members of each group), with a magnitude from ``magnitude``.
public struct ExclusiveGroupsWorld: World, Equatable {
  /// `"exclusive-groups"`.
  public static let kind = "exclusive-groups"
  /// The group sizes, each ≥ 2.
  public var groups: [Int]
  /// Probability that a group has no active member.
  public var emptyProbability: Double
  /// Relative choice weights of the members within each group.
  public var memberWeights: FeatureProfile
  /// Magnitudes of active members.
  public var magnitude: MagnitudeModel
  /// Directions, bias and noise.
  public var embedding: Embedding

  /// A world.
  public init(groups: [Int], emptyProbability: Double, memberWeights: FeatureProfile = .constant(1),
              magnitude: MagnitudeModel = MagnitudeModel(), embedding: Embedding) {
    self.groups = groups
    self.emptyProbability = emptyProbability
    self.memberWeights = memberWeights
    self.magnitude = magnitude
    self.embedding = embedding
  }

  /// The toy-file keys.
  public static let keys = ["kind", "groups", "emptyProbability", "memberWeights", "magnitude", "inputDimension", "directions", "bias", "noise"]

  /// F = the sum of the group sizes.
  public var featureCount: Int { groups.reduce(0, +) }

  /// Problems with the parameters.
  public func problems() -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    if groups.isEmpty || groups.contains(where: { $0 < 2 || $0 > 100_000 }) {
      return [ParameterProblem("groups", mustBe: "a non-empty list of sizes in 2...100000", got: groups)]
    }
    if !(emptyProbability >= 0 && emptyProbability < 1) { found.append(ParameterProblem("emptyProbability", mustBe: "in [0, 1)", got: emptyProbability)) }
    found += memberWeights.problems(field: "memberWeights", allowed: 0...1e12)
    return found + magnitude.problems(field: "magnitude") + embedding.problems(featureCount: featureCount)
  }

  /// The member weights of each group, in feature order (drawn per group for random profiles).
  public func weights(seeds: SeedTree) -> [[Double]] {
    var g = seeds.generator(for: "world/member-weights")
    return groups.map { memberWeights.values(count: $0, using: &g) }
  }

  /// Resolves weights and magnitudes.
  public func prepare(seeds: SeedTree) throws -> any CodeSampler {
    var start = 0
    var members: [[Int]] = []
    for size in groups {
      members.append(Array(start..<(start + size)))
      start += size
    }
    let weights = self.weights(seeds: seeds)
    if let bad = weights.firstIndex(where: { $0.reduce(0, +) <= 0 }) {
      throw WorldError("'memberWeights' must give group \(bad) a positive total weight")
    }
    let probabilities = zip(weights, members).flatMap { w, _ in w.map { (1 - emptyProbability) * $0 / w.reduce(0, +) } }
    let structure = WorldStructure(featureNames: members.enumerated().flatMap { g, m in m.indices.map { "g\(g)-\($0)" } },
                                   parents: Array(repeating: nil, count: featureCount), exclusiveGroups: members,
                                   firingProbabilities: probabilities)
    return ExclusiveGroupsSampler(structure: structure, members: members, weights: weights, emptyProbability: emptyProbability,
                                  magnitudes: magnitude.resolved(count: featureCount, seeds: seeds, path: "world/magnitude"))
  }
}

/// The sampler of ``ExclusiveGroupsWorld``.
struct ExclusiveGroupsSampler: CodeSampler {
  let structure: WorldStructure
  let members: [[Int]]
  let weights: [[Double]]
  let emptyProbability: Double
  let magnitudes: MagnitudeModel.Resolved

  func fill(_ codes: UnsafeMutablePointer<Double>, rows: Int, first: Int, using generator: inout Xoshiro256StarStar) {
    let f = structure.featureNames.count
    let totals = weights.map { $0.reduce(0, +) }
    for r in 0..<rows {
      let row = codes + r * f
      for (g, group) in members.enumerated() {
        if emptyProbability > 0 && generator.nextUniform() < emptyProbability { continue }
        var u = generator.nextUniform() * totals[g]
        var chosen = group[group.count - 1]
        for (k, i) in group.enumerated() {
          u -= weights[g][k]
          if u < 0 { chosen = i; break }
        }
        row[chosen] = max(0, magnitudes.sample(chosen, using: &generator))
      }
    }
  }
}
