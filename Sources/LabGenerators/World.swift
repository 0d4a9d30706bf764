import LabNumerics
import LabRandom

/// A synthetic world: a named family of features with a sampler for their activations, embedded
/// in ℝᵐ by an ``Embedding``. Worlds are registered by ``kind`` in ``WorldSpec``.
public protocol World: Codable, Sendable {
  /// The registered kind name, e.g. `"tree"`.
  static var kind: String { get }
  /// Number of ground-truth features F.
  var featureCount: Int { get }
  /// How codes become data.
  var embedding: Embedding { get }
  /// Problems with the parameters, each naming the key and the value; empty when valid.
  func problems() -> [ParameterProblem]
  /// Resolves every random parameter (probabilities, forest, correlation) from `seeds`.
  func prepare(seeds: SeedTree) throws -> any CodeSampler
}

/// The activations sampler of a prepared world, with its structural ground truth.
public protocol CodeSampler: Sendable {
  /// Structure known before sampling: names, forest, exclusive groups, probabilities.
  var structure: WorldStructure { get }
  /// Writes the codes of samples `first ..< first + rows` into `codes` (`rows × F`, row-major,
  /// zero on entry), drawing from `generator`.
  func fill(_ codes: UnsafeMutablePointer<Double>, rows: Int, first: Int, using generator: inout Xoshiro256StarStar)
}

/// A world's structural ground truth.
public struct WorldStructure: Sendable, Equatable, Codable {
  /// Feature names in dictionary order.
  public var featureNames: [String]
  /// Parent of every feature in the forest (`nil` = root or free).
  public var parents: [Int?]
  /// Groups of which at most one (or, under exactly-one, exactly one) member is active.
  public var exclusiveGroups: [[Int]]
  /// Marginal firing probability of each feature before hierarchy gating (after compensation),
  /// as SAELens saves it; `nil` for worlds without a per-feature Bernoulli.
  public var firingProbabilities: [Double]?

  /// A structure.
  public init(featureNames: [String], parents: [Int?], exclusiveGroups: [[Int]], firingProbabilities: [Double]?) {
    self.featureNames = featureNames
    self.parents = parents
    self.exclusiveGroups = exclusiveGroups
    self.firingProbabilities = firingProbabilities
  }
}
