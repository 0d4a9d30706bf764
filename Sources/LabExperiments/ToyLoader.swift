import Foundation

/// Reads and validates toy files (JSON, one experiment per file in `toys/`).
public enum ToyLoader {
  /// Largest toy file accepted, in bytes.
  public static let maximumFileSize = 1 << 20

  /// Decodes the hierarchy toy at `path`, rejecting unknown keys and invalid values with a
  /// message that names the file, the field and the value.
  public static func loadHierarchy(path: String) throws -> HierarchyToy {
    let data = try read(path)
    try rejectUnknownKeys(data, path: path)
    let toy: HierarchyToy
    do {
      toy = try JSONDecoder().decode(HierarchyToy.self, from: data)
    } catch {
      throw ToyFileError(path: path, decoding: error)
    }
    let problems = toy.problems()
    guard problems.isEmpty else { throw ToyFileError(path: path, problems.joined(separator: "; ")) }
    return toy
  }

  /// The canonical JSON text of a toy (sorted keys, pretty-printed), as written to `toys/`.
  public static func encode(_ toy: HierarchyToy) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(toy) + Data("\n".utf8)
  }

  static func read(_ path: String) throws -> Data {
    let url = URL(fileURLWithPath: path)
    guard FileManager.default.fileExists(atPath: path) else { throw ToyFileError(path: path, "no such file") }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size <= maximumFileSize else {
      throw ToyFileError(path: path, "file is \(size) bytes, larger than the \(maximumFileSize)-byte limit for toy files")
    }
    do { return try Data(contentsOf: url) } catch { throw ToyFileError(path: path, "cannot be read: \(error.localizedDescription)") }
  }

  /// Fails on a key the toy format does not know, suggesting the nearest known one.
  private static func rejectUnknownKeys(_ data: Data, path: String) throws {
    guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
    let known: [String: Set<String>] = [
      "": ["id", "kind", "title", "claim", "seed", "lambda", "world", "variants", "exactCases", "training"],
      "world": ["sampleCount", "nothingFraction", "parentOnlyFraction", "parentAndChildFraction", "magnitude",
                "childAngleDegrees", "childMagnitude"],
      "variants": ["name", "bias", "childMagnitude"],
      "exactCases": ["childAngleDegrees", "bias"],
      "training": ["initialSweeps", "sweepsPerIteration", "maxIterations", "minimumIterations", "stepTolerance",
                   "kktTolerance", "kktCheckInterval"],
    ]
    func check(_ object: [String: Any], section: String) throws {
      for key in object.keys.sorted() where !(known[section]?.contains(key) ?? true) {
        let allowed = known[section] ?? []
        let nearest = allowed.min { EditDistance.between(key, $0) < EditDistance.between(key, $1) } ?? ""
        let place = section.isEmpty ? "" : " in '\(section)'"
        throw ToyFileError(path: path, "unknown field '\(key)'\(place). Did you mean '\(nearest)'? Known: \(allowed.sorted().joined(separator: ", "))")
      }
    }
    try check(root, section: "")
    for section in ["world", "training"] {
      if let object = root[section] as? [String: Any] { try check(object, section: section) }
    }
    for section in ["variants", "exactCases"] {
      for object in (root[section] as? [[String: Any]]) ?? [] { try check(object, section: section) }
    }
  }
}
