/// A closed set that toy files and run records name by strings (its raw values): decoding an
/// unknown name fails with a message listing the known ones, which the toy and record readers
/// prefix with the field.
public protocol NamedCase: RawRepresentable<String>, CaseIterable, Codable, Sendable {}

extension NamedCase {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    let name = try container.decode(String.self)
    guard let value = Self(rawValue: name) else {
      let known = Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be one of \(known), got \"\(name)\"")
    }
    self = value
  }
}
