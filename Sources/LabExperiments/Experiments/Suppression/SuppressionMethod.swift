/// A candidate of the suppression experiment, by the name its record, report and sub-seeds use
/// (the raw value, which records keep; an unknown name fails to decode, naming the field).
public enum SuppressionMethod: String, NamedCase, CustomStringConvertible {
  /// The SAELens `standard` ReLU-L1 SAE.
  case reluL1 = "relu-l1"
  /// ReLU-L1 with a unit-norm decoder.
  case reluL1Unit = "relu-l1-unit"
  /// TopK.
  case topK = "topk"
  /// The normalised SAE of seeds/004.
  case nsae
  /// Exact dictionary learning at λ = C/2.
  case dictionaryLearning = "dictionary-learning"
  /// Exact lasso codes on the ReLU-L1 SAE's normalised decoder.
  case reluL1Exact = "relu-l1-exact"

  public var description: String { rawValue }
}
