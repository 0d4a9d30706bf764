import Foundation
import LabTestSupport
import LabExperiments
import LabFormats
import Testing

/// Garbage in a SAELens synthetic-model directory is refused naming the file, the field and the
/// value (issue 20, class 4): non-finite or overflowing tensors, a negative correlation variance,
/// magnitude parameters that are negative, non-finite or large enough to overflow the samples.
@Suite struct SAELensTamperedModelTests {
  /// A copy of the sae-lens fixture with `edit` applied to its tensors and `config` to its config.
  static func tampered(tensors edit: (inout [String: SafeTensors.Tensor]) -> Void = { _ in },
                       config: (inout [String: Any]) -> Void = { _ in }) throws -> String {
    let directory = try Scratch.directory().appendingPathComponent("tampered")
    try FileManager.default.copyItem(atPath: SAELensInteropTests.fixture, toPath: directory.path)
    let weights = directory.appendingPathComponent("synthetic_model.safetensors")
    var tensors = try SafeTensors(contentsOf: weights.path).tensors
    edit(&tensors)
    try SafeTensors(tensors: tensors).encoded.write(to: weights)
    let configURL = directory.appendingPathComponent("synthetic_model_config.json")
    var json = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
    config(&json)
    try JSONSerialization.data(withJSONObject: json).write(to: configURL)
    return directory.path
  }

  /// Reading `directory` fails with a message naming `file` and every string of `mentions`.
  static func expectRefused(_ directory: String, file: String, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try SAELensSyntheticModel(directory: directory)
      Issue.record("the tampered model was accepted (\(mentions))", sourceLocation: sourceLocation)
    } catch {
      let message = "\(error)"
      #expect(message.contains(URL(fileURLWithPath: directory).appendingPathComponent(file).path), "\(message)", sourceLocation: sourceLocation)
      for word in mentions { #expect(message.contains(word), "\(message) does not mention \(word)", sourceLocation: sourceLocation) }
    }
  }

  static func setting(_ name: String, _ index: Int, to value: Double) -> (inout [String: SafeTensors.Tensor]) -> Void {
    { tensors in tensors[name]!.values[index] = value }
  }

  @Test("the untampered fixture still reads")
  func untampered() throws {
    _ = try SAELensSyntheticModel(directory: try Self.tampered())
  }

  @Test("non-finite and overflowing tensor entries are refused naming the tensor and entry")
  func tensors() throws {
    let weights = "synthetic_model.safetensors"
    Self.expectRefused(try Self.tampered(tensors: Self.setting("feature_vectors", 10, to: .nan)), file: weights,
                       mentions: ["'feature_vectors'[1, 2]", "nan"])
    Self.expectRefused(try Self.tampered(tensors: Self.setting("bias", 3, to: .infinity)), file: weights, mentions: ["'bias'[3]", "inf"])
    Self.expectRefused(try Self.tampered(tensors: Self.setting("feature_vectors", 0, to: 1e20)), file: weights,
                       mentions: ["'feature_vectors'[0, 0]", "e+20"])
    Self.expectRefused(try Self.tampered(tensors: Self.setting("correlation_diag", 2, to: -0.5)), file: weights,
                       mentions: ["'correlation_diag'[2]", "variance", "-0.5"])
    Self.expectRefused(try Self.tampered(tensors: Self.setting("correlation_factor", 1, to: -.infinity)), file: weights,
                       mentions: ["'correlation_factor'[0, 1]"])
  }

  @Test("magnitude parameters that are negative, non-finite or overflowing are refused naming the key")
  func magnitudes() throws {
    let config = "synthetic_model_config.json"
    Self.expectRefused(try Self.tampered(config: { $0["mean_firing_magnitudes"] = 1e300 }), file: config,
                       mentions: ["'mean_firing_magnitudes'", "1e+300"])
    Self.expectRefused(try Self.tampered(config: { $0["std_firing_magnitudes"] = -1.0 }), file: config,
                       mentions: ["'std_firing_magnitudes'", "-1"])
    Self.expectRefused(try Self.tampered(config: { $0["mean_firing_magnitudes"] = ["generator_name": "linear", "start": 1.0, "end": 1e200] }),
                       file: config, mentions: ["'mean_firing_magnitudes.end'", "1e+200"])
  }
}
