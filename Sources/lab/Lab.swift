import ArgumentParser
import Foundation
import LabExperiments
import LabGenerators
import LabNumerics

/// The `lab` command: run experiments of the SparseLab theory lab and write their reports.
///
/// Exit codes: 0 when every check passed, 1 when a check failed or was inconclusive, 2 for bad
/// input (unknown command or experiment, malformed toy file, bad option), with one line on
/// standard error naming the file, field or option and the value. Bare `lab` prints this help;
/// experiments run only through `lab run`.
@main
struct Lab: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lab",
    abstract: "A lab for the theory of sparse autoencoders and dictionary learning.",
    discussion: """
      Examples:
        lab list
        lab run hierarchy --quick
        lab generate tree --out world
        lab learn --data world/X.npy --atoms 8 --lambda 0.05 --out learned
        lab check --data world/X.npy --dictionary learned/dictionary.npy --lambda 0.05
      """,
    version: LabVersion.current,
    subcommands: [Run.self, Show.self, Check.self, Encode.self, Learn.self, Train.self, Eval.self, Generate.self, Bench.self, Activations.self,
                  List.self, Report.self])

  /// Parses, runs and maps every kind of bad input to exit code 2.
  static func main() {
    // Line-buffered standard output, so that a piped long run (a benchmark into `tee`, a
    // killed sweep) has printed every finished line. Swift 6 refuses any reference to C's
    // `stdout` global (shared mutable state), so the stream is looked up by its symbol.
    if let stream = StandardStreams.output { setvbuf(stream, nil, _IOLBF, 0) }
    // A file-size limit (RLIMIT_FSIZE) makes a write fail with EFBIG, reported as an unwritable
    // output, instead of killing the process mid-write.
    signal(SIGXFSZ, SIG_IGN)
    // Blocks of codes, correlations and batches are allocated and freed again and again. A block
    // glibc maps with mmap is faulted in and zeroed by the kernel anew every time: a tenth of
    // `lab encode`'s CPU with 41 MB blocks, and a fifth of `lab check --sae`'s with 16,384 latents,
    // whose batches hold 134 MB of codes and correlations each (6.4 million page faults at 10⁴
    // points). glibc refuses an mmap threshold above 32 MB, so nothing is mapped any more: every
    // block comes from the heap, which keeps up to 1 GB of freed memory for reuse (1.6 million faults).
    _ = glibcMallopt(-4 /* M_MMAP_MAX */, 0)
    _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
    // OpenBLAS's pool, started when the library loaded, spins for about 0.1 s waiting for work and
    // takes a core from commands whose workers each run one-thread BLAS (`lab encode --threads 2`).
    // BLAS starts on one thread with the pool stopped; a command that sets more threads (its
    // --threads) starts the pool again.
    BLAS.setThreadCount(1)
    BLAS.stopIdleThreads()
    let (arguments, notes) = CommandLineRewrite.rewrite(Array(CommandLine.arguments.dropFirst()))
    let command: ParsableCommand
    do {
      command = try parseAsRoot(arguments)
    } catch {
      for note in notes { StandardStreams.error(note + "\n") }
      // Looked at only when parsing fails: naming every command costs the runtime a type lookup
      // per command, a tenth of a small `lab encode`'s start-up.
      if let problem = unknownCommand(arguments) { StandardStreams.exit(BadInput.fail(problem).rawValue) }
      exit(after: error)
    }
    // Reports are computed with one OpenBLAS kernel set on every machine that has it, also where
    // `lab report --merge` computes a merged sweep's figures; choosing it may start the process
    // again, so nothing is printed before.
    if command is Run || command is Report { ReportKernels.restartIfNeeded() }
    for note in notes { StandardStreams.error(note + "\n") }
    do {
      var command = command
      try command.run()
      StandardStreams.exit(0)
    } catch {
      exit(after: error)
    }
  }

  /// Exits with the code `error` asks for: an ``ExitCode`` its own, --help and --version 0 after
  /// printing, anything else 2 after one line on standard error.
  static func exit(after error: Error) -> Never {
    if let code = error as? ExitCode { StandardStreams.exit(code.rawValue) }
    if exitCode(for: error) == .success {
      print(fullMessage(for: error))  // --help, --version
      StandardStreams.exit(0)
    }
    StandardStreams.exit(BadInput.fail(message(for: error)).rawValue)
  }

  /// The message for a first argument that is not a command: an experiment's name points to
  /// `lab run`, anything else gets the nearest command. Nil when the first argument is an option
  /// or a command.
  static func unknownCommand(_ arguments: [String]) -> String? {
    guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
    let commands = configuration.subcommands.map { $0._commandName } + ["help"]
    if commands.contains(first) { return nil }
    if ExperimentRegistry.names.contains(first) {
      return "'\(first)' is an experiment, not a command; run it with 'lab run \(first)'."
    }
    return "Unknown command '\(first)'. Did you mean '\(Nearest.name(to: first, in: commands))'? "
      + "Commands: \(commands.joined(separator: ", "))."
  }
}

/// The lab's version, recorded in every run record.
enum LabVersion {
  static let current = "0.1.0"
}

/// Exit code and message for input the lab cannot use.
enum BadInput {
  static let exitCode: Int32 = 2

  /// Prints `message` to standard error on one line (a multi-line message, such as the parser's
  /// list of allowed values, is joined) and returns exit code 2 to throw.
  static func fail(_ message: String) -> ExitCode {
    let line = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    StandardStreams.error("error: \(line)\n")
    return ExitCode(exitCode)
  }
}

/// glibc's `mallopt` (malloc.h is not part of Swift's Glibc module, nor are its M_* constants).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
