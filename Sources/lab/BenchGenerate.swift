import ArgumentParser
import Foundation
import LabExperiments
import LabGenerators
import LabNumerics

/// `lab bench generate`: samples per second of a world toy, and peak memory as N grows.
struct BenchGenerate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Report samples/s of streaming generation (codes and data) and the peak memory after N/4 and N samples.",
    discussion: """
      Examples:
        lab bench generate
        lab bench generate --toy tree --samples 100000
      """)

  @Option(name: .long, help: ArgumentHelp("World toy file or the name of a built-in one (lab generate --list).", valueName: "toy"))
  var toy: String = "synth-sae-bench-16k"

  @Option(name: .long, help: ArgumentHelp("Number of samples N to generate.", valueName: "n"))
  var samples: Int = 8192

  @OptionGroup var threading: ThreadOptions

  func validate() throws {
    guard samples >= 4 else { throw ValidationError("'--samples' must be >= 4, got \(samples)") }
  }

  func run() throws {
    let loaded: WorldToy
    do { loaded = try Generate.load(toy) } catch { throw BadInput.fail("\(error)") }
    BLAS.setThreadCount(threading.threads)
    let prepareStart = Date()
    var generator = try WorldGenerator(world: loaded.world.world, seed: loaded.seed)
    let prepareSeconds = Date().timeIntervalSince(prepareStart)
    let quarter = samples / 4
    var active = 0
    var peakAtQuarter = 0.0
    let start = Date()
    var done = 0
    while done < samples {
      let rows = min(generator.batchSize, samples - done)
      let batch = generator.next(rows)
      active += batch.codes.storage.reduce(0) { $1 > 0 ? $0 + 1 : $0 }
      done += rows
      if peakAtQuarter == 0 && done >= quarter { peakAtQuarter = BenchSupport.peakResidentMegabytes }
    }
    let seconds = Date().timeIntervalSince(start)
    let f = generator.dictionary.rows, m = generator.dictionary.columns
    print("\(loaded.id): F = \(f), m = \(m), batch \(generator.batchSize), BLAS threads \(BLAS.threadCount)")
    print(String(format: "prepare %.2f s; %d samples in %.2f s = %.0f samples/s; mean L0 %.2f", prepareSeconds, samples, seconds,
                 Double(samples) / seconds, Double(active) / Double(samples)))
    print(String(format: "peak RSS %.0f MB after %d samples, %.0f MB after %d", peakAtQuarter, quarter, BenchSupport.peakResidentMegabytes, samples))
  }
}
