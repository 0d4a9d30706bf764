import Foundation

/// The hyper-parameters of a `lab train` run, kept in the SAE's `cfg.json` under
/// `metadata.sparselab_training` (SAELens 6.54 keeps unknown metadata keys and loads the SAE as
/// before), so that `lab check --sae` knows which objective the SAE was trained on.
public struct SAETrainingRecord: Codable, Sendable, Equatable {
  /// The `lab train --arch` value.
  public var architecture: String
  /// The L1 coefficient C of the penalty, when the architecture has one.
  public var l1Coefficient: Double?
  /// The L0 coefficient of JumpReLU's step penalty (its last value when a controller steered it).
  public var l0Coefficient: Double?
  /// k of a TopK or BatchTopK architecture.
  public var k: Int?
  /// The learning rate.
  public var learningRate: Double
  /// Optimisation steps.
  public var steps: Int
  /// The batch size.
  public var batch: Int
  /// The root seed.
  public var seed: UInt64

  /// The metadata key under which the record is stored.
  public static let metadataKey = "sparselab_training"

  private enum CodingKeys: String, CodingKey {
    case architecture, k, steps, batch, seed
    case l1Coefficient = "l1_coefficient", l0Coefficient = "l0_coefficient", learningRate = "lr"
  }

  /// The record of a run with `configuration`, trained as `--arch architectureName`.
  public init(_ configuration: TrainingConfiguration, architectureName: String) {
    architecture = architectureName
    switch configuration.architecture.penalty {
    case .none: (l1Coefficient, l0Coefficient) = (nil, nil)
    case .decoderNormWeightedL1(let c), .l1(let c): (l1Coefficient, l0Coefficient) = (c, nil)
    case .l0(let c): (l1Coefficient, l0Coefficient) = (nil, c)
    }
    switch configuration.architecture.activation {
    case .topK(let value), .batchTopK(let value): k = value
    default: k = nil
    }
    learningRate = configuration.learningRate
    steps = configuration.steps
    batch = configuration.batchSize
    seed = configuration.seed
  }

  /// The record as one JSON object (sorted keys), for `cfg.json`.
  var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
  }
}
