import Foundation

/// Which number of a JSON file a decoder could not hold. Foundation's `JSONDecoder` on Linux
/// reports a negative seed, a fractional count or an integer beyond 64 bits as "not valid JSON"
/// with no field; this finds the field by decoding again with candidate numbers set to 0.
enum NumberFieldDiagnosis {
  /// "field 'seed' is -1, …" for the first number in `data` that keeps `type` from decoding, or nil
  /// when no single number is the cause.
  static func message<T: Decodable>(_ type: T.Type, data: Data) -> String? {
    guard let root = try? JSONSerialization.jsonObject(with: data) else { return nil }
    let candidates = numbers(in: root, at: []).filter { !isWholeNumber($0.value) }
    guard !candidates.isEmpty else { return nil }
    // With every candidate at 0 the file must decode; then the first candidate that breaks it alone is the cause.
    let cleared = candidates.reduce(root) { replacing($0, at: $1.path, with: 0) }
    guard decodes(type, cleared) else { return nil }
    for candidate in candidates where !decodes(type, replacing(cleared, at: candidate.path, with: candidate.value)) {
      let steps = candidate.path.map { step -> String in step.index.map { "[\($0)]" } ?? "." + (step.key ?? "") }.joined()
      let field = steps.hasPrefix(".") ? String(steps.dropFirst()) : steps
      return "field '\(field)' is \(candidate.value), which is not a whole number in the range the field holds "
        + "(counts and seeds are integers ≥ 0)"
    }
    return nil
  }

  /// One step into a JSON value: a key of an object or an index of an array.
  struct Step {
    var key: String?
    var index: Int?
  }

  private static func numbers(in value: Any, at path: [Step]) -> [(path: [Step], value: NSNumber)] {
    if let object = value as? [String: Any] {
      return object.keys.sorted().flatMap { numbers(in: object[$0]!, at: path + [Step(key: $0)]) }
    }
    if let array = value as? [Any] { return array.enumerated().flatMap { numbers(in: $1, at: path + [Step(index: $0)]) } }
    if let number = value as? NSNumber, !(value is Bool) { return [(path, number)] }
    return []
  }

  /// Whether `number` is an integer in 0...Int64.max, which every integer field can hold.
  private static func isWholeNumber(_ number: NSNumber) -> Bool {
    let double = number.doubleValue
    return double >= 0 && double.rounded() == double && double < 9.2e18
  }

  private static func replacing(_ value: Any, at path: [Step], with new: Any) -> Any {
    guard let step = path.first else { return new }
    if let key = step.key, var object = value as? [String: Any], let child = object[key] {
      object[key] = replacing(child, at: Array(path.dropFirst()), with: new)
      return object
    }
    if let index = step.index, var array = value as? [Any], array.indices.contains(index) {
      array[index] = replacing(array[index], at: Array(path.dropFirst()), with: new)
      return array
    }
    return value
  }

  private static func decodes<T: Decodable>(_ type: T.Type, _ value: Any) -> Bool {
    guard let data = try? JSONSerialization.data(withJSONObject: value) else { return false }
    return (try? JSONDecoder().decode(type, from: data)) != nil
  }
}
