import Foundation
import LabFormats
import LabNumerics

/// Reads and writes SAELens SAE directories (ANCHORS §4): `cfg.json` plus `sae_weights.safetensors`
/// holding float32 `W_enc` [d_in, d_sae], `W_dec` [d_sae, d_in], `b_enc` [d_sae], `b_dec` [d_in]
/// without `__metadata__`. Architectures `standard` (read as `relu-l1` with coefficient 0: the file
/// holds no training coefficient), `topk`, `jumprelu` (plus `threshold` [d_sae]; trained BatchTopK,
/// Matryoshka and JumpReLU SAEs are written in this form), `matching_pursuit` (`W_dec` and `b_dec`
/// only, keys `residual_threshold`, `max_iterations`, `stop_on_duplicate_support`) and our own `sparselab_nsae` (the normalised SAE: the four standard
/// tensors, `apply_b_dec_to_input` false, extra keys `alpha`, `noise_sigma`, `mean_input_norm`;
/// encoding `tanh(ReLU(x W_enc + b_enc))`), an architecture name SAELens refuses instead of misreading.
public enum SAELensFormat {
  /// The SAELens version written as `metadata.sae_lens_version` (≥ 6.0.0, so no migration runs).
  public static let saeLensVersion = "6.54.12"
  /// The configuration file name.
  public static let configFile = "cfg.json"
  /// The weights file name.
  public static let weightsFile = "sae_weights.safetensors"

  /// The two files of `autoencoder`, ready for ``AtomicWriter``; `training` goes into
  /// `metadata.sparselab_training` of `cfg.json` (``SAETrainingRecord``).
  public static func files(_ autoencoder: SparseAutoencoder<Float>, training: SAETrainingRecord? = nil) -> [(name: String, contents: Data)] {
    let p = autoencoder.parameters, a = autoencoder.architecture
    var keys: [(String, String)] = [
      ("d_in", "\(p.inputDimension)"), ("d_sae", "\(p.width)"), ("dtype", "\"float32\""), ("device", "\"cpu\""),
      ("apply_b_dec_to_input", "\(a.subtractsDecoderBias)"), ("normalize_activations", "\"none\""), ("reshape_activations", "\"none\""),
      ("metadata", "{\"sae_lens_version\": \"\(saeLensVersion)\", \"sae_lens_training_version\": \"\(saeLensVersion)\""
        + (training.map { ", \"\(SAETrainingRecord.metadataKey)\": \($0.json)" } ?? "") + "}"),
      ("architecture", "\"\(a.saeLensArchitecture)\""),
    ]
    keys += a.saeLensExtraConfig.map { ($0.key, $0.json) }
    let config = "{\n" + keys.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    func tensor(_ shape: [Int], _ values: [Float]) -> SafeTensors.Tensor {
      SafeTensors.Tensor(elementType: .float32, shape: shape, values: values.map(Double.init))
    }
    var tensors = [
      "W_dec": tensor([p.width, p.inputDimension], p.decoderWeights.storage),
      "b_dec": tensor([p.inputDimension], p.decoderBias),
    ]
    if a.writesEncoder {
      tensors["W_enc"] = tensor([p.inputDimension, p.width], p.encoderWeights.storage)
      tensors["b_enc"] = tensor([p.width], p.encoderBias)
    }
    for extra in a.saeLensExtraTensors(width: p.width) { tensors[extra.name] = tensor([extra.values.count], extra.values) }
    let weights = SafeTensors(tensors: tensors)
    return [(configFile, Data(config.utf8)), (weightsFile, weights.encoded)]
  }

  /// Writes `autoencoder` into `directory` atomically (file by file, both prepared first).
  public static func write(_ autoencoder: SparseAutoencoder<Float>, to directory: String, training: SAETrainingRecord? = nil) throws {
    try AtomicWriter.write(files(autoencoder, training: training), into: directory)
  }

  /// The training record in `directory`'s `cfg.json`, or `nil` when it has none (an SAE not written
  /// by `lab train`); a record that is not well-formed throws naming the file.
  public static func trainingRecord(in directory: String) throws(TrainingError) -> SAETrainingRecord? {
    let config = try SAEConfigFile(directory: directory)
    guard let metadata = config["metadata"] as? [String: Any], let value = metadata[SAETrainingRecord.metadataKey] else { return nil }
    guard let data = try? JSONSerialization.data(withJSONObject: value),
          let record = try? JSONDecoder().decode(SAETrainingRecord.self, from: data) else {
      throw TrainingError("\(config.configPath): 'metadata.\(SAETrainingRecord.metadataKey)' is not a training record: \(value)")
    }
    return record
  }

  /// Reads the SAE in `directory`. A `topk` file with `rescale_acts_by_decoder_norm = true` is folded
  /// exactly into the plain form (encoder column j and b_enc,j times ‖W_dec,j‖, decoder row j divided
  /// by it), which gives the same codes and reconstructions as SAELens's rescaled forward pass.
  public static func read(from directory: String) throws(TrainingError) -> SparseAutoencoder<Float> {
    let config = try SAEConfigFile(directory: directory)
    let configPath = config.configPath, weightsPath = config.weightsPath
    let integer = config.integer
    let m = try integer("d_in"), f = try integer("d_sae")
    let architectureName = config["architecture"] as? String ?? "standard"
    let subtractsDecoderBias = architectureName != "sparselab_nsae"
    if let apply = config["apply_b_dec_to_input"] as? Bool, apply != subtractsDecoderBias {
      throw TrainingError("\(configPath): 'apply_b_dec_to_input' \(apply) is not supported for '\(architectureName)'")
    }
    if let normalize = config["normalize_activations"] as? String, normalize != "none" {
      throw TrainingError("\(configPath): 'normalize_activations' '\(normalize)' is not supported (only 'none')")
    }
    func number(_ key: String) throws(TrainingError) -> Double {
      guard let value = config[key] as? Double, value.isFinite, value >= 0 else {
        throw TrainingError("\(configPath): '\(key)' must be a finite number >= 0, got \(config[key] ?? "nothing")")
      }
      return value
    }
    var architecture: any SAEArchitecture
    var rescale = false
    switch architectureName {
    case "standard": architecture = ReLUL1Architecture(l1Coefficient: 0)
    case "topk":
      let k = try integer("k")
      guard k <= f else { throw TrainingError("\(configPath): 'k' must be <= d_sae = \(f), got \(k)") }
      architecture = TopKArchitecture(k: k)
      rescale = config["rescale_acts_by_decoder_norm"] as? Bool ?? false
    case "jumprelu": architecture = JumpReLUArchitecture(thresholds: [])
    case "matching_pursuit":
      let threshold = try number("residual_threshold")
      let iterations = config["max_iterations"] == nil || config["max_iterations"] is NSNull ? m : try integer("max_iterations")
      guard config["stop_on_duplicate_support"] as? Bool ?? true else {
        throw TrainingError("\(configPath): 'stop_on_duplicate_support' false is not supported")
      }
      architecture = MatchingPursuitArchitecture(maxIterations: iterations, residualThreshold: threshold)
    case "sparselab_nsae":
      architecture = NormalizedSAEArchitecture(alpha: try number("alpha"), noiseSigma: try number("noise_sigma"),
                                               meanInputNorm: try number("mean_input_norm"))
    default:
      throw TrainingError("\(configPath): 'architecture' '\(architectureName)' is not supported (standard, topk, jumprelu, matching_pursuit, sparselab_nsae)")
    }
    let weights: SafeTensors
    do { weights = try SafeTensors(contentsOf: weightsPath) } catch { throw TrainingError("\(error)") }
    func tensor(_ name: String, _ shape: [Int]) throws(TrainingError) -> [Float] {
      guard let t = weights.tensors[name] else { throw TrainingError("\(weightsPath): missing tensor '\(name)'") }
      guard t.shape == shape else { throw TrainingError("\(weightsPath): tensor '\(name)' has shape \(t.shape), expected \(shape)") }
      let values = t.values.map { Float($0) }
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw TrainingError("\(weightsPath): tensor '\(name)' element \(bad) is \(t.values[bad]), not a finite float32")
      }
      return values
    }
    let decoder = Matrix(rows: f, columns: m, storage: try tensor("W_dec", [f, m]))
    // A tied encoder (matching pursuit) is not stored: W_enc = W_decᵀ, b_enc = 0, both unused.
    let tied = !architecture.writesEncoder
    var parameters = SAEParameters<Float>(
      encoderWeights: tied ? Matrix(rows: m, columns: f, storage: (0..<(m * f)).map { decoder.storage[($0 % f) * m + $0 / f] }) : Matrix(rows: m, columns: f, storage: try tensor("W_enc", [m, f])),
      encoderBias: tied ? Array(repeating: 0, count: f) : try tensor("b_enc", [f]),
      decoderWeights: decoder, decoderBias: try tensor("b_dec", [m]))
    if architecture is JumpReLUArchitecture {
      architecture = JumpReLUArchitecture(thresholds: try tensor("threshold", [f]).map(Double.init))
    }
    if rescale {
      let norms = parameters.decoderNorms
      for j in 0..<f where norms[j] > 0 {
        for i in 0..<m { parameters.values[i * f + j] *= norms[j] }
        parameters.values[parameters.encoderBiasOffset + j] *= norms[j]
        for i in 0..<m { parameters.values[parameters.decoderWeightsOffset + j * m + i] /= norms[j] }
      }
      guard parameters.values.allSatisfy({ $0.isFinite }) else {
        throw TrainingError("\(weightsPath): folding the decoder norms into the encoder ('rescale_acts_by_decoder_norm') overflows float32")
      }
    }
    return SparseAutoencoder(architecture: architecture, parameters: parameters)
  }
}
