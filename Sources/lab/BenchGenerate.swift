import ArgumentParser
import Foundation
import LabExperiments
import LabGenerators
import LabNumerics

/// `lab bench generate`: samples per second of a world toy drawn as a SAELens synthetic model (the
/// toy written as one, then read back, as `lab generate --from-saelens` reads it) against
/// sae-lens's own sampler of the same directory, in the same invocation and on the same thread
/// count; and the peak memory after N/4 and N samples.
struct BenchGenerate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Samples/s of streaming generation (codes and data) against sae-lens's sampler of the same model, and peak memory.",
    discussion: """
      The toy is written as a SAELens synthetic-model directory (lab generate --saelens-out) into a scratch \
      directory; the lab draws N samples (codes and data) from it as lab generate --from-saelens does, and \
      scripts/bench/peer_synth_generate.py draws N samples with SyntheticModel.sample_with_features, --repeats \
      times each, alternating (lab, peer, lab), on --threads threads. Throughputs are medians; the ratio is the \
      lab's (median of both lab runs) over sae-lens's, goal ≥ 3×. Absolute figures drift on a shared machine. \
      With --random-streams per-batch the lab draws a batch per thread at once (lab generate --random-streams).

      Examples:
        lab bench generate
        lab bench generate --threads 2 --random-streams per-batch
        lab bench generate --toy tree --samples 100000 --skip-peers
      """)

  @Option(name: .long, help: ArgumentHelp("World toy file or the name of a built-in one (lab generate --list).", valueName: "toy"))
  var toy: String = "synth-sae-bench-16k"

  @Option(name: .long, help: ArgumentHelp("Number of samples N to generate per timed run.", valueName: "n"))
  var samples: Int = 8192

  @Option(name: .long, help: "Timed runs per measurement (the median is reported).")
  var repeats = 3

  @OptionGroup var threading: ThreadOptions

  @Option(name: .long, help: ArgumentHelp("The lab's random streams, as lab generate takes them.", valueName: "single|per-batch"))
  var randomStreams: RandomStreams = .single

  @Option(name: .long, help: ArgumentHelp("Python of the peer environment.", valueName: "path"))
  var python = "/tmp/benchenv/bin/python"

  @Option(name: .customLong("script"),
          help: ArgumentHelp("The peer script (default: scripts/bench/peer_synth_generate.py of this package).", valueName: "path"))
  var scriptOption: String?
  /// The peer script: `--script`, or the package's own.
  var script: String { scriptOption ?? BenchSupport.peerScript("peer_synth_generate.py") }

  @Flag(name: .long, help: "Measure the lab only.")
  var skipPeers = false

  /// The goal of issue 19 item 3: the lab at least this many times sae-lens's samples/s.
  static let goal = 3.0

  func validate() throws {
    guard samples >= 4 else { throw ValidationError("'--samples' must be >= 4, got \(samples)") }
    guard repeats >= 1 else { throw ValidationError("'--repeats' must be at least 1, got \(repeats).") }
  }

  func run() throws {
    let loaded: WorldToy
    do { loaded = try Generate.load(toy) } catch { throw BadInput.fail("\(error)") }
    BLAS.setThreadCount(threading.threads)
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-generate-\(ProcessInfo.processInfo.processIdentifier)").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let prepareStart = Date()
    let model: SAELensSyntheticModel
    do {
      try SAELensSyntheticModel(toy: loaded).write(to: scratch)
      model = try SAELensSyntheticModel(directory: scratch)
    } catch { throw BadInput.fail("\(toy): \(error)") }
    var generator = try model.generator(seed: loaded.seed, streams: randomStreams)
    generator.threads = threading.threads
    let prepareSeconds = Date().timeIntervalSince(prepareStart)
    let f = generator.dictionary.rows, m = generator.dictionary.columns
    print("\(loaded.id): F = \(f), m = \(m), batch \(generator.batchSize), threads \(threading.threads), \(randomStreams.rawValue) random streams; written and read back as a SAELens model in \(String(format: "%.2f", prepareSeconds)) s")

    var peakAtQuarter = 0.0, meanL0 = 0.0
    /// `repeats` timed runs of N samples each, drawn on from the same generator; returns the median seconds.
    func measureLab() -> (median: Double, best: Double) {
      var times: [Double] = []
      for _ in 0..<repeats {
        var active = 0, done = 0
        let start = Date()
        while done < samples {
          let rows = min(generator.rowsPerDraw, samples - done)
          let batch = generator.next(rows)
          active += batch.codes.storage.reduce(0) { $1 != 0 ? $0 + 1 : $0 }
          done += rows
          if peakAtQuarter == 0 && done >= samples / 4 { peakAtQuarter = BenchSupport.peakResidentMegabytes }
        }
        times.append(Date().timeIntervalSince(start))
        meanL0 = Double(active) / Double(samples)
      }
      return (BenchSupport.median(times), times.min()!)
    }
    let first = measureLab()
    print(String(format: "lab: %d samples in %.3f s (median of %d) = %.0f samples/s (best %.0f); mean L0 %.2f", samples, first.median, repeats,
                 Double(samples) / first.median, Double(samples) / first.best, meanL0))
    print(String(format: "peak RSS %.0f MB after %d samples, %.0f MB after %d", peakAtQuarter, samples / 4, BenchSupport.peakResidentMegabytes, samples))
    var record: [String: Any] = ["toy": loaded.id, "features": f, "dimension": m, "threads": threading.threads, "samples": samples,
                                 "randomStreams": randomStreams.rawValue,
                                 "labSamplesPerSecond": Double(samples) / first.median, "labMeanL0": meanL0]
    if !skipPeers {
      let peers = PeerBenchmark(python: python, script: script, setupLog: nil)
      if peers.canImport("sae_lens") {
        do {
          let peer = try PeerBenchmark.record(python, [script, "--model", scratch, "--samples", "\(samples)", "--batch", "\(generator.batchSize)",
                                                       "--threads", "\(threading.threads)", "--repeats", "\(repeats)"])
          guard let result = (peer["results"] as? [String: Any])?["saelens"] as? [String: Any],
            let rate = result["samples_per_s"] as? Double, let best = result["samples_per_s_best"] as? Double
          else { throw PeerBenchmark.PeerError(message: "\(script) printed no results.saelens") }
          let second = measureLab()
          let labRate = 2 * Double(samples) / (first.median + second.median)
          let ratio = labRate / rate
          print(String(format: "sae-lens %@: %.0f samples/s (best %.0f), mean L0 %.2f, others' CPU ≤ %.0f%%; lab right after: %.0f samples/s; ratio %.2f× (lab median of both runs over sae-lens; goal ≥ %.0f×: %@)",
                       ((peer["versions"] as? [String: Any])?["sae-lens"] as? String) ?? "?", rate, best, (result["mean_L0"] as? Double) ?? .nan,
                       100 * ((result["others_cpu_max"] as? Double) ?? .nan), Double(samples) / second.median, ratio, Self.goal,
                       ratio >= Self.goal ? "met" : "not met"))
          record["saelens"] = result
          record["labSamplesPerSecondAfter"] = Double(samples) / second.median
          record["ratio"] = ratio
        } catch { print("peer run failed: \(error)") }
      } else {
        print("peer: sae_lens is not importable with \(python); skipping it")
      }
    }
    let json = try JSONSerialization.data(withJSONObject: ["bench": "synth_generate", "run": record], options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
  }
}
