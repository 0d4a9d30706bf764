import ArgumentParser
import Foundation
import LabChecks
import LabExperiments
import LabFormats
import LabNumerics
import LabOptimization
import LabSolvers

/// `lab check`: is a dictionary a first-order optimum of nonnegative (or, with `--signed`, signed)
/// L1 dictionary learning on the given data, and if not, which move lowers the loss? (THEORY §3–§8, §4.6.)
///
/// Exit codes: 0 when the verdict is stationary or descent-found with the descent confirmed (or
/// too small to measure), 1 when an LP could not be verified (inconclusive) or a measurable
/// descent failed its self-verification, 2 for bad input.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check (X, D, b, Z) for first-order stationarity: KKT, pair and star hulls, LP-K, LP-R, CERT, self-verified descent.",
    discussion: """
      X is N×m (rows are samples), D is K×m (rows are unit-norm atoms), b has length m, Z is N×K; float32 or \
      float64 .npy in C order. Without --codes the codes are computed exactly (active-set lasso). A supplied \
      bias makes the bias a free variable of the problem (docs/theory-guide.md §1). With --signed the codes may take \
      either sign (penalty λΣ|z|) and every check is in its signed (zonotope) form (docs/theory-guide.md §6). Prints one \
      JSON summary line (with --json, the full JSON record instead).

      Examples:
        lab check --data X.npy --dictionary D.npy --lambda 0.05
        lab check --data X.npy --dictionary D.npy --bias b.npy --lambda 0.05 --json-out check.json \\
          --report check.md
        lab check --data X.npy --sae sae-dir --lambda 0.05 --json
      """)

  @Option(name: .long, help: ArgumentHelp("The data X, N×m.", valueName: "X.npy")) var data: String
  @Option(name: .long, help: ArgumentHelp("The dictionary D, K×m.", valueName: "D.npy")) var dictionary: String?
  @Option(name: .long, help: ArgumentHelp("A SAELens SAE directory instead of --dictionary/--bias: W_dec rows are the atoms (normalised), b_dec the free bias; checked with re-optimised codes, and with the SAE's own codes beside (encoderCodes).", valueName: "DIR")) var sae: String?
  @Option(name: .long, help: ArgumentHelp("The decoder bias b, length m (makes the bias free).", valueName: "b.npy")) var bias: String?
  @Option(name: .long, help: ArgumentHelp("Codes Z, N×K, used as given.", valueName: "Z.npy")) var codes: String?
  @Option(name: .long, help: "The L1 weight λ > 0 of ½‖x − b − Dz‖² + λΣz (summed over points); with --sae, λ = C/2 from cfg.json when lab train wrote it (docs/theory-guide.md §10).") var lambda: Double?
  @Option(name: .long, help: ArgumentHelp("Activity threshold τ_z (docs/theory-guide.md §2).", valueName: "tau")) var activityThreshold: Double = 0
  @Flag(name: .long, help: "Rescale the atoms to unit norm (and given codes by the old norms) instead of rejecting them.") var normalize = false
  @Flag(name: .long, help: "Signed codes (problem P±_λ, penalty λΣ|z|, docs/theory-guide.md §1, §6): signed exact lasso codes (or signed --codes), KKT (K1±), signed LP-K / LP-R / CERT, zonotope pairs and stars.") var signed = false
  @OptionGroup var format: JSONOutputOptions
  @Option(name: .long, help: ArgumentHelp("Write the full JSON record here.", valueName: "OUT.json")) var jsonOut: String?
  @Option(name: .long, help: ArgumentHelp("Write the Markdown report here (SVG figures beside it).", valueName: "OUT.md")) var report: String?
  @OptionGroup var threading: ThreadOptions
  @OptionGroup var progress: ProgressOptions
  @OptionGroup var planOptions: CheckPlanOptions

  func validate() throws {
    guard (dictionary == nil) != (sae == nil) else { throw ValidationError("Give exactly one of '--dictionary' and '--sae'.") }
    if sae != nil, bias != nil || codes != nil || normalize {
      throw ValidationError("'--sae' brings its own atoms, bias and encoder codes: drop '--bias', '--codes' and '--normalize'.")
    }
    if sae != nil && signed { throw ValidationError("'--signed' needs '--dictionary': an SAE's encoder codes are nonnegative.") }
    if dictionary != nil && lambda == nil { throw ValidationError("'--lambda' is required with '--dictionary'.") }
    if planOptions.streaming && (codes != nil || signed) {
      throw ValidationError("'--streaming' computes exact nonnegative codes batch by batch: drop '--codes' and '--signed'.")
    }
    guard activityThreshold.isFinite && activityThreshold >= 0 else {
      throw ValidationError("'--activity-threshold' must be a finite number ≥ 0, got \(activityThreshold).")
    }
    _ = try planOptions.plan()
  }

  func run() throws {
    BLAS.setThreadCount(threading.threads)
    let outputs: [OutputTarget?] = [jsonOut.map { .file("--json-out", $0, createsFolder: true) }, report.map { .file("--report", $0, createsFolder: true) },
                                    planOptions.saveMove.map { .directory("--save-move", $0, names: CheckMoveWriter.names) }]
    try OutputCheck.validate(outputs.compactMap { $0 }, inputs: [data, dictionary, sae, bias, codes].compactMap { $0 })
    let bar = ProgressBar(total: sae == nil ? 3 : 4, enabled: progress.showsBar)
    defer { bar.finish() }
    bar.update(completed: 0, label: "reading inputs")
    let inputs: CheckInputs
    var encoderCodes: SAEEncoderCodes?
    let objective = try sae.map { try CheckSAEObjective.resolve(sae: $0, lambda: lambda) }
    var checkedSizes: CheckInputs.Sizes?
    let memoryCheck = { [sae] (sizes: CheckInputs.Sizes) throws in
      try CheckMemory.require(sizes, encoder: sae != nil)
      checkedSizes = sizes
    }
    do {
      if let sae, let objective {
        (inputs, encoderCodes) = try CheckInputs.loadSAE(data: data, sae: sae, lambda: objective.lambda, streaming: planOptions.streaming,
                                                         memoryCheck: memoryCheck)
      } else {
        inputs = try CheckInputs.load(data: data, dictionary: dictionary!, bias: bias, codes: codes, lambda: lambda!, normalize: normalize,
                                      signed: signed, streaming: planOptions.streaming, memoryCheck: memoryCheck)
      }
    } catch let refused as ExitCode {
      throw refused
    } catch { throw BadInput.fail("\(error)") }
    let paths = CheckRecord.Inputs(data: data, dictionary: dictionary ?? "\(sae!) (W_dec)", bias: sae.map { "\($0) (b_dec)" } ?? bias,
                                   codes: codes, precision: inputs.precision, normalized: normalize || sae != nil,
                                   objective: objective?.objective)
    let versions = ["SparseLab": LabVersion.current, "GLPK": GLPK.version, "BLAS": BLAS.configuration]
    bar.update(completed: 1, label: "checks")
    var record: CheckRecord, problem: SparseCodingProblem?, move: SparseCodingProblem?
    // The LPs the machine cannot hold are left out with the memory they need (issue 20).
    let plan = try checkedSizes.map { CheckMemory.fit(try planOptions.plan(), $0) } ?? planOptions.plan()
    do {
      let outcome = try CheckRecord.run(inputs, paths: paths, activityThreshold: activityThreshold, threads: threading.threads, versions: versions,
                                        plan: plan) { bar.update(completed: 1, label: $0) }
      (record, problem, move) = (outcome.record, outcome.problem, outcome.move)
      if let encoderCodes {
        bar.update(completed: 2, label: "the SAE's own codes")
        record.encoderCodes = try CheckRecord.encoderView(inputs, codes: encoderCodes, plan: CheckPlan(tooLarge: plan.tooLarge),
                                                           threads: threading.threads)
      }
    } catch let error as LPValidationError {
      throw BadInput.fail("\(data) with \(paths.dictionary): a linear program of the checks cannot be built from these values (\(error)); "
                          + "rescale the data and λ together")
    }
    bar.update(completed: sae == nil ? 2 : 3, label: "writing")

    var files: [(path: String, contents: Data)] = []
    // The full record is encoded only when asked for, as before --json existed.
    var fullRecord: Data?
    if jsonOut != nil || format.json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      fullRecord = try encoder.encode(record) + Data("\n".utf8)
    }
    if let jsonOut, let fullRecord { files.append((jsonOut, fullRecord)) }
    if let report {
      let url = URL(fileURLWithPath: report)
      let stem = url.deletingPathExtension().lastPathComponent
      let rendered = CheckReport.render(record, problem: problem, stem: stem, command: reproduceCommand)
      files.append((report, Data(rendered.markdown.utf8)))
      for figure in rendered.figures {
        files.append((url.deletingLastPathComponent().appendingPathComponent(figure.name).path, Data(figure.contents.utf8)))
      }
    }
    try AtomicWriter.write(files)
    try CheckMoveWriter.write(move, to: planOptions.saveMove)

    let a = record.assessment
    let kkt = max(a.kkt.codeViolation, a.kkt.atomGradient, a.kkt.biasGradient)
    var summary: [String: Any] = ["verdict": a.verdict.rawValue, "lambda": a.lambda, "bias": a.bias,
                                  "lpK": a.lpK.value ?? NSNull(), "lpR": a.lpR.value ?? NSNull(), "kkt": kkt, "mode": a.mode, "signed": a.signed,
                                  "failingPairs": a.skipped.contains { $0.part == "pairs" } ? NSNull() : a.pairs.filter { !$0.pass }.count as Any, "newAtomImproves": a.newAtom.improves]
    if let outcome = a.descent.outcome { summary["descentOutcome"] = outcome }
    let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
    if format.json, let fullRecord {
      bar.print(String(decoding: fullRecord.dropLast(), as: UTF8.self))
    } else {
      bar.print(String(decoding: line, as: UTF8.self))
    }
    if a.verdict == .inconclusive || a.descent.outcome == "failed" { throw ExitCode.failure }
  }

  /// The command line that reproduces this check.
  private var reproduceCommand: String {
    var parts = ["lab check --data \(data)" + (sae.map { " --sae \($0)" } ?? " --dictionary \(dictionary ?? "")")]
    if let bias { parts.append("--bias \(bias)") }
    if let codes { parts.append("--codes \(codes)") }
    if let lambda { parts.append("--lambda \(lambda)") }
    if activityThreshold != 0 { parts.append("--activity-threshold \(activityThreshold)") }
    if normalize { parts.append("--normalize") }
    if signed { parts.append("--signed") }
    if let jsonOut { parts.append("--json-out \(jsonOut)") }
    if let report { parts.append("--report \(report)") }
    parts += planOptions.commandLine
    return parts.joined(separator: " ")
  }
}
