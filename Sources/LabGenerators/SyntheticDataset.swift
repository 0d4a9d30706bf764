import LabNumerics

/// Samples together with the ground truth that generated them.
///
/// Shapes follow the lab's file conventions: `samples` is `sampleCount × inputDimension`,
/// `dictionary` is `featureCount × inputDimension` (rows are unit-norm feature directions),
/// `codes` is `sampleCount × featureCount`, and `samples = 1·biasᵀ + codes · dictionary`.
public struct SyntheticDataset: Sendable, Equatable {
  /// The data, one sample per row.
  public var samples: Matrix<Double>
  /// The true feature directions, one unit-norm atom per row.
  public var dictionary: Matrix<Double>
  /// The true activations, one row per sample.
  public var codes: Matrix<Double>
  /// The true offset added to every sample.
  public var bias: [Double]
  /// Human-readable names of the features, in dictionary order.
  public var featureNames: [String]

  /// Creates a dataset; shapes must agree.
  public init(samples: Matrix<Double>, dictionary: Matrix<Double>, codes: Matrix<Double>, bias: [Double], featureNames: [String]) {
    precondition(codes.rows == samples.rows && codes.columns == dictionary.rows && dictionary.columns == samples.columns
      && bias.count == samples.columns && featureNames.count == dictionary.rows,
      "Inconsistent dataset shapes: samples \(samples.rows)×\(samples.columns), dictionary \(dictionary.rows)×\(dictionary.columns), codes \(codes.rows)×\(codes.columns), bias \(bias.count), names \(featureNames.count).")
    self.samples = samples
    self.dictionary = dictionary
    self.codes = codes
    self.bias = bias
    self.featureNames = featureNames
  }
}
