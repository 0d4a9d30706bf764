import ArgumentParser
import Foundation
import LabFormats
import LabNumerics
import LabTransformer

/// `lab bench activations`: whole-process tokens/s of `lab activations` against the
/// `transformers` reference (scripts/minilm_reference.py) on the same text, layer and thread
/// count, at 1 and 2 threads, with the ids and the largest difference of the rows, and the
/// fraction of this machine's sgemm rate our whole process reaches.
struct BenchActivations: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "activations",
    abstract: "lab activations vs transformers (scripts/minilm_reference.py): whole-process tokens/s at 1 and 2 threads, equality, and the fraction of the sgemm rate.",
    discussion: """
      Each repeat runs `lab activations` and the reference once each, alternating, as separate processes timed from start \
      to exit (model loading and imports included); tokens/s = rows written (tokens other than [CLS] and [SEP]) / the \
      median wall time; the CPU time (all threads, from getrusage of the finished child) is shown beside it, since a \
      loaded machine stretches wall times. The reference batches --batch-size documents padded to the longest. The sgemm rate is the best \
      of five 4096×384·384×1536 products (a feed-forward layer's shape) in this process; our fraction counts the FLOP \
      of the linear layers and attention of every sequence up to --layer over our whole-process time. \
      The model and text default to the folder and corpus that scripts/fetch-minilm.sh fetches.

      Examples:
        lab bench activations
        lab bench activations --layer 3 --max-tokens 5000 --repeats 3
      """)

  @Option(name: .long, help: ArgumentHelp("Model folder (default: the fetch script's cache).", valueName: "dir"))
  var model: String?

  @Option(name: .long, help: ArgumentHelp("Text, one document per line (default: the fetch script's WordNet glosses).", valueName: "file"))
  var text: String?

  @Option(name: .long, help: "Hidden states after this layer.")
  var layer: Int = 6

  @Option(name: .customLong("max-tokens"), help: "Rows per run.")
  var maxTokens: Int = 20_000

  @Option(name: .customLong("seq-len"), help: "Tokens per document, [CLS] and [SEP] included.")
  var sequenceLength: Int = 128

  @Option(name: .long, help: "Timed runs per side and thread count (the median is reported).")
  var repeats: Int = 1

  @Option(name: .customLong("batch-size"), help: "Documents per batch of the reference.")
  var batchSize: Int = 32

  @Option(name: .long, help: ArgumentHelp("Python with torch and transformers.", valueName: "path"))
  var python: String = "/tmp/benchenv/bin/python"

  @Option(name: .customLong("script"), help: ArgumentHelp("The reference script (default: scripts/minilm_reference.py of this package).", valueName: "path"))
  var scriptOption: String?
  /// The reference script: `--script`, or the package's own.
  var script: String { scriptOption ?? BenchSupport.packageRoot.appendingPathComponent("scripts/minilm_reference.py").path }

  func run() throws {
    guard repeats >= 1, maxTokens >= 1, batchSize >= 1 else {
      throw BadInput.fail("'--repeats', '--max-tokens' and '--batch-size' must be >= 1, got \(repeats), \(maxTokens) and \(batchSize)")
    }
    let cache = (ProcessInfo.processInfo.environment["SPARSELAB_CACHE"] ?? NSHomeDirectory() + "/.cache/sparselab") + "/minilm"
    let model = self.model ?? cache + "/model", text = self.text ?? cache + "/wordnet-glosses.txt"
    let folder: BertModelFolder
    do { folder = try BertModelFolder(path: model) } catch {
      throw BadInput.fail("'--model': \(error) (scripts/fetch-minilm.sh fetches all-MiniLM-L6-v2 and prints its folder)")
    }
    guard FileManager.default.fileExists(atPath: text) else {
      throw BadInput.fail("'--text': \(text) does not exist (scripts/fetch-minilm.sh fetches WordNet's glosses and prints their path)")
    }
    let c = folder.encoder.configuration
    guard (0...c.layerCount).contains(layer), (3...c.maximumPositions).contains(sequenceLength) else {
      throw BadInput.fail("'--layer' must be in 0...\(c.layerCount) and '--seq-len' in 3...\(c.maximumPositions), got \(layer) and \(sequenceLength)")
    }
    let hasReference = FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: script)
    if !hasReference { print("no transformers reference: \(python) or \(script) missing") }
    let flop = try workload(folder, text: text)
    let lab = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-activations-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    print("lab activations vs transformers: \(model), \(text), layer \(layer), seq-len \(sequenceLength), first \(maxTokens) rows; " +
          "\(flop.rows) rows, \(String(format: "%.2f", flop.total / 1e9)) GFLOP; median of \(repeats); reference batch \(batchSize)")
    for threads in [1, 2] {
      let rate = BenchTrain.sgemmRate(rows: 4096, inner: c.hiddenSize, columns: c.intermediateSize, threads: threads)
      let ours = scratch.appendingPathComponent("ours-\(threads).npy").path, tokens = scratch.appendingPathComponent("tokens-\(threads).json").path
      let reference = scratch.appendingPathComponent("reference-\(threads).npy").path, ids = scratch.appendingPathComponent("ids-\(threads).npy").path
      var ourTimes: [Timing] = [], referenceTimes: [Timing] = []
      for _ in 0..<repeats {
        ourTimes.append(try Self.timedRun(lab, ["activations", "--model", model, "--text", text, "--layer", "\(layer)", "--seq-len", "\(sequenceLength)",
                                                "--max-tokens", "\(maxTokens)", "--out", ours, "--tokens", tokens, "--threads", "\(threads)"]))
        if hasReference {
          referenceTimes.append(try Self.timedRun(python, [script, "--model", model, "--text", text, "--layer", "\(layer)", "--seq-len", "\(sequenceLength)",
                                                           "--max-tokens", "\(maxTokens)", "--out", reference, "--ids", ids, "--threads", "\(threads)",
                                                           "--batch-size", "\(batchSize)"], environment: ["OMP_NUM_THREADS": "\(threads)"]))
        }
      }
      let ourMedian = ourTimes.sorted { $0.wall < $1.wall }[repeats / 2], ourRate = Double(flop.rows) / ourMedian.wall
      let achieved = flop.total / ourMedian.wall / 1e9
      print(String(format: "threads %d  sgemm %.1f GFLOP/s (4096×%d·%d×%d, best of 5)  ours %8.0f tokens/s, %.1f s (CPU %.1f s), %.1f GFLOP/s = %.0f%% of sgemm",
                   threads, rate.peak, c.hiddenSize, c.hiddenSize, c.intermediateSize, ourRate, ourMedian.wall, ourMedian.cpu, achieved,
                   100 * achieved / rate.peak))
      guard hasReference else { continue }
      let referenceMedian = referenceTimes.sorted { $0.wall < $1.wall }[repeats / 2], referenceRate = Double(flop.rows) / referenceMedian.wall
      let comparison = try Self.compare(ours: ours, tokens: tokens, reference: reference, ids: ids)
      print(String(format: "threads %d  transformers %8.0f tokens/s, %.1f s (CPU %.1f s)   ratio ours/transformers %.2f (CPU time %.2f)   ids %@, largest |difference| %.2e",
                   threads, referenceRate, referenceMedian.wall, referenceMedian.cpu, ourRate / referenceRate, referenceMedian.cpu / ourMedian.cpu,
                   comparison.idsEqual ? "equal" : "DIFFER", comparison.largest))
    }
  }

  /// The rows and FLOP of the run: per sequence of n tokens and each layer up to ``layer``,
  /// 2n(4h² + 2hI) for the linear layers and 4n²h for the scores and the weighted sum.
  private func workload(_ folder: BertModelFolder, text: String) throws -> (rows: Int, total: Double) {
    let c = folder.encoder.configuration, h = Double(c.hiddenSize), inner = Double(c.intermediateSize)
    var rows = 0, total = 0.0
    do {
      try TextLines.forEach(inFile: text) { _, line in
        let n = folder.tokenizer.sequence(line, length: sequenceLength).count
        guard n > 2 else { return true }
        rows += min(n - 2, maxTokens - rows)
        total += Double(layer) * (2 * Double(n) * (4 * h * h + 2 * h * inner) + 4 * Double(n * n) * h)
        return rows < maxTokens
      }
    } catch let error as FormatError { throw BadInput.fail("'--text': \(error)") }
    return (rows, total)
  }

  /// Whether our ids (tokens.json) equal the reference's, and the largest absolute difference of the rows.
  private static func compare(ours: String, tokens: String, reference: String, ids: String) throws -> (idsEqual: Bool, largest: Double) {
    struct Tokens: Decodable { struct Entry: Decodable { var id: Int64 }; var tokens: [Entry] }
    let a = try NumPyArray(contentsOf: ours), b = try NumPyArray(contentsOf: reference)
    let ourIDs = try JSONDecoder().decode(Tokens.self, from: Data(contentsOf: URL(fileURLWithPath: tokens))).tokens.map(\.id)
    let referenceIDs = try Self.int64Array(ids)
    guard a.shape == b.shape, ourIDs == referenceIDs else { return (false, .infinity) }
    return (true, zip(a.values, b.values).reduce(0) { max($0, abs($1.0 - $1.1)) })
  }

  /// The elements of a 1-D little-endian int64 `.npy` file (the reference's ids).
  private static func int64Array(_ path: String) throws -> [Int64] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard data.count >= 10, data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else { throw BadInput.fail("\(path): not a .npy file") }
    let headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8, start = 10 + headerLength
    guard String(decoding: data[10..<start], as: UTF8.self).contains("'<i8'"), (data.count - start) % 8 == 0 else {
      throw BadInput.fail("\(path): expected little-endian int64 ids")
    }
    return data.withUnsafeBytes { raw in
      (0..<((data.count - start) / 8)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * $0, as: Int64.self)) }
    }
  }

  /// Wall and CPU seconds of one run.
  private struct Timing {
    var wall: Double, cpu: Double
  }

  /// Runs `executable` to its exit (``ChildProcess``) and returns its wall time and CPU time (all
  /// threads); a failure is bad input naming the command.
  private static func timedRun(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Timing {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("lab-bench-activations-\(UUID().uuidString).log").path
    defer { try? FileManager.default.removeItem(atPath: log) }
    let child = try ChildProcess.run(executable, arguments, environment: environment, standardError: .file(log))
    guard child.status == 0 else {
      let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(400)
      throw BadInput.fail("\(executable) \(arguments.prefix(2).joined(separator: " ")) … exited with \(child.status): \(tail)")
    }
    return Timing(wall: child.wallSeconds, cpu: child.cpuSeconds)
  }
}
