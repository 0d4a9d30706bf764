/// The three deep-SAE architectures of the frontier sweep, by the name records and reports use
/// (the raw value; an unknown name fails to decode, naming the field).
public enum FrontierArchitecture: String, NamedCase, CustomStringConvertible {
  /// TopK sparse layer, unit-norm decoder.
  case shallow
  /// One hidden encoder layer (tanh, LayerNorm, residual).
  case deepEncoder = "deep encoder"
  /// One more hidden ReLU decoder layer.
  case deepEncoderDecoder = "deep encoder + decoder"

  public var description: String { rawValue }
}
