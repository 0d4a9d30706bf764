import Foundation
import LabFormats
import LabGenerators

/// Reads and validates toy files (JSON, one experiment per file in `toys/`).
public enum ToyLoader {
  /// Largest toy file accepted, in bytes.
  public static let maximumFileSize = 1 << 20

  /// The largest magnitude a number of a toy may have, its seeds aside: 10¹², so that data drawn at
  /// that scale, squared and summed over a billion samples, stays finite in float32 (3.4·10³⁸). A
  /// larger value (a magnitude of 10³⁰⁰ would run on infinities) is refused naming its field.
  public static let largestMagnitude = 1e12

  /// Decodes the toy at `path`, rejecting unknown keys (with the nearest known one) and invalid
  /// values with a message that names the file, the field and the value. The known keys are those
  /// of the canonical encoding of `Toy.default`, so the format has one definition: the type.
  public static func load<Toy: ExperimentToy>(_ type: Toy.Type, path: String) throws -> Toy {
    let data = try read(path)
    if let root = try? JSONSerialization.jsonObject(with: data),
      let known = try? JSONSerialization.jsonObject(with: encode(Toy.default)) {
      try rejectUnknownKeys(root, known: known, section: "", path: path)
      try rejectLargeNumbers(root, field: "", path: path)
    }
    let toy: Toy
    do {
      toy = try JSONDecoder().decode(Toy.self, from: data)
    } catch {
      throw ToyFileError(path: path, decoding: error, data: data, as: Toy.self)
    }
    // The id names the report, the record and the figures written into --out.
    if let problem = PlainName.problem(toy.id, maximumBytes: PlainName.stemBytes) { throw ToyFileError(path: path, "field 'id' must be a plain file name, but '\(toy.id)' \(problem)") }
    let problems = toy.problems()
    guard problems.isEmpty else { throw ToyFileError(path: path, problems.joined(separator: "; ")) }
    return toy
  }

  /// Fails when `toy`, read from `path` and in the form that will run (`--quick` applied), needs more
  /// memory than the machine has (``ExperimentToy/memory()``): checked before anything is allocated,
  /// the refusal names the fields that set the sizes and says how much they need (issue 20).
  public static func requireMemory<Toy: ExperimentToy>(_ toy: Toy, path: String) throws {
    if let problem = toy.memory().problem() { throw ToyFileError(path: path, problem) }
  }

  /// The canonical JSON text of a toy (sorted keys, pretty-printed), as written to `toys/`.
  public static func encode<Toy: ExperimentToy>(_ toy: Toy) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(toy) + Data("\n".utf8)
  }

  static func read(_ path: String) throws -> Data {
    let url = URL(fileURLWithPath: path)
    if let problem = FileProblem.input(path) { throw ToyFileError(path: path, problem) }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size <= maximumFileSize else {
      throw ToyFileError(path: path, "file is \(size) bytes, larger than the \(maximumFileSize)-byte limit for toy files")
    }
    do { return try Data(contentsOf: url) } catch { throw ToyFileError(path: path, "cannot be read: \(FileProblem.reason(error))") }
  }

  /// Fails on a number other than a seed whose magnitude exceeds ``largestMagnitude``, naming its field.
  private static func rejectLargeNumbers(_ value: Any, field: String, path: String) throws {
    if let object = value as? [String: Any] {
      for key in object.keys.sorted() where key != "seed" {
        try rejectLargeNumbers(object[key]!, field: field.isEmpty ? key : "\(field).\(key)", path: path)
      }
    } else if let array = value as? [Any] {
      for (index, element) in array.enumerated() { try rejectLargeNumbers(element, field: "\(field)[\(index)]", path: path) }
    } else if let number = value as? NSNumber, !(abs(number.doubleValue) <= largestMagnitude) {
      throw ToyFileError(path: path, "field '\(field)' must have a magnitude of at most \(String(format: "%g", largestMagnitude)), got \(number)")
    }
  }

  /// Fails on a key that the default toy does not have at the same place, suggesting the nearest one.
  private static func rejectUnknownKeys(_ value: Any, known: Any, section: String, path: String) throws {
    if let object = value as? [String: Any], let knownObject = known as? [String: Any] {
      for key in object.keys.sorted() {
        guard let knownChild = knownObject[key] else {
          let allowed = knownObject.keys.sorted()
          let nearest = Nearest.name(to: key, in: allowed)
          let place = section.isEmpty ? "" : " in '\(section)'"
          throw ToyFileError(path: path, "unknown field '\(key)'\(place). Did you mean '\(nearest)'? Known: \(allowed.joined(separator: ", "))")
        }
        try rejectUnknownKeys(object[key]!, known: knownChild, section: key, path: path)
      }
    } else if let array = value as? [Any], let knownArray = known as? [Any] {
      // Every element is checked against the union of the default's elements.
      var union: [String: Any] = [:]
      for element in knownArray { (element as? [String: Any])?.forEach { union[$0.key] = $0.value } }
      guard !union.isEmpty else { return }
      for element in array { try rejectUnknownKeys(element, known: union, section: section, path: path) }
    }
  }
}
