/// What the entry point does to the command line before parsing: old spellings of renamed options
/// become the new ones (each with a one-line deprecation note; they keep working for one release),
/// and a negative number after an option is attached to it (`--lambda -1` → `--lambda=-1`), so
/// that the option's own check names the bad value instead of the parser saying "Missing value".
enum CommandLineRewrite {
  /// An option renamed (or removed, when `new` is nil) in one command.
  struct Rename {
    /// The command path, e.g. `["bench", "encode"]`.
    var command: [String]
    /// The old spelling, with its dashes.
    var old: String
    /// The new spelling; nil when the option was removed (it and its value are dropped).
    var new: String?
    /// Whether the old spelling is renamed only when a value follows it (`check --json PATH`,
    /// while `check --json` alone is the JSON flag every command shares).
    var onlyWithValue = false
  }

  /// Every deprecated spelling.
  static let renames: [Rename] = [
    Rename(command: ["check"], old: "--json", new: "--json-out", onlyWithValue: true),
    Rename(command: ["encode"], old: "--out", new: "--codes-out"),
    Rename(command: ["show"], old: "--threads", new: nil),
    Rename(command: ["bench", "encode"], old: "--n", new: "--samples"),
    Rename(command: ["bench", "encode"], old: "--threads", new: "--thread-counts"),
    Rename(command: ["bench", "learn"], old: "--no-peers", new: "--skip-peers"),
    Rename(command: ["bench", "learn"], old: "--n-train", new: "--train-samples"),
    Rename(command: ["bench", "learn"], old: "--n-eval", new: "--eval-samples"),
    Rename(command: ["bench", "train"], old: "--data", new: "--data-dir"),
  ]

  /// The rewritten arguments (without the executable) and the notes to print on standard error.
  static func rewrite(_ arguments: [String]) -> (arguments: [String], notes: [String]) {
    let command = arguments.first == "bench" ? Array(arguments.prefix(2)) : Array(arguments.prefix(1))
    let renames = Self.renames.filter { $0.command == command }
    var result: [String] = [], notes: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" { result += arguments[index...]; break }
      let (name, attached) = split(argument)
      let next = index + 1 < arguments.count ? arguments[index + 1] : nil
      let hasValue = attached != nil || (next.map { !$0.hasPrefix("-") || isNumber($0) } ?? false)
      if let rename = renames.first(where: { $0.old == name && (!$0.onlyWithValue || hasValue) }) {
        let label = "lab " + rename.command.joined(separator: " ")
        guard let new = rename.new else {
          notes.append("warning: '\(name)' has no effect on '\(label)' and is ignored; it will be removed in the next release.")
          index += attached == nil && hasValue ? 2 : 1
          continue
        }
        notes.append("warning: '\(label) \(name)' is deprecated and will be removed in the next release; use '\(new)'.")
        result.append(attached.map { "\(new)=\($0)" } ?? new)
      } else if name.hasPrefix("--"), attached == nil, let next, next.hasPrefix("-"), isNumber(next) {
        result.append("\(argument)=\(next)")
        index += 2
        continue
      } else {
        result.append(argument)
      }
      index += 1
    }
    return (result, notes)
  }

  /// `--name=value` as (`--name`, `value`); any other argument as (argument, nil).
  private static func split(_ argument: String) -> (name: String, value: String?) {
    guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
    return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
  }

  /// Whether `text` reads as a number (`-1`, `-0.5`, `-1e-3`, `-inf`, `-nan`).
  private static func isNumber(_ text: String) -> Bool { Double(text) != nil }
}
