import ArgumentParser

/// `--seed S`, shared by every command that draws random numbers: the root seed of every draw.
/// Commands that read a toy default to the toy's seed; the others default to 0.
struct SeedOption: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Root seed of every random draw (default: the toy's seed, or 0).", valueName: "S"))
  var seed: UInt64?
}
