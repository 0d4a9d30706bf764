import LabGenerators

/// A toy file that declares a synthetic world for `lab generate` (`toys/<id>.json`, `kind`
/// `"world"`): the generator is the `world` section, named by its own `kind` with every
/// parameter (see ``WorldSpec``).
public struct WorldToy: Codable, Equatable, Sendable {
  /// The toy's id (the file stem).
  public var id: String
  /// `"world"`.
  public var kind: String
  /// One-line title.
  public var title: String
  /// What the world is for (e.g. the THEORY section it sets up).
  public var claim: String
  /// Root seed of every random draw.
  public var seed: UInt64
  /// Number of samples N written by `lab generate` unless `--samples` is given.
  public var sampleCount: Int
  /// The generator and all its parameters.
  public var world: WorldSpec

  /// A toy.
  public init(id: String, title: String, claim: String, seed: UInt64, sampleCount: Int, world: WorldSpec) {
    self.id = id
    kind = "world"
    self.title = title
    self.claim = claim
    self.seed = seed
    self.sampleCount = sampleCount
    self.world = world
  }

  /// The top-level keys.
  static let keys = ["id", "kind", "title", "claim", "seed", "sampleCount", "world"]

  /// Problems with the toy, each naming the key and the value; empty when valid.
  public func problems() -> [String] {
    var found: [String] = []
    if kind != "world" { found.append("'kind' must be \"world\", got \"\(kind)\"") }
    if id.isEmpty { found.append("'id' must not be empty") }
    if !(1...100_000_000).contains(sampleCount) { found.append("'sampleCount' must be in 1...100000000, got \(sampleCount)") }
    return found + world.world.problems().map { "world: \($0)" }
  }
}
