import Foundation
import LabFormats
import LabNumerics
import LabRandom

/// A training checkpoint: a directory holding everything ``TrainingState`` carries, so that a run
/// resumed from it continues bit-identically.
///
/// * `state.safetensors`: float32 `parameters` (all weights, ``SAEParameters`` layout),
///   `adam_first_moment`, `adam_second_moment`; float64 `batch_permutation` (row indices, exact).
/// * `state.json`: `format` (1), `kind`, `input_dimension`, `width`, `batch_size`, `rows`, `seed`,
///   `step`, `adam_step`, `batch_position`, `resampled_latents`, `steps_since_fired`, the generator
///   states `batch_rng`, `noise_rng`, `resample_rng` (four 16-digit hex words each), the
///   architecture's learned `threshold` (BatchTopK) and `mean_input_norm` (NSAE), and the last
///   loss's parts (`last_mse`, `last_penalty`, `last_auxiliary`), as hex bit patterns of `Double`.
///
/// The directory is written atomically: both files go into a fresh sibling directory, which is then
/// renamed over the target (an older checkpoint there is moved aside first and removed after).
public enum TrainingCheckpoint {
  /// The tensor file name.
  public static let tensorsFile = "state.safetensors"
  /// The JSON file name.
  public static let stateFile = "state.json"

  /// Writes `state` of a run of `configuration` on `rows` data rows to `directory`.
  public static func write(_ state: TrainingState, configuration: TrainingConfiguration, rows: Int, to directory: String) throws {
    func tensor(_ type: NumPyArray.ElementType, _ values: [Double]) -> SafeTensors.Tensor {
      SafeTensors.Tensor(elementType: type, shape: [values.count], values: values)
    }
    let tensors = SafeTensors(tensors: [
      "parameters": tensor(.float32, state.parameters.values.map(Double.init)),
      "adam_first_moment": tensor(.float32, state.optimizer.firstMoment.map(Double.init)),
      "adam_second_moment": tensor(.float32, state.optimizer.secondMoment.map(Double.init)),
      "batch_permutation": tensor(.float64, state.sampler.permutation.map(Double.init)),
    ])
    let p = state.parameters
    var fields: [(String, String)] = [
      ("format", "1"), ("kind", "\"\(state.architecture.kind)\""), ("input_dimension", "\(p.inputDimension)"), ("width", "\(p.width)"),
      ("batch_size", "\(configuration.batchSize)"), ("rows", "\(rows)"), ("seed", "\"\(hex(configuration.seed))\""),
      ("step", "\(state.step)"), ("adam_step", "\(state.optimizer.step)"), ("batch_position", "\(state.sampler.position)"),
      ("resampled_latents", "\(state.resampledLatents)"),
      ("steps_since_fired", "[" + state.tracker.stepsSinceFired.map(String.init).joined(separator: ",") + "]"),
      ("batch_rng", words(state.sampler.generator)), ("noise_rng", words(state.noiseGenerator)),
      ("resample_rng", words(state.resampleGenerator)),
      ("last_mse", "\"\(hex(state.lastLoss.meanSquaredError.bitPattern))\""),
      ("last_penalty", "\"\(hex(state.lastLoss.penalty.bitPattern))\""),
      ("last_auxiliary", "\"\(hex(state.lastLoss.auxiliary.bitPattern))\""),
    ]
    if let batchTopK = state.architecture as? BatchTopKArchitecture {
      fields.append(("threshold", "\"\(hex(batchTopK.threshold.bitPattern))\""))
    }
    if let nsae = state.architecture as? NormalizedSAEArchitecture {
      fields.append(("mean_input_norm", "\"\(hex(nsae.meanInputNorm.bitPattern))\""))
    }
    let json = "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    let target = URL(fileURLWithPath: directory).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    let fresh = parent.appendingPathComponent(".\(target.lastPathComponent).writing-\(UUID().uuidString)")
    try AtomicWriter.write([(tensorsFile, tensors.encoded), (stateFile, Data(json.utf8))], into: fresh.path)
    let manager = FileManager.default
    if manager.fileExists(atPath: target.path) {
      let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString)")
      try manager.moveItem(at: target, to: old)
      try manager.moveItem(at: fresh, to: target)
      try manager.removeItem(at: old)
    } else {
      try manager.moveItem(at: fresh, to: target)
    }
  }

  /// Reads the checkpoint in `directory` into the state of a run of `configuration` on `data`
  /// (its architecture must be the checkpoint's kind, and shapes, batch size, row count and seed
  /// must agree). A failure names the file, field and value.
  public static func read(from directory: String, configuration: TrainingConfiguration, data: Matrix<Float>) throws(TrainingError)
    -> TrainingState
  {
    let rows = data.rows, inputDimension = data.columns
    let base = URL(fileURLWithPath: directory)
    let statePath = base.appendingPathComponent(stateFile).path, tensorsPath = base.appendingPathComponent(tensorsFile).path
    guard let bytes = FileManager.default.contents(atPath: statePath) else { throw TrainingError("\(statePath): cannot read the file") }
    guard let json = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
      throw TrainingError("\(statePath): not a JSON object")
    }
    func field<T>(_ key: String, _ type: T.Type) throws(TrainingError) -> T {
      guard let value = json[key] as? T else { throw TrainingError("\(statePath): '\(key)' is missing or has the wrong type, got \(json[key] ?? "nothing")") }
      return value
    }
    func integer(_ key: String) throws(TrainingError) -> Int {
      let value = try field(key, Int.self)
      guard value >= 0 else { throw TrainingError("\(statePath): '\(key)' must be >= 0, got \(value)") }
      return value
    }
    func expect(_ key: String, _ found: String, _ wanted: String) throws(TrainingError) {
      guard found == wanted else { throw TrainingError("\(statePath): '\(key)' is \(found) but this run has \(wanted)") }
    }
    func bits(_ key: String) throws(TrainingError) -> UInt64 {
      let text = try field(key, String.self)
      guard let value = UInt64(text, radix: 16) else { throw TrainingError("\(statePath): '\(key)' must be a hex word, got \(text)") }
      return value
    }
    func generator(_ key: String) throws(TrainingError) -> Xoshiro256StarStar {
      let texts = try field(key, [String].self)
      let state = texts.compactMap { UInt64($0, radix: 16) }
      guard state.count == texts.count, let generator = Xoshiro256StarStar(state: state) else {
        throw TrainingError("\(statePath): '\(key)' must be four hex words, not all zero, got \(texts)")
      }
      return generator
    }
    guard try integer("format") == 1 else { throw TrainingError("\(statePath): 'format' must be 1, got \(json["format"] ?? "nothing")") }
    try expect("kind", try field("kind", String.self), configuration.architecture.kind)
    try expect("input_dimension", "\(try integer("input_dimension"))", "\(inputDimension)")
    try expect("width", "\(try integer("width"))", "\(configuration.width)")
    try expect("batch_size", "\(try integer("batch_size"))", "\(configuration.batchSize)")
    try expect("rows", "\(try integer("rows"))", "\(rows)")
    try expect("seed", "\(try bits("seed"))", "\(configuration.seed)")
    var state = Trainer.initialState(configuration, data: data)
    let step = try integer("step")
    guard step <= configuration.steps else { throw TrainingError("\(statePath): 'step' is \(step), beyond '--steps' \(configuration.steps)") }
    let tensors: SafeTensors
    do { tensors = try SafeTensors(contentsOf: tensorsPath) } catch { throw TrainingError("\(error)") }
    func tensor(_ name: String, count: Int) throws(TrainingError) -> [Double] {
      guard let t = tensors.tensors[name] else { throw TrainingError("\(tensorsPath): missing tensor '\(name)'") }
      guard t.values.count == count else { throw TrainingError("\(tensorsPath): tensor '\(name)' has \(t.values.count) values, expected \(count)") }
      return t.values
    }
    let n = state.parameters.values.count
    state.parameters.values = try tensor("parameters", count: n).map { Float($0) }
    state.optimizer.firstMoment = try tensor("adam_first_moment", count: n).map { Float($0) }
    state.optimizer.secondMoment = try tensor("adam_second_moment", count: n).map { Float($0) }
    state.optimizer.step = try integer("adam_step")
    let permutation = try tensor("batch_permutation", count: rows).map { Int($0) }
    guard permutation.sorted() == Array(0..<rows) else { throw TrainingError("\(tensorsPath): 'batch_permutation' is not a permutation of 0..<\(rows)") }
    state.sampler.permutation = permutation
    let position = try integer("batch_position")
    guard position <= rows else { throw TrainingError("\(statePath): 'batch_position' must be <= \(rows), got \(position)") }
    state.sampler.position = position
    state.sampler.generator = try generator("batch_rng")
    state.noiseGenerator = try generator("noise_rng")
    state.resampleGenerator = try generator("resample_rng")
    let fired = try field("steps_since_fired", [Int].self)
    guard fired.count == configuration.width, fired.allSatisfy({ $0 >= 0 }) else {
      throw TrainingError("\(statePath): 'steps_since_fired' must hold \(configuration.width) counts >= 0")
    }
    state.tracker.stepsSinceFired = fired
    state.step = step
    state.resampledLatents = try integer("resampled_latents")
    state.lastLoss = BatchLoss(meanSquaredError: Double(bitPattern: try bits("last_mse")), penalty: Double(bitPattern: try bits("last_penalty")),
                               auxiliary: Double(bitPattern: try bits("last_auxiliary")))
    if var batchTopK = state.architecture as? BatchTopKArchitecture {
      batchTopK.threshold = Double(bitPattern: try bits("threshold"))
      state.architecture = batchTopK
    }
    if let nsae = state.architecture as? NormalizedSAEArchitecture {
      state.architecture = nsae.prepared(meanInputNorm: Double(bitPattern: try bits("mean_input_norm")))
    }
    return state
  }

  private static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  private static func words(_ generator: Xoshiro256StarStar) -> String {
    "[" + generator.state.map { "\"\(hex($0))\"" }.joined(separator: ", ") + "]"
  }
}
