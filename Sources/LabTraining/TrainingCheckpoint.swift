import Foundation
import LabFormats
import LabNumerics
import LabRandom

/// A training checkpoint: a directory holding everything a ``ResumableTrainingState`` carries
/// (``TrainingState`` for the shallow kinds, ``DeepTrainingState`` for `deep`), so that a run
/// resumed from it continues bit-identically.
///
/// * `state.safetensors`: float32 `parameters` (all weights, in the model's layout),
///   `adam_first_moment`, `adam_second_moment`; float64 `batch_permutation` (row indices, exact).
/// * `state.json`: `format` (1), `kind`, `input_dimension`, `width`, `batch_size`, `batch_blocks`
///   (absent in older checkpoints: 1), `rows`, `seed`,
///   `step`, `adam_step`, `batch_position`, `resampled_latents`, `steps_since_fired`, the generator
///   states `batch_rng`, `resample_rng` (four 16-digit hex words each), the last loss's parts
///   (`last_mse`, `last_penalty`, `last_auxiliary`) as hex bit patterns of `Double`, and the
///   model's own fields: for the shallow kinds `noise_rng` and the architecture's learned state
///   (``CheckpointedArchitecture``: BatchTopK's and Matryoshka's `threshold`, NSAE's `mean_input_norm`,
///   JumpReLU's thresholds, their Adam and its coefficient, a target-L0 controller's log coefficient);
///   for `deep` its `k`, `encoder_hidden` and `decoder_hidden`.
///
/// The two files commit together (``AtomicWriter``): a run killed while writing leaves the previous
/// checkpoint or the new one, and reading completes an interrupted commit first. Other files in the
/// directory are never touched.
public enum TrainingCheckpoint {
  /// The tensor file name.
  public static let tensorsFile = "state.safetensors"
  /// The JSON file name.
  public static let stateFile = "state.json"

  /// The fields of a checkpoint's `state.json`, read with typed accessors whose errors name the
  /// file, the field and the value found.
  public struct Fields {
    /// The path of `state.json`.
    public let path: String
    let json: [String: Any]

    /// The value of `key` as a `T`.
    public func field<T>(_ key: String, _ type: T.Type) throws(TrainingError) -> T {
      guard let value = json[key] as? T else { throw TrainingError("\(path): '\(key)' is missing or has the wrong type, got \(json[key] ?? "nothing")") }
      return value
    }

    /// The integer `key`, which must be >= 0.
    public func integer(_ key: String) throws(TrainingError) -> Int {
      let value = try field(key, Int.self)
      guard value >= 0 else { throw TrainingError("\(path): '\(key)' must be >= 0, got \(value)") }
      return value
    }

    /// Fails unless `found` (the checkpoint's `key`) is `wanted` (this run's).
    public func expect(_ key: String, _ found: String, _ wanted: String) throws(TrainingError) {
      guard found == wanted else { throw TrainingError("\(path): '\(key)' is \(found) but this run has \(wanted)") }
    }

    /// The 64-bit word `key`, written as 16 hex digits.
    public func bits(_ key: String) throws(TrainingError) -> UInt64 {
      let text = try field(key, String.self)
      guard let value = UInt64(text, radix: 16) else { throw TrainingError("\(path): '\(key)' must be a hex word, got \(text)") }
      return value
    }

    /// The `Double` whose bit pattern is `key`.
    public func double(_ key: String) throws(TrainingError) -> Double { Double(bitPattern: try bits(key)) }

    /// The `Double` whose bit pattern is `key`, which must lie in `allowed` (a tampered checkpoint
    /// must not resume into a NaN or out-of-range state).
    public func double(_ key: String, in allowed: ClosedRange<Double>) throws(TrainingError) -> Double {
      let value = try double(key)
      guard allowed.contains(value) else { throw TrainingError("\(path): '\(key)' is \(value), expected a value in \(allowed)") }
      return value
    }

    /// The list `key` of `count` `Double` bit patterns, each in `allowed`.
    public func doubles(_ key: String, count: Int, in allowed: ClosedRange<Double>) throws(TrainingError) -> [Double] {
      let texts = try field(key, [String].self)
      guard texts.count == count else { throw TrainingError("\(path): '\(key)' has \(texts.count) values, expected \(count)") }
      var values: [Double] = []
      values.reserveCapacity(count)
      for (i, text) in texts.enumerated() {
        guard let bits = UInt64(text, radix: 16), allowed.contains(Double(bitPattern: bits)) else {
          throw TrainingError("\(path): '\(key)'[\(i)] is \(UInt64(text, radix: 16).map { "\(Double(bitPattern: $0))" } ?? text), expected a value in \(allowed)")
        }
        values.append(Double(bitPattern: bits))
      }
      return values
    }

    /// The generator state `key`, four hex words.
    public func generator(_ key: String) throws(TrainingError) -> Xoshiro256StarStar {
      let texts = try field(key, [String].self)
      let state = texts.compactMap { UInt64($0, radix: 16) }
      guard state.count == texts.count, let generator = Xoshiro256StarStar(state: state) else {
        throw TrainingError("\(path): '\(key)' must be four hex words, not all zero, got \(texts)")
      }
      return generator
    }
  }

  /// `value` as a JSON string of 16 hex digits.
  public static func hexField(_ value: UInt64) -> String { "\"\(hex(value))\"" }

  /// The bit pattern of `value` as a JSON string of 16 hex digits.
  public static func hexField(_ value: Double) -> String { hexField(value.bitPattern) }

  /// The bit patterns of `values` as a JSON list of hex words.
  public static func hexListField(_ values: [Double]) -> String { "[" + values.map(hexField).joined(separator: ", ") + "]" }

  /// The state of `generator` as a JSON list of four hex words.
  public static func generatorField(_ generator: Xoshiro256StarStar) -> String {
    "[" + generator.state.map(hexField).joined(separator: ", ") + "]"
  }

  /// Writes `state` of a run of `configuration` (its batch size and seed) on `rows` data rows to `directory`.
  public static func write(_ state: some ResumableTrainingState, configuration: TrainingConfiguration, rows: Int, to directory: String) throws {
    func tensor(_ type: NumPyArray.ElementType, _ values: [Double]) -> SafeTensors.Tensor {
      SafeTensors.Tensor(elementType: type, shape: [values.count], values: values)
    }
    let tensors = SafeTensors(tensors: [
      "parameters": tensor(.float32, state.weights.map(Double.init)),
      "adam_first_moment": tensor(.float32, state.optimizer.firstMoment.map(Double.init)),
      "adam_second_moment": tensor(.float32, state.optimizer.secondMoment.map(Double.init)),
      "batch_permutation": tensor(.float64, state.sampler.permutation.map(Double.init)),
    ])
    let fields: [(String, String)] = [
      ("format", "1"), ("kind", "\"\(state.kind)\""), ("input_dimension", "\(state.inputDimension)"), ("width", "\(state.width)"),
      ("batch_size", "\(configuration.batchSize)"), ("batch_blocks", "\(configuration.batchBlocks)"), ("rows", "\(rows)"), ("seed", hexField(configuration.seed)),
      ("step", "\(state.step)"), ("adam_step", "\(state.optimizer.step)"), ("batch_position", "\(state.sampler.position)"),
      ("resampled_latents", "\(state.resampledLatents)"),
      ("steps_since_fired", "[" + state.tracker.stepsSinceFired.map(String.init).joined(separator: ",") + "]"),
      ("batch_rng", generatorField(state.sampler.generator)), ("resample_rng", generatorField(state.resampleGenerator)),
      ("last_mse", hexField(state.lastLoss.meanSquaredError)), ("last_penalty", hexField(state.lastLoss.penalty)),
      ("last_auxiliary", hexField(state.lastLoss.auxiliary)),
    ] + state.checkpointExtras.map { ($0.key, $0.json) }
    let json = "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    try AtomicWriter.write([(tensorsFile, tensors.encoded), (stateFile, Data(json.utf8))], into: directory)
  }

  /// Reads the checkpoint in `directory` into the state of a run of `configuration` on `data`
  /// (its architecture must be the checkpoint's kind, and shapes, batch size, row count and seed
  /// must agree). A failure names the file, field and value.
  public static func read(from directory: String, configuration: TrainingConfiguration, data: Matrix<Float>) throws(TrainingError)
    -> TrainingState
  {
    var state = Trainer.initialState(configuration, data: data)
    try restore(&state, from: directory, configuration: configuration, rows: data.rows)
    return state
  }

  /// Reads the deep checkpoint in `directory` into the state of a run of `configuration` on `data`;
  /// as ``read(from:configuration:data:)``, and the hidden layers and k must agree too.
  public static func read(from directory: String, configuration: DeepTrainingConfiguration, data: Matrix<Float>) throws(TrainingError)
    -> DeepTrainingState
  {
    var state = DeepTrainer.initialState(configuration, data: data)
    try restore(&state, from: directory, configuration: configuration.common, rows: data.rows)
    return state
  }

  /// Overwrites `state` (the initial state of a run of `configuration` on `rows` rows) with the
  /// checkpoint in `directory`.
  static func restore(_ state: inout some ResumableTrainingState, from directory: String, configuration: TrainingConfiguration,
                      rows: Int) throws(TrainingError) {
    do { try AtomicWriter.recover(directory) } catch { throw TrainingError("\(error)") }
    let base = URL(fileURLWithPath: directory)
    let statePath = base.appendingPathComponent(stateFile).path, tensorsPath = base.appendingPathComponent(tensorsFile).path
    guard let bytes = FileManager.default.contents(atPath: statePath) else { throw TrainingError("\(statePath): cannot read the file") }
    guard let json = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
      throw TrainingError("\(statePath): not a JSON object")
    }
    let fields = Fields(path: statePath, json: json)
    guard try fields.integer("format") == 1 else { throw TrainingError("\(statePath): 'format' must be 1, got \(json["format"] ?? "nothing")") }
    try fields.expect("kind", try fields.field("kind", String.self), state.kind)
    try fields.expect("input_dimension", "\(try fields.integer("input_dimension"))", "\(state.inputDimension)")
    try fields.expect("width", "\(try fields.integer("width"))", "\(state.width)")
    try fields.expect("batch_size", "\(try fields.integer("batch_size"))", "\(configuration.batchSize)")
    // Checkpoints written before the batch blocks existed computed every batch in one piece.
    let blocks = json["batch_blocks"] == nil ? 1 : try fields.integer("batch_blocks")
    try fields.expect("batch_blocks", "\(blocks)", "\(configuration.batchBlocks)")
    try fields.expect("rows", "\(try fields.integer("rows"))", "\(rows)")
    try fields.expect("seed", "\(try fields.bits("seed"))", "\(configuration.seed)")
    let step = try fields.integer("step")
    guard step <= configuration.steps else { throw TrainingError("\(statePath): 'step' is \(step), beyond the run's \(configuration.steps) steps") }
    let tensors: SafeTensors
    do { tensors = try SafeTensors(contentsOf: tensorsPath) } catch { throw TrainingError("\(error)") }
    /// The tensor's values, each in `allowed` (a tampered checkpoint must not resume into NaN weights
    /// or trap converting a value it cannot hold).
    func tensor(_ name: String, count: Int, allowed: ClosedRange<Double>) throws(TrainingError) -> [Double] {
      guard let t = tensors.tensors[name] else { throw TrainingError("\(tensorsPath): missing tensor '\(name)'") }
      guard t.values.count == count else { throw TrainingError("\(tensorsPath): tensor '\(name)' has \(t.values.count) values, expected \(count)") }
      if let bad = t.values.firstIndex(where: { !allowed.contains($0) }) {
        throw TrainingError("\(tensorsPath): tensor '\(name)'[\(bad)] is \(t.values[bad]), expected a value in \(allowed)")
      }
      return t.values
    }
    let n = state.weights.count, float = -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
    state.weights = try tensor("parameters", count: n, allowed: float).map { Float($0) }
    state.optimizer.firstMoment = try tensor("adam_first_moment", count: n, allowed: float).map { Float($0) }
    state.optimizer.secondMoment = try tensor("adam_second_moment", count: n, allowed: 0...float.upperBound).map { Float($0) }
    state.optimizer.step = try fields.integer("adam_step")
    let permutation = try tensor("batch_permutation", count: rows, allowed: 0...Double(max(rows - 1, 0))).map { Int($0) }
    guard permutation.sorted() == Array(0..<rows) else { throw TrainingError("\(tensorsPath): 'batch_permutation' is not a permutation of 0..<\(rows)") }
    state.sampler.permutation = permutation
    let position = try fields.integer("batch_position")
    guard position <= rows else { throw TrainingError("\(statePath): 'batch_position' must be <= \(rows), got \(position)") }
    state.sampler.position = position
    state.sampler.generator = try fields.generator("batch_rng")
    state.resampleGenerator = try fields.generator("resample_rng")
    let fired = try fields.field("steps_since_fired", [Int].self)
    guard fired.count == state.width, fired.allSatisfy({ $0 >= 0 }) else {
      throw TrainingError("\(statePath): 'steps_since_fired' must hold \(state.width) counts >= 0")
    }
    state.tracker.stepsSinceFired = fired
    state.step = step
    state.resampledLatents = try fields.integer("resampled_latents")
    state.lastLoss = BatchLoss(meanSquaredError: try fields.double("last_mse"), penalty: try fields.double("last_penalty"),
                               auxiliary: try fields.double("last_auxiliary"))
    try state.restoreCheckpointExtras(from: fields)
  }

  private static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
