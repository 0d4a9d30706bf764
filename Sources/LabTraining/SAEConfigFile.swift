import Foundation

/// The `cfg.json` of an SAE directory (SAELens's and the lab's own formats), read once, with typed
/// accessors whose failures name the file, the key and the value found.
struct SAEConfigFile {
  /// The path of `cfg.json` and of `sae_weights.safetensors` in the directory.
  let configPath: String, weightsPath: String
  /// The JSON object.
  let values: [String: Any]

  /// Reads `cfg.json` in `directory`; a missing file or one that is not a JSON object throws naming it.
  init(directory: String) throws(TrainingError) {
    configPath = URL(fileURLWithPath: directory).appendingPathComponent(SAELensFormat.configFile).path
    weightsPath = URL(fileURLWithPath: directory).appendingPathComponent(SAELensFormat.weightsFile).path
    guard let data = FileManager.default.contents(atPath: configPath) else { throw TrainingError("\(configPath): cannot read the file") }
    guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw TrainingError("\(configPath): not a JSON object")
    }
    values = object
  }

  subscript(key: String) -> Any? { values[key] }

  /// The integer ≥ 1 at `key`.
  func integer(_ key: String) throws(TrainingError) -> Int {
    guard let value = values[key] as? Int, value >= 1 else {
      throw TrainingError("\(configPath): '\(key)' must be an integer >= 1, got \(values[key] ?? "nothing")")
    }
    return value
  }
}
