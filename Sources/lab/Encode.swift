import ArgumentParser
import Foundation
import LabFormats
import LabNumerics
import LabSolvers

/// `lab encode`: sparse codes of a data set for a fixed dictionary, with a one-line JSON report.
struct Encode: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sparse codes for a fixed dictionary: ½‖x − b − Σ_k z_k d_k‖² + λ‖z‖₁ per point.",
    discussion: """
      X is N × m (rows are samples), D is K × m (rows are unit-norm atoms, within 1e-6), b has length m; \
      float32 or float64 .npy files. Computation is in float64, and Z (N × K) is always written as float64, \
      whatever the input precision, so the written codes are exactly the ones whose KKT residual is reported. \
      Prints one JSON line: pointsPerSecond (the encoding alone, without file I/O and the checks), objective \
      (mean per point), meanL0, maxKKTViolation ((K1) or (K1±) of THEORY §3.2, absolute), maxDualityGap, and \
      more. Methods: active-set (default; the exact lasso, (K1) to about 1e-14, and the fastest method meeting \
      1e-9), cd and fista (stop at (K1) ≤ 1e-10), omp and topk (need --k; omp needs --signed), threshold \
      (soft thresholding at λ), exact-l1 (the λ → 0 problem P₀ by GLPK, one point at a time; λ only enters \
      the reported objective). --codes-out Z.npy writes the dense codes, Z.npz their non-zeros as a SciPy \
      CSR matrix (scipy.sparse.load_npz("Z.npz")); without --codes-out only the JSON line is printed. \
      Exit codes: 0 success, 1 a point cannot be coded (exact-l1 outside the cone), \
      2 bad input; nothing is written unless the command succeeds.

      Examples:
        lab encode --data X.npy --dictionary D.npy --lambda 0.05 --codes-out Z.npy
        lab encode --data X.npy --dictionary D.npy --lambda 0.05 --method omp --k 3 --signed \\
          --codes-out Z.npy
        lab encode --data X.npy --dictionary D.npy --lambda 0.05 --codes-out Z.npz
      """)

  @Option(name: .long, help: ArgumentHelp("The data X (N × m), .npy.", valueName: "X.npy"))
  var data: String

  @Option(name: .long, help: ArgumentHelp("The dictionary D (K × m, unit-norm rows), .npy.", valueName: "D.npy"))
  var dictionary: String

  @Option(name: .long, help: ArgumentHelp("The decoder bias b (length m), .npy; codes are for x − b.", valueName: "b.npy"))
  var bias: String?

  @Option(name: .customLong("lambda"), parsing: .unconditional, help: ArgumentHelp("The L1 weight λ > 0.", valueName: "L"))
  var lambda: Double

  @Flag(name: .long, help: "Signed codes (default: nonnegative codes).")
  var signed = false

  @Option(name: .long, help: ArgumentHelp("The method.", valueName: "name"))
  var method = SparseEncoder.Method.activeSet

  @Option(name: .customLong("k"), help: ArgumentHelp("Atoms per point for omp and topk.", valueName: "n"))
  var activeCount: Int?

  @OptionGroup var threading: ThreadOptions

  @Option(name: .long, help: ArgumentHelp("Where to write the codes Z (N × K, float64): .npy dense, .npz SciPy CSR; none if not given.",
                                           valueName: "Z.npy"))
  var codesOut: String?

  @OptionGroup var progress: ProgressOptions

  /// The library's parameter names and this command's options for them.
  static let flags: FlagNames = ["lambda": "--lambda", "activeCount": "--k", "threads": "--threads"]

  func validate() throws {
    guard lambda.isFinite && lambda > 0 else { throw ValidationError("'--lambda' must be a finite number > 0, got \(lambda).") }
    if let codesOut, CodesFormat(path: codesOut) == nil {
      throw ValidationError("'--codes-out' \(codesOut) must end in .npy (dense codes) or .npz (SciPy CSR).")
    }
    do {
      _ = try configuration()
    } catch { throw ValidationError(Self.flags.rewrite(error)) }
  }

  /// The encoder's configuration from the options.
  func configuration() throws(SparseEncoder.ConfigurationError) -> SparseEncoder.Configuration {
    try SparseEncoder.Configuration(method: method, lambda: lambda, constraint: signed ? .signed : .nonnegative,
                                    activeCount: activeCount, threads: threading.threads)
  }

  func run() throws {
    try OutputCheck.validate(codesOut.map { [.file("--codes-out", $0)] } ?? [], inputs: [data, dictionary, bias].compactMap { $0 })
    let input: EncodeInput
    do { input = try EncodeInput.load(data: data, dictionary: dictionary, bias: bias) } catch { throw BadInput.fail("\(error)") }
    let (n, k) = (input.samples.rows, input.dictionary.rows)
    // The codes three times (the result, the little-endian values being written and the file's bytes) and the Gram matrix twice, in float64.
    try MemoryCheck.require("coding \(n) points with \(k) atoms", [(MemoryBudget.product(n, k), 3 * 8), (MemoryBudget.product(k, k), 2 * 8)])
    let encoder: SparseEncoder
    do { encoder = try SparseEncoder(dictionary: input.dictionary, configuration: try configuration()) } catch {
      throw BadInput.fail(Self.flags.rewrite(error))
    }

    let bar = ProgressBar(total: 2, enabled: progress.showsBar)
    defer { bar.finish() }
    bar.update(completed: 0, label: "coding \(input.samples.rows) points, then their KKT residuals")
    let run: EncodeRun
    do { run = try EncodeRun.measure(encoder, input) } catch {
      StandardStreams.error("error: \(error)\n")
      throw ExitCode.failure
    }
    // The summary and the codes' bytes are encoded before Z is written, so that nothing is written
    // unless both can be. A measurement that is not finite (exact-l1's duality gap: the lasso's dual
    // bound is infinite for codes of the λ → 0 problem) is null, as JSON has no infinity.
    var summary = run.summary.mapValues { value -> Any in (value as? Double).map { $0.isFinite ? $0 as Any : NSNull() } ?? value }
    var file: (path: String, contents: Data)?
    if let codesOut, let format = CodesFormat(path: codesOut) {
      do { file = (codesOut, try format.encoded(run.output.codes, path: codesOut)) } catch { throw BadInput.fail("\(error)") }
      summary["out"] = codesOut
      summary["codesFormat"] = format == .dense ? "dense" : "csr"
    }
    summary["inputType"] = input.dataType.rawValue
    let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
    if let file {
      bar.update(completed: 1, label: "writing \(file.path)")
      try AtomicWriter.write([file])
    }
    bar.print(String(decoding: line, as: UTF8.self))
  }
}

/// One timed encoding and its measured optimality, shared by `lab encode` and `lab bench encode`.
struct EncodeRun {
  var output: SparseEncoder.Output
  var seconds: Double
  /// CPU time of the process (user + system, all threads) during the encoding: on a shared
  /// machine, wall time over CPU time shows how much of a core the run actually got.
  var cpuSeconds: Double
  var optimality: CodeOptimality
  var encoder: SparseEncoder

  /// Encodes once (timed), then measures the codes with BLAS on the configured thread count.
  static func measure(_ encoder: SparseEncoder, _ input: EncodeInput) throws -> EncodeRun {
    let started = DispatchTime.now().uptimeNanoseconds, cpuStarted = processCPUSeconds()
    let output = try encoder.encode(input.samples, bias: input.bias)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let cpuSeconds = processCPUSeconds() - cpuStarted
    BLAS.setThreadCount(encoder.configuration.threads)
    let optimality = CodeOptimality(samples: input.samples, dictionary: input.dictionary, bias: input.bias, codes: output.codes,
                                    lambda: encoder.configuration.lambda, constraint: encoder.configuration.constraint)
    return EncodeRun(output: output, seconds: seconds, cpuSeconds: cpuSeconds, optimality: optimality, encoder: encoder)
  }

  /// The JSON summary fields.
  var summary: [String: Any] {
    let configuration = encoder.configuration
    return [
      "method": configuration.method.rawValue, "constraint": configuration.constraint.rawValue, "lambda": configuration.lambda,
      "threads": configuration.threads, "points": optimality.pointCount, "atoms": encoder.dictionary.rows,
      "dimension": encoder.dictionary.columns, "seconds": seconds, "cpuSeconds": cpuSeconds,
      "pointsPerSecond": seconds > 0 ? Double(optimality.pointCount) / seconds : 0,
      "objective": optimality.meanObjective, "meanL0": optimality.meanL0,
      "maxKKTViolation": optimality.maxKKTViolation, "maxDualityGap": optimality.maxDualityGap,
      "referenceFallbacks": output.referenceFallbacks, "unconvergedPoints": output.unconvergedPoints,
    ]
  }
}

/// User + system CPU seconds of this process so far (`getrusage`).
func processCPUSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
