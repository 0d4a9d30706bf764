/// The deep SAE of seeds/000 (Armaan Abraham's mlsae, commit 73ff02c4, ANCHORS §2): hidden encoder
/// blocks [Linear → tanh → LayerNorm], the scaled input added back after the last block (so its
/// width must equal d_in), the sparse layer Linear → TopK(k) → ReLU, optional hidden decoder
/// blocks [Linear → ReLU] without LayerNorm, and a final Linear decoder whose rows (the output
/// vector of each of its inputs: with no hidden decoder layer, each latent's dictionary atom) are
/// kept at unit norm. Inputs are multiplied by `inputScale` before the network and outputs divided
/// by it (the post multiplies activations by 10).
///
/// The loss is `(1/B) Σ_b ‖x̂_s − s·x‖²` in the scaled space plus `(w/2) Σ ‖W‖²` over the weight
/// matrices of the hidden layers only (w = `weightDecay`, 5e−4 in the post; the gradient term `w·W`
/// is torch Adam's coupled weight decay). Choices where the sources leave room, stated here:
/// LayerNorm has no affine parameters (ε = 1e−5); the input is not centred by `b_dec`; the sparse
/// layer is TopK (no L1 or `act_decay` term).
public struct DeepSAEArchitecture: Equatable, Sendable {
  /// k, latents kept per sample.
  public var k: Int
  /// The widths of the hidden encoder layers; the last must equal d_in (the residual).
  public var encoderHidden: [Int]
  /// The widths of the hidden decoder layers.
  public var decoderHidden: [Int]
  /// s, the factor applied to inputs.
  public var inputScale: Double
  /// w, the decay coefficient of the hidden layers' weight matrices.
  public var weightDecay: Double
  /// The LayerNorm ε.
  public static let layerNormEpsilon = 1e-5

  /// A deep SAE; see ``validate(inputDimension:width:)`` for the constraints.
  public init(k: Int, encoderHidden: [Int], decoderHidden: [Int], inputScale: Double = 1, weightDecay: Double = 5e-4) {
    self.k = k
    self.encoderHidden = encoderHidden
    self.decoderHidden = decoderHidden
    self.inputScale = inputScale
    self.weightDecay = weightDecay
  }

  /// `"deep"`.
  public var kind: String { "deep" }
  /// `"sparselab_deep"`, our own `cfg.json` architecture.
  public var fileArchitecture: String { "sparselab_deep" }

  /// Why this architecture cannot have inputs of dimension m and F latents (naming the parameter
  /// and its value), or nil.
  public func validate(inputDimension m: Int, width f: Int) -> TrainingError? {
    func fail(_ name: String, _ requirement: String, _ value: Any) -> TrainingError {
      .parameter(name, of: "DeepSAEArchitecture", mustBe: requirement, got: value)
    }
    if !(1...f).contains(k) { return fail("k", "in 1...\(f) (the width)", k) }
    if encoderHidden.contains(where: { $0 < 1 }) { return fail("encoderHidden", "widths ≥ 1", encoderHidden) }
    if decoderHidden.contains(where: { $0 < 1 }) { return fail("decoderHidden", "widths ≥ 1", decoderHidden) }
    if let last = encoderHidden.last, last != m {
      return fail("encoderHidden", "widths whose last equals the input dimension \(m) (the residual)", encoderHidden)
    }
    if !(inputScale > 0 && inputScale.isFinite) { return fail("inputScale", "a finite number > 0", inputScale) }
    if !(weightDecay >= 0 && weightDecay.isFinite) { return fail("weightDecay", "a finite number ≥ 0", weightDecay) }
    return nil
  }

  /// The layers of a deep SAE with inputs of dimension m and F latents.
  public func layers(inputDimension m: Int, width f: Int) -> DeepSAELayout {
    DeepSAELayout(inputDimension: m, width: f, encoderHidden: encoderHidden, decoderHidden: decoderHidden)
  }
}

/// The dense layers of a deep SAE, in order, with their place in the flat parameter vector (each a
/// row-major in×out weight followed by its out-long bias).
public struct DeepSAELayout: Equatable, Sendable {
  /// One dense layer.
  public struct Layer: Equatable, Sendable {
    /// The input width.
    public var inputs: Int
    /// The output width.
    public var outputs: Int
    /// Index of the first weight.
    public var weightOffset: Int
    /// Index of the first bias.
    public var biasOffset: Int { weightOffset + inputs * outputs }
  }

  /// The hidden encoder layers.
  public var encoderHidden: [Layer] = []
  /// The sparse layer (width F).
  public var sparse: Layer
  /// The hidden decoder layers.
  public var decoderHidden: [Layer] = []
  /// The final decoder (to d_in), rows kept at unit norm.
  public var decoder: Layer
  /// The number of parameters.
  public var parameterCount: Int

  init(inputDimension m: Int, width f: Int, encoderHidden: [Int], decoderHidden: [Int]) {
    var offset = 0
    func layer(_ inputs: Int, _ outputs: Int) -> Layer {
      defer { offset += inputs * outputs + outputs }
      return Layer(inputs: inputs, outputs: outputs, weightOffset: offset)
    }
    var width = m
    var encoder = [Layer]()
    for h in encoderHidden { encoder.append(layer(width, h)); width = h }
    sparse = layer(width, f)
    width = f
    var decoderLayers = [Layer]()
    for h in decoderHidden { decoderLayers.append(layer(width, h)); width = h }
    decoder = layer(width, m)
    self.encoderHidden = encoder
    self.decoderHidden = decoderLayers
    parameterCount = offset
  }
}
