import ArgumentParser
import Foundation

/// The `lab` command: run experiments of the SparseLab theory lab and write their reports.
///
/// Exit codes: 0 when every check passed, 1 when a check failed or was inconclusive, 2 for bad
/// input (unknown experiment, malformed toy file, bad option).
@main
struct Lab: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lab",
    abstract: "A lab for the theory of sparse autoencoders and dictionary learning.",
    version: LabVersion.current,
    subcommands: [Run.self, Show.self, Check.self, Encode.self, Learn.self, Train.self, Eval.self, Generate.self, Bench.self,
                  List.self, Report.self],
    defaultSubcommand: Run.self)

  /// Parses, runs and maps every kind of bad input to exit code 2.
  static func main() {
    // Line-buffered standard output, so that a piped long run (a benchmark into `tee`, a
    // killed sweep) has printed every finished line. Swift 6 refuses any reference to C's
    // `stdout` global (shared mutable state), so the stream is looked up by its symbol.
    if let symbol = dlsym(nil, "stdout") { setvbuf(symbol.load(as: UnsafeMutablePointer<FILE>.self), nil, _IOLBF, 0) }
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let code as ExitCode {
      Glibc.exit(code.rawValue)
    } catch {
      let exitCode = self.exitCode(for: error)
      if exitCode == .success {
        print(fullMessage(for: error))  // --help, --version
        Glibc.exit(0)
      }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Glibc.exit(BadInput.exitCode)
    }
  }
}

/// The lab's version, recorded in every run record.
enum LabVersion {
  static let current = "0.1.0"
}

/// Exit code and message for input the lab cannot use.
enum BadInput {
  static let exitCode: Int32 = 2

  /// Prints `message` to standard error and exits with code 2.
  static func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(exitCode)
  }
}
