/// The header of a NumPy `.npy` file: the Python dict literal
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` (NumPy's `format` module, versions 1.0–3.0).
struct NumPyHeader: Equatable {
  /// The dtype string, e.g. `<f8`.
  var descr: String
  /// Whether the data are stored column-major.
  var fortranOrder: Bool
  /// The array's shape; `[]` for a scalar.
  var shape: [Int]

  /// The header text as NumPy writes it, padded with spaces and ended by a newline so that
  /// the magic, version, length field and text together fill a multiple of 64 bytes.
  func encoded(prefixLength: Int) -> String {
    let dims = shape.map(String.init)
    let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
    let text = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tuple), }"
    let unpadded = prefixLength + text.utf8.count + 1
    let padding = (64 - unpadded % 64) % 64
    return text + String(repeating: " ", count: padding) + "\n"
  }

  /// Parses the dict literal; `problem` receives a description of what is malformed.
  static func parse(_ text: String) throws(NumPyHeaderProblem) -> NumPyHeader {
    var scanner = Scanner(Array(text.unicodeScalars))
    var fields: [String: Value] = [:]
    try scanner.expect("{")
    while true {
      scanner.skipSpaces()
      if scanner.consume("}") { break }
      let key = try scanner.string()
      try scanner.expect(":")
      fields[key] = try scanner.value()
      scanner.skipSpaces()
      if scanner.consume(",") { continue }
      try scanner.expect("}")
      break
    }
    guard case .string(let descr)? = fields["descr"] else { throw .missing("descr") }
    guard case .bool(let fortran)? = fields["fortran_order"] else { throw .missing("fortran_order") }
    guard case .tuple(let shape)? = fields["shape"] else { throw .missing("shape") }
    if let negative = shape.first(where: { $0 < 0 }) { throw .malformed("'shape' has a negative dimension \(negative)") }
    return NumPyHeader(descr: descr, fortranOrder: fortran, shape: shape)
  }

  private enum Value {
    case string(String), bool(Bool), tuple([Int])
  }

  /// A character-level reader of the header's Python literal.
  private struct Scanner {
    let characters: [Unicode.Scalar]
    var position = 0

    init(_ characters: [Unicode.Scalar]) { self.characters = characters }

    mutating func skipSpaces() {
      while position < characters.count, characters[position].properties.isWhitespace { position += 1 }
    }

    mutating func consume(_ literal: Unicode.Scalar) -> Bool {
      skipSpaces()
      guard position < characters.count, characters[position] == literal else { return false }
      position += 1
      return true
    }

    mutating func expect(_ literal: Unicode.Scalar) throws(NumPyHeaderProblem) {
      guard consume(literal) else { throw .malformed("expected '\(literal)' at character \(position)") }
    }

    mutating func string() throws(NumPyHeaderProblem) -> String {
      skipSpaces()
      guard position < characters.count, characters[position] == "'" || characters[position] == "\"" else {
        throw .malformed("expected a quoted string at character \(position)")
      }
      let quote = characters[position]
      position += 1
      var result = String.UnicodeScalarView()
      while position < characters.count, characters[position] != quote {
        result.append(characters[position])
        position += 1
      }
      guard position < characters.count else { throw .malformed("unterminated string") }
      position += 1
      return String(result)
    }

    mutating func word() -> String {
      skipSpaces()
      var result = String.UnicodeScalarView()
      while position < characters.count, characters[position].properties.isAlphabetic || ("0"..."9").contains(characters[position]) {
        result.append(characters[position])
        position += 1
      }
      return String(result)
    }

    mutating func value() throws(NumPyHeaderProblem) -> Value {
      skipSpaces()
      guard position < characters.count else { throw .malformed("unexpected end of header") }
      switch characters[position] {
      case "'", "\"": return .string(try string())
      case "(":
        position += 1
        var dims: [Int] = []
        while true {
          if consume(")") { break }
          let digits = word().replacingOccurrences(of: "L", with: "")
          guard let dim = Int(digits) else { throw .malformed("'shape' has a non-integer entry '\(digits)'") }
          dims.append(dim)
          if consume(",") { continue }
          try expect(")")
          break
        }
        return .tuple(dims)
      default:
        switch word() {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case let other: throw .malformed("unexpected value '\(other)' at character \(position)")
        }
      }
    }
  }
}

/// What is wrong with a `.npy` header.
enum NumPyHeaderProblem: Error {
  case missing(String)
  case malformed(String)

  var message: String {
    switch self {
    case .missing(let field): "header has no field '\(field)'"
    case .malformed(let detail): "malformed header: \(detail)"
    }
  }
}
