import LabGenerators
import LabNumerics
import LabRandom
import PropertyBased
import Testing

@Suite struct HierarchyTests {
  static let rules = Gen.bool.map { $0 ? HierarchySpec.Exclusion.atMostOne : .exactlyOne }

  /// Gating: on every sample, a feature with a parent is active only if its parent is.
  @Test("child ⇒ parent on every sample") func childImpliesParent() async throws {
    await propertyCheck(input: Gen.int(in: 2...12), Self.rules, Gen.bool, Gen.uint64()) { f, rule, scale, seed in
      let world = RandomWorlds.tree(featureCount: f, exclusion: rule, scale: scale, compensate: true, seed: seed)
      let codes = try RandomWorlds.codes(world, count: 400, seed: seed)
      let parents = world.hierarchy.parents ?? []
      for n in 0..<codes.rows {
        for i in 0..<f {
          if let p = parents[i], codes[n, i] > 0 { #expect(codes[n, p] > 0, "sample \(n): child \(i) active without parent \(p)") }
        }
      }
    }
  }

  /// Mutual exclusion: never two active members in a group; under exactly-one, exactly one
  /// whenever the parent is active.
  @Test("exclusive groups never have two active, and exactly one under exactly-one") func exclusion() async throws {
    await propertyCheck(input: Gen.int(in: 3...12), Self.rules, Gen.uint64()) { f, rule, seed in
      let world = RandomWorlds.tree(featureCount: f, exclusion: rule, scale: false, compensate: true, seed: seed)
      let codes = try RandomWorlds.codes(world, count: 400, seed: seed)
      let parents = world.hierarchy.parents ?? []
      for p in world.hierarchy.exclusiveParents ?? [] {
        let children = (0..<f).filter { parents[$0] == p }
        for n in 0..<codes.rows {
          let active = children.filter { codes[n, $0] > 0 }.count
          #expect(active <= 1, "sample \(n): \(active) active children of exclusive parent \(p)")
          // Exactly-one gives a fresh magnitude max(0, μ + σε) with μ ≥ 0.5, σ ≤ 0.5: > 0 unless ε ≤ −1,
          // so "active" is tested as "chosen", i.e. all but at most one child are exactly 0.
          if rule == .exactlyOne && codes[n, p] > 0 {
            #expect(children.filter { codes[n, $0] == 0 }.count >= children.count - 1)
          }
        }
      }
    }
  }

  /// Under exactly-one with constant magnitudes, an active exclusive parent always has exactly
  /// one active child.
  @Test("exactly-one: an active exclusive parent has exactly one active child") func exactlyOne() async throws {
    await propertyCheck(input: Gen.int(in: 3...12), Gen.uint64()) { f, seed in
      var world = RandomWorlds.tree(featureCount: f, exclusion: .exactlyOne, scale: false, compensate: false, seed: seed)
      world.magnitude = MagnitudeModel(mean: .constant(1), standardDeviation: .constant(0))
      let codes = try RandomWorlds.codes(world, count: 300, seed: seed)
      let parents = world.hierarchy.parents ?? []
      for p in world.hierarchy.exclusiveParents ?? [] {
        let children = (0..<f).filter { parents[$0] == p }
        for n in 0..<codes.rows where codes[n, p] > 0 {
          #expect(children.filter { codes[n, $0] > 0 }.count == 1)
        }
      }
    }
  }

  /// Scaling by the parent: a child with a constant magnitude μ_c under a parent with random
  /// magnitude a_p becomes μ_c·a_p/μ_p, so child/parent = μ_c/μ_p on every sample where both fire;
  /// a grandchild is scaled by its (already scaled) parent in turn.
  @Test("children are scaled by parent value / parent mean") func scaling() throws {
    let world = TreeWorld(
      featureCount: 3, firing: .constant(0.6),
      magnitude: MagnitudeModel(mean: .linear(start: 2, end: 1), standardDeviation: .linear(start: 0.5, end: 0)),
      hierarchy: HierarchySpec(parents: [nil, 0, 1], scaleChildrenByParent: true), embedding: Embedding(inputDimension: 3))
    let codes = try RandomWorlds.codes(world, count: 500, seed: 2)
    // Means 2, 1.5, 1; standard deviations 0.5, 0.25, 0: the child's own draw is random too, so
    // only the grandchild (σ = 0) has a fixed ratio to its parent: z₂ = 1·z₁/1.5.
    var both = 0
    for n in 0..<codes.rows where codes[n, 2] > 0 {
      both += 1
      #expect(abs(codes[n, 2] - codes[n, 1] / 1.5) <= 1e-15 * codes[n, 1])
    }
    #expect(both > 0)
  }

  /// Compensation, as ANCHORS §3.6: c = 1/p_parent, times (1 + Σ siblings p_j / p_parent) for
  /// at-most-one exclusive siblings, then min(1, p·c).
  @Test("compensation formulas") func compensation() {
    let forest = FeatureForest(parents: [nil, 0, 0, 0, 1, 1, nil], exclusiveParents: [0])
    let base = [0.5, 0.1, 0.05, 0.2, 0.3, 0.4, 0.25]
    let compensated = forest.compensated(base, exclusion: .atMostOne)
    #expect(compensated[0] == 0.5 && compensated[6] == 0.25)
    #expect(compensated[1] == min(1, 0.1 * (1 / 0.5) * (1 + (0.05 + 0.2) / 0.5)))
    #expect(compensated[2] == min(1, 0.05 * (1 / 0.5) * (1 + (0.1 + 0.2) / 0.5)))
    #expect(compensated[3] == min(1, 0.2 * (1 / 0.5) * (1 + (0.1 + 0.05) / 0.5)))
    #expect(compensated[4] == min(1, 0.3 / 0.1) && compensated[4] == 1)  // clamped
    #expect(compensated[5] == 1)
    let exactlyOne = forest.compensated(base, exclusion: .exactlyOne)
    #expect(Array(exactlyOne[1...3]) == [0.1, 0.05, 0.2])
    #expect(exactlyOne[4] == 1)
  }

  /// Without exclusion and without clamping, compensation restores each child's base marginal
  /// exactly: P(child) = p_parent · (p_child / p_parent) down the chain. Checked on the exact
  /// distribution, so there is no sampling error.
  @Test("compensation restores the base marginals of a chain exactly") func compensationRestoresMarginals() throws {
    let world = TreeWorld(
      featureCount: 4, firing: .linear(start: 0.6, end: 0.15), hierarchy: HierarchySpec(
        parents: [nil, 0, 1, 0], compensateProbabilities: true), embedding: Embedding(inputDimension: 4))
    let exact = try ExactDistribution(world: world, seed: 1)
    let base = [0.6, 0.45, 0.3, 0.15]
    for (measured, expected) in zip(exact.firingProbabilities, base) {
      #expect(abs(measured - expected) <= 1e-15)
    }
  }

  /// SAELens's generated shape: roots first, then each level's children in breadth-first order.
  @Test("generated forests number nodes breadth-first and respect depth and branching") func generatedShape() {
    var g = Xoshiro256StarStar(seed: 3)
    let spec = HierarchySpec(roots: 3, branching: [2, 2], depth: 2, mutuallyExclusivePortion: 1)
    let forest = spec.forest(featureCount: 25, using: &g)
    #expect(Array(forest.parents[0..<3]) == [nil, nil, nil])
    #expect(Array(forest.parents[3..<9]) == [0, 0, 1, 1, 2, 2])
    #expect(Array(forest.parents[9..<21]) == [3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8])
    #expect(Array(forest.parents[21..<25]) == [nil, nil, nil, nil])
    #expect(forest.exclusiveParents == Set(0..<9))
    #expect(forest.depths.max() == 2)
  }
}
