import LabGenerators
import LabSolvers

/// The declarative description of the hierarchy experiment (`toys/hierarchy.json`).
///
/// THEORY §6.1 and §10 predictions 16–18: a parent ("dog"), a child ("labrador") that fires only
/// with it, and an unrelated feature ("cat") in m = 3 dimensions.
public struct HierarchyToy: Codable, Equatable, Sendable {
  /// One λ > 0 training setting (predictions 16–18).
  public struct Variant: Codable, Equatable, Sendable {
    /// Short name used in check ids, e.g. `bias-varying-ratio`.
    public var name: String
    /// Whether the problem has a free decoder bias.
    public var bias: Bool
    /// How the child's magnitude is drawn.
    public var childMagnitude: HierarchyWorld.ChildMagnitude

    /// A λ > 0 setting named `name`.
    public init(name: String, bias: Bool, childMagnitude: HierarchyWorld.ChildMagnitude) {
      self.name = name
      self.bias = bias
      self.childMagnitude = childMagnitude
    }
  }

  /// One exact-problem (λ → 0) case of prediction 16.
  public struct ExactCase: Codable, Equatable, Sendable {
    /// Angle between parent and child, in degrees.
    public var childAngleDegrees: Double
    /// Whether the problem has a free bias.
    public var bias: Bool

    /// An exact case at `childAngleDegrees`, with or without a free bias.
    public init(childAngleDegrees: Double, bias: Bool) {
      self.childAngleDegrees = childAngleDegrees
      self.bias = bias
    }
  }

  /// Experiment id (the CLI name).
  public var id: String
  /// Registered experiment kind; `hierarchy`.
  public var kind: String
  /// One-line title.
  public var title: String
  /// The claim under test, quoted from THEORY.
  public var claim: String
  /// Root seed of every random draw.
  public var seed: UInt64
  /// The L1 weight λ of the λ > 0 problems.
  public var lambda: Double
  /// The world (its `childMagnitude` is overridden per variant).
  public var world: HierarchyWorld
  /// λ > 0 settings, trained from the ground truth.
  public var variants: [Variant]
  /// Exact-problem cases (world of `world` at each angle, independent child magnitudes).
  public var exactCases: [ExactCase]
  /// Block-minimisation options.
  public var training: BlockMinimization.Configuration
  /// Prediction 17's absorption path (default when absent from the file).
  public var absorption = Absorption()
  /// Prediction 19's mop-up and single-atom tilt (default when absent from the file).
  public var mopUp = MopUp()
  /// Prediction 18's random hierarchical datasets (default when absent from the file).
  public var randomDatasets = RandomDatasets()

  /// The embedded default toy; `toys/hierarchy.json` holds the same values (a test keeps them equal).
  public static let `default` = HierarchyToy(
    id: "hierarchy", kind: "hierarchy",
    title: "A child feature that fires only with its parent is never a stable dictionary atom",
    claim: "Theorem 6.1: let feature i be a child of j (∅ ≠ A_i ⊆ A_j) with c_ij < 1. In (P⁺_0), with or without bias, (D, b, Z) is not a local minimiser: the absorption move strictly lowers the cost and the pair condition (PC_{i→j}) fails, with H_{i|j} = {1}. In (P⁺_λ), with or without bias, no stationary point has a child–parent pair.",
    seed: 20_261_122, lambda: 0.05, world: HierarchyWorld(),
    variants: [
      Variant(name: "bias-varying-ratio", bias: true, childMagnitude: .independent),
      Variant(name: "no-bias-fixed-ratio", bias: false, childMagnitude: .equalToParent),
    ],
    exactCases: [
      ExactCase(childAngleDegrees: 90, bias: false), ExactCase(childAngleDegrees: 90, bias: true),
      ExactCase(childAngleDegrees: 70, bias: false), ExactCase(childAngleDegrees: 70, bias: true),
    ],
    training: BlockMinimization.Configuration())

  /// Problems with the toy, each naming the field and the bad value; empty when valid.
  public func problems() -> [String] {
    var found: [String] = []
    if kind != "hierarchy" { found.append("'kind' must be \"hierarchy\", got \"\(kind)\"") }
    if id.isEmpty { found.append("'id' must not be empty") }
    if !(lambda.isFinite && lambda > 0) { found.append("'lambda' must be a finite number > 0, got \(lambda)") }
    found += world.problems().map { "world: \($0)" }
    found += training.problems().map { "training: \($0)" }
    if variants.isEmpty && exactCases.isEmpty { found.append("'variants' and 'exactCases' must not both be empty") }
    let names = variants.map(\.name)
    if Set(names).count != names.count { found.append("'variants' names must be unique, got \(names)") }
    for (index, exact) in exactCases.enumerated()
    where !(exact.childAngleDegrees.isFinite && exact.childAngleDegrees > 0 && exact.childAngleDegrees < 180) {
      found.append("'exactCases[\(index)].childAngleDegrees' must be in (0, 180), got \(exact.childAngleDegrees)")
    }
    return found + sectionProblems()
  }

  enum CodingKeys: String, CodingKey {
    case id, kind, title, claim, seed, lambda, world, variants, exactCases, training, absorption, mopUp, randomDatasets
  }
}

extension HierarchyToy {
  /// Decodes a toy; the sections added after the first format (`absorption`, `mopUp`,
  /// `randomDatasets`) take their defaults when absent, so older toy files stay valid.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    kind = try c.decode(String.self, forKey: .kind)
    title = try c.decode(String.self, forKey: .title)
    claim = try c.decode(String.self, forKey: .claim)
    seed = try c.decode(UInt64.self, forKey: .seed)
    lambda = try c.decode(Double.self, forKey: .lambda)
    world = try c.decode(HierarchyWorld.self, forKey: .world)
    variants = try c.decode([Variant].self, forKey: .variants)
    exactCases = try c.decode([ExactCase].self, forKey: .exactCases)
    training = try c.decode(BlockMinimization.Configuration.self, forKey: .training)
    absorption = try c.decodeIfPresent(Absorption.self, forKey: .absorption) ?? Absorption()
    mopUp = try c.decodeIfPresent(MopUp.self, forKey: .mopUp) ?? MopUp()
    randomDatasets = try c.decodeIfPresent(RandomDatasets.self, forKey: .randomDatasets) ?? RandomDatasets()
  }
}
