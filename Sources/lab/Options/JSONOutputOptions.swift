import ArgumentParser

/// `--json`, with one meaning in every command that has it: print the JSON record (or summary) on
/// standard output instead of text. Writing JSON to a file is a separately named `--json-out FILE`.
struct JSONOutputOptions: ParsableArguments {
  @Flag(name: .long, help: "Print JSON on standard output instead of text.")
  var json = false
}
