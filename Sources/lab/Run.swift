import ArgumentParser
import Foundation
import LabExperiments
import LabFormats
import LabNumerics
import LabOptimization

/// `lab run <experiment>… | --all`: run experiments and write their reports, run records and
/// the index.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run experiments and write their reports (Markdown, SVG figures), run records (JSON) and index.md.",
    discussion: """
      Each experiment writes <id>.md, <id>.json and its figures atomically once it has finished; index.md lists \
      every registered experiment with the verdict of its record. Exit code 0 when every check of every experiment \
      passed, 1 when one failed or was inconclusive, 2 for bad input (nothing is run then).

      Sweeps (\(SweepMerge.sweepNames)): --sweep alone runs the whole sweep, which is the ordinary run. \
      --sweep --shard i/n runs only the sweep points p (numbered from 0) with p mod n = i - 1 and writes just the shard \
      record <id>.shard-<i>-of-<n>.json (no report, no index; exit 0 once written); `lab report --merge DIR` joins \
      shards 1/n ... n/n into the files an unsharded run writes, with the same report bytes.

      Kernels: OpenBLAS chooses its kernels for the CPU, and their products differ in the last bits. Reports are \
      computed with OpenBLAS's Haswell kernels on every x86-64 CPU with AVX2 and FMA (lab run starts itself again to \
      choose them), so the same seed and thread count give the same bytes on each such machine. OPENBLAS_CORETYPE, \
      when set, chooses other kernels; each run's <id>.provenance.json names the kernels it used.

      Examples:
        lab run hierarchy
        lab run --all --quick
        lab run star --seed 7 --out /tmp/reports --json
        lab run suppression --sweep --shard 1/2 --out /tmp/shards
      """)

  @OptionGroup var selection: ExperimentSelection

  @OptionGroup var toyFile: ToyOption

  @OptionGroup var seeding: SeedOption

  @OptionGroup var threading: ThreadOptions

  @OptionGroup var output: ReportDirectoryOptions

  @OptionGroup var format: JSONOutputOptions

  @OptionGroup var progress: ProgressOptions

  @Flag(name: .long, help: "Run each experiment's documented quick configuration (fewer random probes; recorded in the run record).")
  var quick = false

  @Flag(name: .long, help: "Run the experiment's sweep (alone: the whole sweep, the ordinary run); needs an experiment with a sweep.")
  var sweep = false

  @Option(name: .long, help: ArgumentHelp("With --sweep: run only shard i of n (points p with p mod n = i - 1) and write <id>.shard-<i>-of-<n>.json.",
                                          valueName: "i/n"),
          transform: { try SweepShard(parsing: $0) })
  var shard: SweepShard?

  func validate() throws {
    let entries = try selection.entries(allWhenEmpty: false)
    if toyFile.toy != nil && entries.count != 1 { throw ValidationError("'--toy' needs exactly one experiment, got \(entries.count).") }
    if shard != nil && !sweep { throw ValidationError("'--shard' needs '--sweep'.") }
    if sweep, let plain = entries.first(where: { $0.sweep == nil }) {
      throw ValidationError("'--sweep': '\(plain.id)' has no sweep (experiments with a sweep: \(SweepMerge.sweepNames)).")
    }
  }

  func run() throws {
    let entries = try selection.entries(allWhenEmpty: false)
    let names = entries.flatMap { entry in
      shard.map { [ShardFileName.name(id: entry.id, shard: $0)] }
        ?? ["\(entry.id).md", "\(entry.id).json", Provenance.sidecarName(id: entry.id)]
    }
    try OutputCheck.validate([.directory("--out", output.out, names: names + (shard == nil ? [ExperimentIndex.fileName] : []))],
                             inputs: [toyFile.toy].compactMap { $0 })
    BLAS.setThreadCount(threading.threads)
    let bar = ProgressBar(total: entries.count, enabled: progress.showsBar)
    defer { bar.finish() }
    let stageLines = !progress.quiet && !progress.showsBar
    var allPass = true
    for (index, entry) in entries.enumerated() {
      bar.update(completed: index, label: entry.id)
      let report = { (line: String) in
        bar.update(completed: index, label: "\(entry.id): \(line)")
        if stageLines { StandardStreams.error("[\(entry.id)] \(line)\n") }
      }
      if let shard, let sweep = entry.sweep {
        try run(entry.id, sweep, shard: shard, bar: bar, progress: report)
        continue
      }
      let passed = try run(entry, bar: bar, progress: report)
      allPass = allPass && passed
    }
    if shard != nil { return }
    bar.update(completed: entries.count, label: "index")
    try output.writeIndex()
    if !allPass { throw ExitCode.failure }
  }

  /// Runs one experiment, writes its files and prints its summary; returns whether every check passed.
  private func run(_ entry: ExperimentEntry, bar: ProgressBar, progress: (String) -> Void) throws -> Bool {
    let started = Date()
    let id = entry.id
    let (seed, product): (UInt64, ExperimentProduct)
    do {
      (seed, product) = try entry.run(toyFile.toy, seeding.seed, quick, progress)
    } catch let error as ToyFileError { throw BadInput.fail("\(error)") }
    let provenance = self.provenance(started: started)
    try AtomicWriter.write(try product.render(provenance, invocation(id, seed: seed)), into: output.out)
    let checks = product.checks
    let passed = checks.filter { $0.status == .pass }.count
    let report = output.path(id, extension: "md")
    if format.json {
      let summary: [String: Any] = ["experiment": id, "checks": checks.count, "passed": passed, "quick": quick,
                                    "report": report, "wallSeconds": provenance.wallSeconds]
      let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
      bar.print(String(decoding: line, as: UTF8.self))
    } else {
      for check in checks where check.status != .pass {
        bar.print("\(check.status == .fail ? "FAIL" : "INCONCLUSIVE") \(check.id): \(check.measured) (expected \(check.threshold))")
      }
      bar.print("\(id): \(passed) of \(checks.count) checks pass; report \(report) (\(String(format: "%.1f", provenance.wallSeconds)) s)")
    }
    return passed == checks.count
  }

  /// Runs one shard of an experiment's sweep and writes its shard record.
  private func run(_ id: String, _ sweep: ExperimentSweep, shard: SweepShard, bar: ProgressBar, progress: (String) -> Void) throws {
    let started = Date()
    let run: ShardRun
    do { run = try sweep.runShard(toyFile.toy, seeding.seed, quick, shard, progress) } catch let error as ToyFileError { throw BadInput.fail("\(error)") }
    let provenance = self.provenance(started: started)
    try AtomicWriter.write([(run.fileName, try run.render(provenance, invocation(id, seed: run.seed)))], into: output.out)
    let path = URL(fileURLWithPath: output.out).appendingPathComponent(run.fileName).path
    if format.json {
      let summary: [String: Any] = ["experiment": id, "shard": shard.description, "points": run.points, "pointCount": run.pointCount,
                                    "quick": quick, "record": path, "wallSeconds": provenance.wallSeconds]
      bar.print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    } else {
      bar.print("\(id): shard \(shard), \(run.points.count) of \(run.pointCount) sweep points (\(run.points.joined(separator: ", "))); "
        + "wrote \(path) (\(String(format: "%.1f", provenance.wallSeconds)) s)")
    }
  }

  /// Where and with what a run that started at `started` was made.
  private func provenance(started: Date) -> Provenance {
    Provenance(labVersion: LabVersion.current, glpkVersion: GLPK.version, blasConfiguration: BLAS.configuration,
               blasThreads: BLAS.threadCount, startedAt: ISO8601DateFormatter().string(from: started),
               wallSeconds: Date().timeIntervalSince(started), command: CommandLine.arguments.joined(separator: " "))
  }

  /// The invocation of the unsharded run of `id`: its reproduce command and whether it is quick.
  private func invocation(_ id: String, seed: UInt64) -> RunInvocation {
    var reproduce = "lab run \(id) --seed \(seed)"
    if let path = toyFile.toy { reproduce += " --toy \(path)" }
    if quick { reproduce += " --quick" }
    return RunInvocation(reproduce: reproduce, quick: quick)
  }
}
