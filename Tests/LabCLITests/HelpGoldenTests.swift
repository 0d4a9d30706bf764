import ArgumentParser
import Foundation
import LabTestSupport
import Testing

@testable import lab

/// The whole help screen of every command, pinned as golden files (as swift-argument-parser's
/// own example tests do), so that a change to an option, a default or a text is a visible diff.
/// After an intended change, regenerate with `LAB_UPDATE_HELP=1 swift test --filter HelpGoldenTests`.
@Suite("Help screens")
struct HelpGoldenTests {
  /// Every command path, the root included, read from the command tree: a new command is covered
  /// (and needs its golden file) as soon as it is registered.
  static let commands: [[String]] = paths(Lab.self)

  /// `command`'s path below the root and those of every command under it.
  static func paths(_ command: any ParsableCommand.Type, prefix: [String] = []) -> [[String]] {
    [prefix] + command.configuration.subcommands.flatMap { paths($0, prefix: prefix + [$0._commandName]) }
  }

  /// The golden files' directory, beside this source file.
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/help")

  /// The golden file of `command`.
  static func golden(_ command: [String]) -> URL {
    fixtures.appendingPathComponent((["lab"] + command).joined(separator: "-") + ".txt")
  }

  @Test("lab … --help prints exactly the golden help screen (at 100 columns)", arguments: commands)
  func helpScreen(_ command: [String]) throws {
    let result = try LabExecutable.run(command + ["--help"], environment: ["COLUMNS": "100"])
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    if ProcessInfo.processInfo.environment["LAB_UPDATE_HELP"] == "1" {
      try Data(result.stdout.utf8).write(to: Self.golden(command))
    }
    let expected = try String(contentsOf: Self.golden(command), encoding: .utf8)
    #expect(result.stdout == expected, "lab \(command.joined(separator: " ")) --help differs from \(Self.golden(command).lastPathComponent)")
  }

  @Test("Every command's help has an Examples section of its own command, unwrapped at 100 columns", arguments: commands)
  func examples(_ command: [String]) throws {
    let help = try LabExecutable.run(command + ["--help"], environment: ["COLUMNS": "100"]).stdout
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex(of: "Examples:"), "no Examples section in lab \(command.joined(separator: " ")) --help")
    let examples = Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    #expect(!examples.isEmpty)
    // Each line is a command of its own, or the continuation of one that ends with a backslash.
    let prefix = "  " + (["lab"] + command).joined(separator: " ")
    for (index, line) in examples.enumerated() {
      let continues = index > 0 && examples[index - 1].hasSuffix(" \\")
      #expect(continues ? line.hasPrefix("    ") : line.hasPrefix(prefix), "lab \(command.joined(separator: " ")): '\(line)'")
    }
  }
}
