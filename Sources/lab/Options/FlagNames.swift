
/// One command's options by the library parameter each one sets, so that an error raised by a
/// library names the option the user typed: the libraries' messages have the form
/// "The 'activeCount' parameter of SparseEncoder must be … Got … instead.", which becomes
/// "'--k' must be … Got … instead." A parameter the command does not map is left as it is.
struct FlagNames: ExpressibleByDictionaryLiteral {
  /// Option (with its dashes) by parameter name.
  var flags: [String: String]

  init(dictionaryLiteral elements: (String, String)...) {
    flags = Dictionary(elements, uniquingKeysWith: { first, _ in first })
  }

  /// The message of `error` with every mapped parameter named by its option.
  func rewrite(_ error: any Error) -> String {
    rewrite("\(error)")
  }

  /// `message` with every mapped parameter named by its option: the message's subject, and the
  /// parameters its requirement quotes ("… which takes 'l1', 'k'"). Text outside that format is left as it is.
  func rewrite(_ message: String) -> String {
    guard let subject = message.firstMatch(of: #/The '(\w+)' parameter of [\w.]+ /#) else { return message }
    let requirement = message[subject.range.upperBound...].replacing(#/'(\w+)'/#) { match in
      flags[String(match.output.1)].map { "'\($0)'" } ?? String(match.output.0)
    }
    let named = flags[String(subject.output.1)].map { "'\($0)' " } ?? String(subject.output.0)
    return message[..<subject.range.lowerBound] + named + requirement
  }
}
