/// The registry of world kinds: a toy file's `world` section, decoded by its `kind`.
public enum WorldSpec: Codable, Equatable, Sendable {
  /// `"independent"`.
  case independent(IndependentWorld)
  /// `"tree"`.
  case tree(TreeWorld)
  /// `"exclusive-groups"`.
  case exclusiveGroups(ExclusiveGroupsWorld)
  /// `"dense"`.
  case dense(DenseWorld)
  /// `"ray"`.
  case ray(RayWorld)
  /// `"arc"`.
  case arc(ArcWorld)

  /// Every registered kind with its toy-file keys.
  public static let keys: [String: [String]] = [
    IndependentWorld.kind: IndependentWorld.keys, TreeWorld.kind: TreeWorld.keys,
    ExclusiveGroupsWorld.kind: ExclusiveGroupsWorld.keys, DenseWorld.kind: DenseWorld.keys,
    RayWorld.kind: RayWorld.keys, ArcWorld.kind: ArcWorld.keys,
  ]

  /// The registered kinds, sorted.
  public static var kinds: [String] { keys.keys.sorted() }

  /// The world.
  public var world: any World {
    switch self {
    case .independent(let w): return w
    case .tree(let w): return w
    case .exclusiveGroups(let w): return w
    case .dense(let w): return w
    case .ray(let w): return w
    case .arc(let w): return w
    }
  }

  /// The message for an unknown kind, suggesting the nearest registered one.
  public static func unknownKind(_ kind: String) -> String {
    "unknown world kind '\(kind)'. Did you mean '\(Nearest.name(to: kind, in: kinds))'? Known: \(kinds.joined(separator: ", "))"
  }

  private enum Key: String, CodingKey { case kind }

  /// Decodes by `kind`.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    let kind = try c.decode(String.self, forKey: .kind)
    switch kind {
    case IndependentWorld.kind: self = .independent(try IndependentWorld(from: decoder))
    case TreeWorld.kind: self = .tree(try TreeWorld(from: decoder))
    case ExclusiveGroupsWorld.kind: self = .exclusiveGroups(try ExclusiveGroupsWorld(from: decoder))
    case DenseWorld.kind: self = .dense(try DenseWorld(from: decoder))
    case RayWorld.kind: self = .ray(try RayWorld(from: decoder))
    case ArcWorld.kind: self = .arc(try ArcWorld(from: decoder))
    default: throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: Self.unknownKind(kind))
    }
  }

  /// Encodes the world's flat object.
  public func encode(to encoder: Encoder) throws {
    try world.encode(to: encoder)
  }
}
