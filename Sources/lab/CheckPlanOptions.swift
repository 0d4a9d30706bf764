import ArgumentParser
import LabChecks

/// The options of `lab check` that steer which parts run (issue 16): skip parts, run every part,
/// force streaming, save the confirmed descent step.
struct CheckPlanOptions: ParsableArguments {
  @Option(name: .long, parsing: .singleValue,
          help: ArgumentHelp("A part not to run: \(CheckPlan.Part.allCases.map(\.rawValue).joined(separator: ", ")) (repeatable). Skipping lp-r leaves a verdict without a verified descent inconclusive (docs/theory-guide.md §4).",
                             valueName: "part"))
  var skip: [String] = []

  @Flag(name: .long, help: "Run LP-R, CERT and the stars even when a verified LP-K descent has settled the verdict.")
  var full = false

  @Flag(name: .long, help: "Check in streaming passes over the data (no LP-R, CERT or stars; LP-K by its verified closed form) even when the codes fit in memory.")
  var streaming = false

  @Option(name: .customLong("save-move"),
          help: ArgumentHelp("After a confirmed descent, write the moved dictionary (and bias) to DIR/dictionary.npy (bias.npy), as lab learn --init DIR reads them.",
                             valueName: "DIR"))
  var saveMove: String?

  /// The plan, or a validation error naming the option and the value.
  func plan() throws -> CheckPlan {
    var parts = Set<CheckPlan.Part>()
    for name in skip {
      guard let part = CheckPlan.Part(rawValue: name) else {
        throw ValidationError("'--skip' must be one of \(CheckPlan.Part.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'.")
      }
      parts.insert(part)
    }
    return CheckPlan(skipping: parts, full: full)
  }

  /// The options as they appear on a reproducing command line.
  var commandLine: [String] {
    skip.map { "--skip \($0)" } + (full ? ["--full"] : []) + (streaming ? ["--streaming"] : []) + (saveMove.map { ["--save-move \($0)"] } ?? [])
  }
}
