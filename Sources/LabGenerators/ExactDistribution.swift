import LabRandom

/// The exact distribution of the codes of a small discrete world: every firing pattern with its
/// probability, so that population losses, gradients and metrics are sums over outcomes with no
/// sampling noise (`E[f(z)] = Σ_k P_k·f(z_k)`).
///
/// Available for ``IndependentWorld`` and ``TreeWorld`` without correlation, and for
/// ``ExclusiveGroupsWorld``, when every magnitude is a constant (σᵢ = 0), so that a firing pattern
/// fixes the code vector. Hierarchy choices are enumerated too: an at-most-one group with k
/// active children branches into k outcomes of probability 1/k each, an exactly-one group into
/// one outcome per child with probability proportional to its weight.
public struct ExactDistribution: Sendable, Equatable {
  /// One code vector and its probability.
  public struct Outcome: Sendable, Equatable {
    /// The codes (length F).
    public var codes: [Double]
    /// Its probability.
    public var probability: Double
  }

  /// Distinct outcomes, sorted by code vector; the probabilities add up to 1 (up to rounding).
  public let outcomes: [Outcome]

  /// Largest number of outcomes enumerated before merging.
  public static let maximumOutcomes = 1 << 22

  /// The exact distribution of `world`'s codes under `seed` (which fixes random parameters such
  /// as `random` profiles and generated forests, exactly as ``WorldGenerator`` resolves them).
  public init(world: any World, seed: UInt64) throws {
    let problems = world.problems()
    guard problems.isEmpty else { throw WorldError(problems.text) }
    let sampler = try world.prepare(seeds: SeedTree(root: seed))
    var states: [Outcome]
    switch sampler {
    case let bernoulli as BernoulliSampler:
      states = try Self.enumerate(bernoulli)
    case let groups as ExclusiveGroupsSampler:
      states = try Self.enumerate(groups)
    default:
      throw WorldError("exact enumeration needs a discrete world (independent, tree or exclusive-groups), got '\(type(of: world).kind)'")
    }
    var merged: [[Double]: Double] = [:]
    for s in states where s.probability > 0 { merged[s.codes, default: 0] += s.probability }
    outcomes = merged.map { Outcome(codes: $0.key, probability: $0.value) }.sorted { $0.codes.lexicographicallyPrecedes($1.codes) }
  }

  /// `E[f(z)]`, summed over outcomes in their sorted order.
  public func expectation(_ f: ([Double]) -> Double) -> Double {
    outcomes.reduce(0) { $0 + $1.probability * f($1.codes) }
  }

  /// `P(zᵢ > 0)` for every feature.
  public var firingProbabilities: [Double] {
    let f = outcomes.first?.codes.count ?? 0
    return (0..<f).map { i in expectation { $0[i] > 0 ? 1 : 0 } }
  }

  private static func requireConstant(_ magnitudes: MagnitudeModel.Resolved) throws {
    guard magnitudes.isDeterministic else {
      throw WorldError("exact enumeration needs constant magnitudes ('magnitude.standardDeviation' 0)")
    }
  }

  private static func enumerate(_ sampler: BernoulliSampler) throws -> [Outcome] {
    try requireConstant(sampler.magnitudes)
    guard sampler.latent == nil else { throw WorldError("exact enumeration does not support correlated firing ('correlation')") }
    let p = sampler.structure.firingProbabilities ?? []
    var states = [Outcome(codes: Array(repeating: 0, count: p.count), probability: 1)]
    for (i, pi) in p.enumerated() {
      var next: [Outcome] = []
      for s in states {
        if pi < 1 { next.append(Outcome(codes: s.codes, probability: s.probability * (1 - pi))) }
        if pi > 0 {
          var on = s.codes
          on[i] = sampler.magnitudes.constant(i)
          next.append(Outcome(codes: on, probability: s.probability * pi))
        }
      }
      states = next
      guard states.count <= maximumOutcomes else { throw WorldError("exact enumeration would need more than \(maximumOutcomes) outcomes") }
    }
    guard let modifier = sampler.modifier else { return states.map(relu) }
    for step in modifier.steps {
      var next: [Outcome] = []
      for s in states {
        var codes = s.codes
        switch step {
        case .gate(let child, let parent, let scale):
          codes.withUnsafeMutableBufferPointer {
            HierarchyModifier.gate($0.baseAddress!, child: child, parent: parent, scale: scale, means: modifier.means)
          }
          next.append(Outcome(codes: codes, probability: s.probability))
        case .exclusive(let parent, let children):
          guard codes[parent] > 0 else { next.append(s); continue }
          switch modifier.exclusion {
          case .atMostOne:
            let active = children.filter { codes[$0] > 0 }
            guard active.count >= 2 else { next.append(s); continue }
            for winner in active {
              var branch = codes
              for c in active where c != winner { branch[c] = 0 }
              next.append(Outcome(codes: branch, probability: s.probability / Double(active.count)))
            }
          case .exactlyOne:
            let total = children.reduce(0.0) { $0 + modifier.weights[$1] }
            for winner in children {
              var branch = codes
              for c in children { branch[c] = 0 }
              branch[winner] = sampler.magnitudes.constant(winner)
              let share = total > 0 ? modifier.weights[winner] / total : 1 / Double(children.count)
              next.append(Outcome(codes: branch, probability: s.probability * share))
            }
          }
        }
      }
      states = next
      guard states.count <= maximumOutcomes else { throw WorldError("exact enumeration would need more than \(maximumOutcomes) outcomes") }
    }
    return states.map(relu)
  }

  private static func relu(_ s: Outcome) -> Outcome {
    Outcome(codes: s.codes.map { max(0, $0) }, probability: s.probability)
  }

  private static func enumerate(_ sampler: ExclusiveGroupsSampler) throws -> [Outcome] {
    try requireConstant(sampler.magnitudes)
    var states = [Outcome(codes: Array(repeating: 0, count: sampler.structure.featureNames.count), probability: 1)]
    for (g, group) in sampler.members.enumerated() {
      let total = sampler.weights[g].reduce(0, +)
      var next: [Outcome] = []
      for s in states {
        if sampler.emptyProbability > 0 { next.append(Outcome(codes: s.codes, probability: s.probability * sampler.emptyProbability)) }
        for (k, i) in group.enumerated() {
          var on = s.codes
          on[i] = max(0, sampler.magnitudes.constant(i))
          next.append(Outcome(codes: on, probability: s.probability * (1 - sampler.emptyProbability) * sampler.weights[g][k] / total))
        }
      }
      states = next
      guard states.count <= maximumOutcomes else { throw WorldError("exact enumeration would need more than \(maximumOutcomes) outcomes") }
    }
    return states
  }
}
