import Testing

@testable import lab

/// The rewrite of the command line before parsing: deprecated spellings and negative numbers.
@Suite("Command-line rewrite")
struct CommandLineRewriteTests {
  @Test("Every deprecated spelling becomes the new one, in both forms, with a note naming both", arguments: CommandLineRewrite.renames.filter { $0.new != nil })
  func renamed(_ rename: CommandLineRewrite.Rename) throws {
    let new = try #require(rename.new)
    let separate = CommandLineRewrite.rewrite(rename.command + [rename.old, "value"])
    #expect(separate.arguments == rename.command + [new, "value"])
    #expect(separate.notes.count == 1 && separate.notes[0].contains(rename.old) && separate.notes[0].contains("'\(new)'"), "\(separate.notes)")
    let attached = CommandLineRewrite.rewrite(rename.command + ["\(rename.old)=value"])
    #expect(attached.arguments == rename.command + ["\(new)=value"] && attached.notes.count == 1)
  }

  @Test("The same spelling in another command is left alone")
  func otherCommands() {
    #expect(CommandLineRewrite.rewrite(["learn", "--out", "dir"]) == (["learn", "--out", "dir"], []))
    #expect(CommandLineRewrite.rewrite(["bench", "learn", "--threads", "2"]) == (["bench", "learn", "--threads", "2"], []))
    #expect(CommandLineRewrite.rewrite(["run", "--json"]) == (["run", "--json"], []))
  }

  @Test("check --json alone stays the JSON flag; with a value it is --json-out")
  func checkJSON() {
    #expect(CommandLineRewrite.rewrite(["check", "--json", "--data", "X.npy"]) == (["check", "--json", "--data", "X.npy"], []))
    #expect(CommandLineRewrite.rewrite(["check", "--data", "X.npy", "--json"]) == (["check", "--data", "X.npy", "--json"], []))
    #expect(CommandLineRewrite.rewrite(["check", "--json", "out.json"]).arguments == ["check", "--json-out", "out.json"])
  }

  @Test("show --threads and its value are dropped with a note")
  func removed() {
    let (arguments, notes) = CommandLineRewrite.rewrite(["show", "hierarchy", "--threads", "3", "--quick"])
    #expect(arguments == ["show", "hierarchy", "--quick"])
    #expect(notes == ["warning: '--threads' has no effect on 'lab show' and is ignored; it will be removed in the next release."])
    #expect(CommandLineRewrite.rewrite(["show", "hierarchy", "--threads=3"]).arguments == ["show", "hierarchy"])
  }

  @Test("A negative number after an option is attached to it, so that the option's check names it")
  func negativeNumbers() {
    #expect(CommandLineRewrite.rewrite(["learn", "--lambda", "-1", "--atoms", "-2"]).arguments == ["learn", "--lambda=-1", "--atoms=-2"])
    #expect(CommandLineRewrite.rewrite(["train", "--lr", "-1e-3"]).arguments == ["train", "--lr=-1e-3"])
    #expect(CommandLineRewrite.rewrite(["train", "--lr", "-inf"]).arguments == ["train", "--lr=-inf"])
    // Options that are not numbers, and everything after "--", stay as they are.
    #expect(CommandLineRewrite.rewrite(["run", "--quick", "--json"]).arguments == ["run", "--quick", "--json"])
    #expect(CommandLineRewrite.rewrite(["run", "--", "--lambda", "-1"]).arguments == ["run", "--", "--lambda", "-1"])
  }
}
