import Foundation
import LabTestSupport
import LabFormats
import LabNumerics
@testable import LabTraining
import Testing

/// A tampered checkpoint is refused naming the file, tensor and entry (issue 20, class 5): values
/// the state cannot hold (non-finite weights, a negative second moment, a permutation entry that
/// is not a row index) used to trap converting Double to Int or resume into NaN weights.
@Suite struct TamperedCheckpointTests {
  /// A run of `architecture` (6 latents) checkpointed after 5 of its 10 steps.
  static func checkpoint(_ architecture: any SAEArchitecture = ReLUL1Architecture(l1Coefficient: 0.05)) throws
    -> (directory: String, configuration: TrainingConfiguration, data: Matrix<Float>)
  {
    let world = TestSupport.sparseWorld(n: 120, m: 5, k: 4, p: 0.2, seed: 2)
    let configuration = TrainingConfiguration(architecture: architecture, width: 6, batchSize: 32, steps: 10, learningRate: 1e-2, seed: 1)
    var state = Trainer.initialState(configuration, data: world.x)
    Trainer.run(&state, configuration, data: world.x, until: 5)
    let directory = try Scratch.directory().appendingPathComponent("lab-tampered").path
    try TrainingCheckpoint.write(state, configuration: configuration, rows: world.x.rows, to: directory)
    return (directory, configuration, world.x)
  }

  @Test("a non-finite, out-of-range or non-index tensor entry is refused naming the tensor and entry",
        arguments: [("parameters", 4, Double.nan), ("parameters", 0, 1e300), ("adam_first_moment", 2, -Double.infinity),
                    ("adam_second_moment", 1, -1.0), ("batch_permutation", 3, 1e300), ("batch_permutation", 0, -1.0)])
  func tampered(tensor name: String, index: Int, value: Double) throws {
    let (directory, configuration, data) = try Self.checkpoint()
    _ = try TrainingCheckpoint.read(from: directory, configuration: configuration, data: data)  // the untampered one reads
    let path = URL(fileURLWithPath: directory).appendingPathComponent(TrainingCheckpoint.tensorsFile).path
    var tensors = try SafeTensors(contentsOf: path)
    // Float64 storage, so that the tampered value survives encoding as written.
    let old = tensors.tensors[name]!
    var values = old.values
    values[index] = value
    tensors.tensors[name] = SafeTensors.Tensor(elementType: .float64, shape: old.shape, values: values)
    try tensors.encoded.write(to: URL(fileURLWithPath: path))
    #expect { try TrainingCheckpoint.read(from: directory, configuration: configuration, data: data) } throws: {
      "\($0)".contains(path) && "\($0)".contains("'\(name)'[\(index)]")
    }
  }

  @Test("an architecture's own state out of range (a NaN or negative threshold, an infinite coefficient) is refused naming the field",
        arguments: [("jumprelu_thresholds", Double.nan), ("jumprelu_thresholds", -1.0), ("jumprelu_adam_second_moment", -1.0),
                    ("l0_coefficient", Double.infinity), ("l0_log_coefficient", Double.nan)])
  func tamperedArchitectureState(field: String, value: Double) throws {
    let (directory, configuration, data) = try Self.checkpoint(JumpReLUTrainingArchitecture(width: 6, coefficient: 0, controller: TargetL0Controller(target: 2)))
    _ = try TrainingCheckpoint.read(from: directory, configuration: configuration, data: data)  // the untampered one reads
    let path = URL(fileURLWithPath: directory).appendingPathComponent(TrainingCheckpoint.stateFile).path
    var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let bits = TrainingCheckpoint.hexField(value).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    if var list = json[field] as? [String] { list[1] = bits; json[field] = list } else { json[field] = bits }
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    #expect { try TrainingCheckpoint.read(from: directory, configuration: configuration, data: data) } throws: {
      "\($0)".contains(path) && "\($0)".contains("'\(field)'")
    }
  }
}
