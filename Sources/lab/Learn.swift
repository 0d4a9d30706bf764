import ArgumentParser
import Foundation
import LabFormats
import LabNumerics
import LabRandom
import LabSolvers

/// `lab learn`: learn a dictionary for P⁺_λ from an `.npy` data file and write it, the bias, the
/// exact codes and a JSON summary (objective history, KKT residuals, termination reason).
struct Learn: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "learn",
    abstract: "Learn a unit-norm dictionary (nonnegative L1 codes) from X.npy and write DIR/dictionary.npy, bias.npy, codes.npy, summary.json.",
    discussion: """
      Prints the summary as one JSON line. A given seed and thread count give the same bytes.

      Examples:
        lab learn --data X.npy --atoms 8 --lambda 0.05 --out learned
        lab learn --data X.npy --atoms 8 --lambda 0.05 --bias --method block --epochs 50 --out learned
        lab learn --data X.npy --atoms 8 --lambda 0.05 --init learned --out learned-more
      """)

  @Option(name: .long, help: ArgumentHelp("The data X, N×m float32/float64 .npy (rows are samples).", valueName: "path"))
  var data: String

  @Option(name: .long, help: ArgumentHelp("Number of atoms K.", valueName: "K"))
  var atoms: Int

  @Option(name: .customLong("lambda"), help: ArgumentHelp("L1 weight λ > 0 (loss summed over points).", valueName: "L"))
  var lambda: Double

  @Flag(name: .long, help: "Fit a free decoder bias b.")
  var bias = false

  @Option(name: .long, help: "Learner.")
  var method: LearnMethod = .online

  @Option(name: .long, help: ArgumentHelp("Passes over the data (outer iterations for block and mod), default 10; a given budget bounds the run, which is then not polished and exits 1 when not certified.", valueName: "E"))
  var epochs: Int?

  @Option(name: .long, help: ArgumentHelp("Mini-batch size (online).", valueName: "B"))
  var batch: Int = 256

  @Option(name: .long, help: SurrogateMemory.help)
  var memory: SurrogateMemory = .standard

  @Flag(name: .long, help: "Online: after every epoch move each unused or duplicate atom to the new atom of the new-atom test on the residuals of 4,096 points and, without --bias, rotate each atom that fires only where another fires by the exact pair move; keep only moves with a measured decrease of their loss (replaces the dead-atom re-seeding).")
  var escape = false

  @OptionGroup var seeding: SeedOption

  @OptionGroup var threading: ThreadOptions

  @Option(name: .customLong("time-limit"), help: ArgumentHelp("Stop after this many seconds, counted from the start after loading X: training and polishing stop inside an iteration (within one atom's pass over the points, one mini-batch or one MOD step), then one exact-codes pass of the dictionary reached runs, the certificate's verdict is skipped once the limit has passed (the summary's skipped list says so), the result is written and the exit code is 1 unless certified.", valueName: "seconds"))
  var timeLimit: Double?

  @Option(name: .customLong("init"), help: ArgumentHelp("Continue from the dictionary.npy (and bias.npy) saved in DIR.", valueName: "DIR"))
  var initDirectory: String?

  @Option(name: .long, help: ArgumentHelp("Output directory.", valueName: "DIR"))
  var out: String

  @OptionGroup var progress: ProgressOptions

  /// The root seed (0 unless `--seed` is given).
  var seed: UInt64 { seeding.seed ?? 0 }

  /// The thread count of `--threads`.
  var threads: Int { threading.threads }

  func validate() throws {
    if atoms < 1 { throw ValidationError("'--atoms' must be at least 1, got \(atoms)") }
    if !(lambda.isFinite && lambda > 0) { throw ValidationError("'--lambda' must be a finite number > 0, got \(lambda)") }
    if let epochs, epochs < 1 { throw ValidationError("'--epochs' must be at least 1, got \(epochs)") }
    if batch < 1 { throw ValidationError("'--batch' must be at least 1, got \(batch)") }
    if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
      throw ValidationError("'--time-limit' must be a finite number of seconds > 0, got \(timeLimit)")
    }
  }

  func run() throws {
    try OutputCheck.validate([.directory("--out", out, names: LearnSummary.names)], inputs: [data] + [initDirectory].compactMap { $0 })
    let input: LearnInput
    do { input = try LearnInput.load(data: data, atoms: atoms, bias: bias, initDirectory: initDirectory) } catch {
      throw BadInput.fail("\(error)")
    }
    let (n, m) = (input.samples.rows, input.samples.columns)
    // The codes three times (the result, its .npy values and bytes), the dictionary and its Gram matrix twice, in float64;
    // --escape adds the atoms' Gram matrix and the K × K co-firing counts of the pair test.
    try MemoryCheck.require("'--atoms' \(atoms) on \(n) points of dimension \(m)",
                            [(MemoryBudget.product(n, atoms), 3 * 8), (MemoryBudget.product(atoms, m), 4 * 8),
                             (MemoryBudget.product(atoms, atoms), (escape ? 4 : 2) * 8)])
    BLAS.setThreadCount(threads)
    let started = Date()
    let deadline = timeLimit.map { LearningDeadline(seconds: $0) }
    var generator = SeedTree(root: seed).generator(for: "learn/initial-dictionary")
    let dictionary = input.initialDictionary
      ?? InitialDictionary.fromSamples(input.samples, atoms: atoms, using: &generator)
    let settings = LearnMethod.Settings(epochs: epochs ?? Self.defaultEpochs, batch: batch, memory: memory, escapes: escape, seed: seed, threads: threads,
                                        timeLimit: timeLimit, deadline: deadline, continuing: input.initialDictionary != nil)
    // Online learning counts its mini-batches, then the exact codes; block and MOD show one step.
    let bar = ProgressBar(total: 1, enabled: progress.showsBar)
    defer { bar.finish() }
    bar.update(completed: 0, label: "\(method.rawValue) learning")
    var result = method.fit(samples: input.samples, dictionary: dictionary, bias: input.initialBias, lambda: lambda,
                            settings: settings) { done, total, label in
      bar.update(completed: done, total: total + 1, label: done < total ? label : "exact codes and KKT residuals")
    }
    bar.update(completed: 1, total: 1, label: "certifying: block polishing, KKT, LP-K and LP-R")
    let certification = try LearnCertification.certify(&result, precision: input.elementType, epochsGiven: epochs != nil,
                                                       timeLimit: timeLimit, deadline: deadline)
    bar.update(completed: 1, total: 1, label: "writing")
    var summary = LearnSummary(command: self, method: method, result: result, wallSeconds: Date().timeIntervalSince(started))
    summary.fields.merge(certification.fields) { _, new in new }
    let files = try LearnSummary.files(result: result, codesType: input.elementType, summary: summary)
    do {
      try AtomicWriter.write(files, into: out)
      // A bias saved by an earlier run in DIR would no longer belong to this dictionary.
      let staleBias = URL(fileURLWithPath: out).appendingPathComponent("bias.npy")
      if result.problem.bias == nil, FileManager.default.fileExists(atPath: staleBias.path) {
        try FileManager.default.removeItem(at: staleBias)
      }
    } catch { throw BadInput.fail("\(out): cannot be written: \(error)") }
    bar.print(String(decoding: try summary.line(), as: UTF8.self))
    if let reason = certification.reason {
      StandardStreams.error("lab learn: not certified: \(reason); the result is written to \(out)\n")
      throw ExitCode.failure
    }
  }

  /// Passes over the data when `--epochs` is not given.
  static let defaultEpochs = 10
}
