import ArgumentParser
import Foundation
import LabFormats
import LabNumerics
import LabSolvers

/// `lab encode`: sparse codes of a data set for a fixed dictionary, with a one-line JSON report.
struct Encode: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "encode",
    abstract: "Sparse codes for a fixed dictionary: ½‖x − b − Σ_k z_k d_k‖² + λ‖z‖₁ per point.",
    discussion: """
      X is N × m (rows are samples), D is K × m (rows are unit-norm atoms, within 1e-6), b has length m; \
      float32 or float64 .npy files. Computation is in float64, and Z (N × K) is always written as float64, \
      whatever the input precision, so the written codes are exactly the ones whose KKT residual is reported. \
      Prints one JSON line: pointsPerSecond (the encoding alone, without file I/O and the checks; seconds is its \
      wall time, verificationSeconds the checks'), objective (mean per point), meanL0, maxKKTViolation ((K1) or (K1±) of docs/theory-guide.md §3, absolute), maxDualityGap, and \
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
    let input: EncodeInput.Streamed
    do { input = try EncodeInput.open(data: data, dictionary: dictionary, bias: bias) } catch { throw BadInput.fail("\(error)") }
    let (n, m, k) = (input.samples.rows, input.samples.columns, input.dictionary.rows)
    let blockRows = EncodeStream.blockRows(points: n, dimension: m, atoms: k, threads: threading.threads, method: method)
    // One block: its samples twice and its codes three times; the Gram matrix twice; all in float64.
    // X stays in its file (mapped); dense codes stream to theirs, sparse ones are held (checked per block).
    try MemoryCheck.require("coding \(n) points with \(k) atoms, \(blockRows) at a time",
                            [(MemoryBudget.product(blockRows, m), 2 * 8), (MemoryBudget.product(blockRows, k), 3 * 8),
                             (MemoryBudget.product(k, k), 2 * 8)])
    let encoder: SparseEncoder
    do { encoder = try SparseEncoder(dictionary: input.dictionary, configuration: try configuration()) } catch {
      throw BadInput.fail(Self.flags.rewrite(error))
    }

    let bar = ProgressBar(total: n, enabled: progress.showsBar)
    defer { bar.finish() }
    let format = codesOut.flatMap { CodesFormat(path: $0) }
    var totals = EncodeStream.Totals()
    let code = { (sink: (Matrix<Double>, NonzeroPattern) throws -> Void) throws in
      do {
        totals = try EncodeStream.run(input.samples, encoder: encoder, dictionary: input.dictionary, bias: input.bias, blockRows: blockRows,
                                      progress: { bar.update(completed: $0, label: "coding and checking \(n) points") }, sink: sink)
      } catch let error as FormatError {
        throw BadInput.fail("\(error)")
      } catch let error as SparseEncoder.EncodingError {
        StandardStreams.error("error: \(error)\n")
        throw ExitCode.failure
      }
    }
    // The codes commit only once every block is coded and checked: nothing is written unless the command succeeds.
    if let codesOut, let format {
      let url = URL(fileURLWithPath: codesOut)
      try AtomicWriter.write(into: url.deletingLastPathComponent().path) { staging in
        let name = url.lastPathComponent
        switch format {
        case .dense:
          let writer = try NumPyStreamWriter(path: try staging.path(for: name), shape: [n, k], elementType: .float64)
          do {
            try code { codes, _ in try writer.append(codes.storage) }
            try writer.finish()
          } catch {
            writer.discard()
            throw error
          }
        case .sparse:
          var sparse = CompressedSparseRows(columns: k), memory = MemoryBudget.GrowingNeed()
          try code { block, nonzeros in
            sparse.append(rowsOf: block, nonzeros: nonzeros)
            let held = CompressedSparseRows.encodedSize(rows: sparse.rows, storedEntries: sparse.values.count)
            if let problem = memory.problem("'--codes-out' \(codesOut): the sparse codes of the first \(sparse.rows) points", needs: 2 * held) {
              throw BadInput.fail(problem)
            }
          }
          do { try staging.add(name, try sparse.npz(path: codesOut)) } catch let error as FormatError { throw BadInput.fail("\(error)") }
        }
      }
    } else {
      try code { _, _ in }
    }
    guard let optimality = totals.optimality else { preconditionFailure("X has at least one row") }
    // A measurement that is not finite (exact-l1's duality gap: the lasso's dual bound is infinite
    // for codes of the λ → 0 problem) is null, as JSON has no infinity.
    var summary = EncodeRun.summary(encoder, optimality: optimality, seconds: totals.seconds, cpuSeconds: totals.cpuSeconds,
                                    referenceFallbacks: totals.referenceFallbacks, unconvergedPoints: totals.unconvergedPoints)
      .mapValues { value -> Any in (value as? Double).map { $0.isFinite ? $0 as Any : NSNull() } ?? value }
    if let codesOut, let format {
      summary["out"] = codesOut
      summary["codesFormat"] = format == .dense ? "dense" : "csr"
    }
    summary["inputType"] = input.samples.elementType.rawValue
    summary["verificationSeconds"] = totals.verificationSeconds
    let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
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
    Self.summary(encoder, optimality: optimality, seconds: seconds, cpuSeconds: cpuSeconds, referenceFallbacks: output.referenceFallbacks,
                 unconvergedPoints: output.unconvergedPoints)
  }

  /// The JSON summary fields of an encoding by `encoder` that took `seconds` (`cpuSeconds` of CPU).
  static func summary(_ encoder: SparseEncoder, optimality: CodeOptimality, seconds: Double, cpuSeconds: Double, referenceFallbacks: Int,
                      unconvergedPoints: Int) -> [String: Any] {
    let configuration = encoder.configuration
    return [
      "method": configuration.method.rawValue, "constraint": configuration.constraint.rawValue, "lambda": configuration.lambda,
      "threads": configuration.threads, "points": optimality.pointCount, "atoms": encoder.dictionary.rows,
      "dimension": encoder.dictionary.columns, "seconds": seconds, "cpuSeconds": cpuSeconds,
      "pointsPerSecond": seconds > 0 ? Double(optimality.pointCount) / seconds : 0,
      "objective": optimality.meanObjective, "meanL0": optimality.meanL0,
      "maxKKTViolation": optimality.maxKKTViolation, "maxDualityGap": optimality.maxDualityGap,
      "referenceFallbacks": referenceFallbacks, "unconvergedPoints": unconvergedPoints,
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
