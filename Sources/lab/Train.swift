import ArgumentParser
import Foundation
import LabExperiments
import LabFormats
import LabNumerics
import LabTraining

/// `lab train`: train a float32 SAE with Adam on the rows of X and write it as a SAELens directory.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a sparse autoencoder (relu-l1 or topk) with Adam on the rows of X; write a SAELens directory.",
    discussion: """
      relu-l1 minimises mean_batch Σ_d (x̂ − x)² + C · mean_batch Σ_i z_i ‖W_dec,i‖ (the loss of bench_w3_sae.py);
      topk minimises the reconstruction term alone. Metrics are measured on all rows of X after training.
      Prints one JSON line: samplesPerSecond, mse, explainedVariance, l0, deadLatents, deadLatentsTraining,
      and mmcs with --truth; with --truth and an L1 penalty also stationarity (THEORY §9 at λ = C/2: the checks of
      lab check --sae on the SAE's own codes and on exact codes, skipped beyond N·F = 4096).
      """)

  @Option(name: .long, help: ArgumentHelp("Training data, N×m float32 or float64 .npy.", valueName: "X.npy"))
  var data: String

  @Option(name: .long, help: ArgumentHelp("Architecture: \(ArchitectureRegistry.kinds.joined(separator: " or ")).", valueName: "kind"))
  var arch: String

  @Option(name: .long, help: ArgumentHelp("Number of latents F.", valueName: "F"))
  var width: Int

  @Option(name: .long, help: ArgumentHelp("L1 coefficient (relu-l1).", valueName: "C"))
  var l1: Double?

  @Option(name: .long, help: ArgumentHelp("Latents kept per sample (topk).", valueName: "K"))
  var k: Int?

  @Option(name: .long, help: ArgumentHelp("Rows per step.", valueName: "B"))
  var batch: Int

  @Option(name: .long, help: ArgumentHelp("Optimiser steps.", valueName: "S"))
  var steps: Int

  @Option(name: .long, help: ArgumentHelp("Adam learning rate.", valueName: "LR"))
  var lr: Double

  @Option(name: .long, help: "Root seed of the initialisation and the batch order.")
  var seed: UInt64 = 0

  @Option(name: .long, help: ArgumentHelp("OpenBLAS thread count.", valueName: "n"))
  var threads: Int = 2

  @Flag(name: .long, help: "Sparse Adam: update moments and weights only where the gradient is nonzero.")
  var sparseAdam = false

  @Option(name: .long, help: ArgumentHelp("Ground-truth dictionary, K×m .npy (rows are features), for MMCS.", valueName: "D.npy"))
  var truth: String?

  @Option(name: .long, help: ArgumentHelp("Output SAELens directory (cfg.json, sae_weights.safetensors).", valueName: "dir"))
  var out: String

  func run() throws {
    guard (1...64).contains(threads) else { throw BadInput.fail("'--threads' must be in 1...64, got \(threads)") }
    guard width >= 1 else { throw BadInput.fail("'--width' must be >= 1, got \(width)") }
    let architecture: any SAEArchitecture
    switch ArchitectureRegistry.make(kind: arch, l1: l1, k: k, width: width) {
    case .success(let a): architecture = a
    case .failure(let error): throw BadInput.fail(error.description)
    }
    let x: Matrix<Float>
    do { x = try NumPyArray(contentsOf: data).matrix(path: data, role: "the data X (N × m)") } catch { throw BadInput.fail("\(error)") }
    guard x.rows >= 1, x.columns >= 1 else { throw BadInput.fail("\(data): the data X must have at least one row and column, got \(x.rows)×\(x.columns)") }
    var dictionary: Matrix<Double>?
    if let truth {
      let d: Matrix<Double>
      do { d = try NumPyArray(contentsOf: truth).matrix(path: truth, role: "the true dictionary D (K × m)") } catch { throw BadInput.fail("\(error)") }
      guard d.columns == x.columns, d.rows >= 1 else {
        throw BadInput.fail("\(truth): the true dictionary must be K×\(x.columns) with K >= 1 (rows are features), got \(d.rows)×\(d.columns)")
      }
      dictionary = d
    }
    let configuration = TrainingConfiguration(architecture: architecture, width: width, batchSize: batch, steps: steps,
                                              learningRate: lr, seed: seed, sparseAdam: sparseAdam)
    if let error = Trainer.validate(configuration, rows: x.rows) { throw BadInput.fail(error.description) }
    if FileManager.default.fileExists(atPath: out), !Self.isDirectory(out) {
      throw BadInput.fail("'--out' \(out) exists and is not a directory")
    }
    BLAS.setThreadCount(threads)
    let result = Trainer.train(configuration, data: x)
    let metrics = SAEMetrics.evaluate(result.autoencoder, on: x, truth: dictionary)
    try SAELensFormat.write(result.autoencoder, to: out)
    var fields: [(String, String)] = [
      ("arch", "\"\(arch)\""), ("width", "\(width)"), ("batch", "\(batch)"), ("steps", "\(steps)"), ("threads", "\(threads)"),
      ("seed", "\(seed)"), ("seconds", Self.number(result.seconds)), ("samplesPerSecond", Self.number(result.samplesPerSecond)),
      ("finalLoss", Self.number(result.finalLoss.total)), ("mse", Self.number(metrics.meanSquaredError)),
      ("explainedVariance", Self.number(metrics.explainedVariance)), ("l0", Self.number(metrics.l0)),
      ("deadLatents", "\(metrics.deadLatents)"), ("deadLatentsTraining", "\(result.tracker.deadCount(window: configuration.deadWindow))"),
    ]
    if let mmcs = metrics.meanMaxCosineSimilarity { fields.append(("mmcs", Self.number(mmcs))) }
    if dictionary != nil, let lambda = SAEStationarity.lambda(of: architecture) {
      let samples = Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map(Double.init))
      let stationarity = try SAEStationarity.assess(result.autoencoder, samples: samples, lambda: lambda, source: out, dataSource: data,
                                                    maximumCodes: Self.stationarityCodes)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
      fields.append(("stationarity", String(decoding: try encoder.encode(stationarity), as: UTF8.self)))
    }
    fields.append(("out", Self.jsonString(out)))
    print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
  }

  /// The most codes N·F for which `lab train` runs the stationarity checks itself (a few seconds);
  /// beyond, its `stationarity` says skipped and `lab check --sae` runs them.
  static let stationarityCodes = 4096

  /// Whether `path` is an existing directory.
  static func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  /// A finite number in JSON (non-finite values, which training can produce on divergence, as null).
  static func number(_ value: Double) -> String {
    value.isFinite ? "\(value)" : "null"
  }

  /// `text` as a JSON string literal.
  static func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
  }
}
