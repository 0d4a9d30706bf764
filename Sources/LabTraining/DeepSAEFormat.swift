import Foundation
import LabFormats
import LabNumerics

/// Our own directory format for deep SAEs, laid out like a SAELens directory so tools can find it
/// but with `architecture` `"sparselab_deep"`, which SAELens refuses instead of misreading:
///
/// * `cfg.json`: `d_in`, `d_sae`, `dtype` "float32", `architecture`, `k`, `encoder_hidden` and
///   `decoder_hidden` (lists of widths), `input_scale`, `weight_decay`, `layer_norm_epsilon`,
///   `metadata.sae_lens_version`;
/// * `sae_weights.safetensors`: float32 `encoder.{l}.weight` [in, out] and `encoder.{l}.bias` for
///   the hidden encoder layers, `W_enc` [in, d_sae], `b_enc`, `decoder.{j}.weight`/`.bias` for the
///   hidden decoder layers, `W_dec` [in, d_in] (unit rows) and `b_dec` [d_in].
public enum DeepSAEFormat {
  /// The two files of `autoencoder`.
  public static func files(_ autoencoder: DeepAutoencoder<Float>) -> [(name: String, contents: Data)] {
    let a = autoencoder.architecture
    func list(_ widths: [Int]) -> String { "[" + widths.map(String.init).joined(separator: ", ") + "]" }
    let keys: [(String, String)] = [
      ("d_in", "\(autoencoder.inputDimension)"), ("d_sae", "\(autoencoder.width)"), ("dtype", "\"float32\""),
      ("architecture", "\"\(a.fileArchitecture)\""), ("k", "\(a.k)"), ("encoder_hidden", list(a.encoderHidden)),
      ("decoder_hidden", list(a.decoderHidden)), ("input_scale", "\(a.inputScale)"), ("weight_decay", "\(a.weightDecay)"),
      ("layer_norm_epsilon", "\(DeepSAEArchitecture.layerNormEpsilon)"),
      ("metadata", "{\"sae_lens_version\": \"\(SAELensFormat.saeLensVersion)\"}"),
    ]
    let config = "{\n" + keys.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    var tensors = [String: SafeTensors.Tensor]()
    for (name, layer) in named(autoencoder.layout) {
      let weights = autoencoder.values[layer.weightOffset..<layer.biasOffset].map(Double.init)
      let bias = autoencoder.values[layer.biasOffset..<(layer.biasOffset + layer.outputs)].map(Double.init)
      tensors[name.weight] = SafeTensors.Tensor(elementType: .float32, shape: [layer.inputs, layer.outputs], values: weights)
      tensors[name.bias] = SafeTensors.Tensor(elementType: .float32, shape: [layer.outputs], values: bias)
    }
    return [(SAELensFormat.configFile, Data(config.utf8)), (SAELensFormat.weightsFile, SafeTensors(tensors: tensors).encoded)]
  }

  /// Writes `autoencoder` into `directory` (both files prepared first).
  public static func write(_ autoencoder: DeepAutoencoder<Float>, to directory: String) throws {
    try AtomicWriter.write(files(autoencoder), into: directory)
  }

  /// Reads the deep SAE in `directory`; a failure names the file, field and value.
  public static func read(from directory: String) throws(TrainingError) -> DeepAutoencoder<Float> {
    let config = try SAEConfigFile(directory: directory)
    let configPath = config.configPath, weightsPath = config.weightsPath
    let integer = config.integer
    func widths(_ key: String) throws(TrainingError) -> [Int] {
      guard let value = config[key] as? [Int] else { throw TrainingError("\(configPath): '\(key)' must be a list of integers, got \(config[key] ?? "nothing")") }
      return value
    }
    func number(_ key: String) throws(TrainingError) -> Double {
      guard let value = config[key] as? Double else { throw TrainingError("\(configPath): '\(key)' must be a number, got \(config[key] ?? "nothing")") }
      return value
    }
    let name = config["architecture"] as? String ?? "nothing"
    guard name == "sparselab_deep" else { throw TrainingError("\(configPath): 'architecture' must be 'sparselab_deep', got '\(name)'") }
    let m = try integer("d_in"), f = try integer("d_sae")
    let architecture = DeepSAEArchitecture(k: try integer("k"), encoderHidden: try widths("encoder_hidden"),
                                           decoderHidden: try widths("decoder_hidden"), inputScale: try number("input_scale"),
                                           weightDecay: try number("weight_decay"))
    if let error = architecture.validate(inputDimension: m, width: f) { throw TrainingError("\(configPath): \(error.description)") }
    let weights: SafeTensors
    do { weights = try SafeTensors(contentsOf: weightsPath) } catch { throw TrainingError("\(error)") }
    let layout = architecture.layers(inputDimension: m, width: f)
    var values = [Float](repeating: 0, count: layout.parameterCount)
    for (tensorName, layer) in named(layout) {
      for (key, shape, offset) in [(tensorName.weight, [layer.inputs, layer.outputs], layer.weightOffset), (tensorName.bias, [layer.outputs], layer.biasOffset)] {
        guard let t = weights.tensors[key] else { throw TrainingError("\(weightsPath): missing tensor '\(key)'") }
        guard t.shape == shape else { throw TrainingError("\(weightsPath): tensor '\(key)' has shape \(t.shape), expected \(shape)") }
        guard t.values.allSatisfy({ $0.isFinite }) else { throw TrainingError("\(weightsPath): tensor '\(key)' has non-finite values") }
        for (i, v) in t.values.enumerated() { values[offset + i] = Float(v) }
      }
    }
    return DeepAutoencoder(architecture: architecture, inputDimension: m, width: f, values: values)
  }

  /// Every layer with its tensor names, in layout order.
  private static func named(_ layout: DeepSAELayout) -> [(name: (weight: String, bias: String), layer: DeepSAELayout.Layer)] {
    layout.encoderHidden.enumerated().map { (("encoder.\($0.offset).weight", "encoder.\($0.offset).bias"), $0.element) }
      + [(("W_enc", "b_enc"), layout.sparse)]
      + layout.decoderHidden.enumerated().map { (("decoder.\($0.offset).weight", "decoder.\($0.offset).bias"), $0.element) }
      + [(("W_dec", "b_dec"), layout.decoder)]
  }
}
