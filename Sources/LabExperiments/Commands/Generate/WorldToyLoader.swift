import Foundation
import LabGenerators

/// Reads and validates world toy files (``WorldToy``).
public enum WorldToyLoader {
  /// Decodes the world toy at `path`, rejecting unknown kinds and keys (suggesting the nearest
  /// known name) and invalid values, with a message naming the file, the key and the value.
  public static func load(path: String) throws -> WorldToy {
    try load(data: try ToyLoader.read(path), path: path)
  }

  /// Decodes a world toy from `data`, read from `path` (which errors name).
  public static func load(data: Data, path: String) throws -> WorldToy {
    guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      do { _ = try JSONDecoder().decode(WorldToy.self, from: data) } catch { throw ToyFileError(path: path, decoding: error) }
      throw ToyFileError(path: path, "not a JSON object")
    }
    try checkKeys(root, known: WorldToy.keys, section: "", path: path)
    if let world = root["world"] as? [String: Any] { try checkWorld(world, path: path) }
    let toy: WorldToy
    do { toy = try JSONDecoder().decode(WorldToy.self, from: data) } catch { throw ToyFileError(path: path, decoding: error, data: data, as: WorldToy.self) }
    let problems = toy.problems()
    guard problems.isEmpty else { throw ToyFileError(path: path, problems.joined(separator: "; ")) }
    return toy
  }

  /// The canonical JSON text of a toy (sorted keys, pretty-printed).
  public static func encode(_ toy: WorldToy) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(toy) + Data("\n".utf8)
  }

  private static func checkWorld(_ world: [String: Any], path: String) throws {
    guard let kind = world["kind"] as? String else { throw ToyFileError(path: path, "missing field 'world.kind' (known: \(WorldSpec.kinds.joined(separator: ", ")))") }
    guard let keys = WorldSpec.keys[kind] else { throw ToyFileError(path: path, "'world.kind': \(WorldSpec.unknownKind(kind))") }
    try checkKeys(world, known: keys, section: "world", path: path)
    for field in ["firing", "memberWeights"] { try checkProfile(world[field], section: "world.\(field)", path: path) }
    if let magnitude = world["magnitude"] as? [String: Any] {
      try checkKeys(magnitude, known: ["mean", "standardDeviation", "rule"], section: "world.magnitude", path: path)
      for field in ["mean", "standardDeviation"] { try checkProfile(magnitude[field], section: "world.magnitude.\(field)", path: path) }
    }
    let nested: [String: [String]] = [
      "hierarchy": ["parents", "exclusiveParents", "roots", "branching", "depth", "mutuallyExclusivePortion", "minimumExclusiveDepth",
                    "scaleChildrenByParent", "exclusion", "compensateProbabilities"],
      "correlation": ["kind", "pairs", "rank", "scale"],
      "directions": ["kind", "angleDegrees", "steps", "learningRate"],
      "distribution": ["kind", "value", "lower", "upper", "mean", "standardDeviation"],
    ]
    for (field, known) in nested {
      if let object = world[field] as? [String: Any] { try checkKeys(object, known: known, section: "world.\(field)", path: path) }
    }
    for (k, pair) in ((world["correlation"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []).enumerated() {
      try checkKeys(pair, known: ["features", "correlation"], section: "world.correlation.pairs[\(k)]", path: path)
    }
  }

  private static func checkProfile(_ value: Any?, section: String, path: String) throws {
    guard let object = value as? [String: Any] else { return }
    guard let kind = object["kind"] as? String else { throw ToyFileError(path: path, "missing field '\(section).kind' (known: \(FeatureProfile.kinds.joined(separator: ", ")))") }
    guard let keys = FeatureProfile.keys[kind] else {
      let nearest = Nearest.name(to: kind, in: FeatureProfile.kinds)
      throw ToyFileError(path: path, "'\(section).kind': unknown profile kind '\(kind)'. Did you mean '\(nearest)'? Known: \(FeatureProfile.kinds.joined(separator: ", "))")
    }
    try checkKeys(object, known: keys, section: section, path: path)
  }

  private static func checkKeys(_ object: [String: Any], known: [String], section: String, path: String) throws {
    for key in object.keys.sorted() where !known.contains(key) {
      let nearest = Nearest.name(to: key, in: known)
      let place = section.isEmpty ? "" : " in '\(section)'"
      throw ToyFileError(path: path, "unknown field '\(key)'\(place). Did you mean '\(nearest)'? Known: \(known.sorted().joined(separator: ", "))")
    }
  }
}
