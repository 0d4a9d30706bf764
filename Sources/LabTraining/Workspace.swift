/// Preallocated buffers for one training batch of `batchSize` rows, so that a training step
/// allocates nothing. Sizes: B×m for the centred input and the residual, B×F for the codes and
/// their gradient, F for per-latent sums, counts and minima, and F for the TopK scratch row.
public struct Workspace<Scalar: BinaryFloatingPoint> {
  /// B.
  public let batchSize: Int
  var centered: [Scalar]
  var residual: [Scalar]
  var codes: [Scalar]
  var codeGradient: [Scalar]
  var decoderNorms: [Scalar]
  var codeSums: [Scalar]
  var scratch: [Scalar]
  /// For each latent, whether it fired (a code > 0) in the last batch passed to the kernel.
  public internal(set) var fired: [Bool]
  /// The number of nonzero codes in the last batch.
  public internal(set) var activeCount: Int = 0
  /// The training codes of the last batch passed to the kernel, B×F row-major.
  public var lastCodes: [Scalar] { codes }
  /// The smallest positive code in the last batch (nil when no code fired).
  public internal(set) var minimumPositiveCode: Double?
  /// Matryoshka's inner levels' residual gradients and their running sum ((L − 1)·B·m + B·m); empty until needed.
  var nestedLevels: [Scalar] = []
  /// Σ over the inner levels of the rows' squared errors in the last batch (0 without nested levels).
  public internal(set) var innerSquaredError = 0.0
  /// The latents whose pre-activation fell in the rectangle kernel's support, row after row (room
  /// for B×F), and where each row's entries end (B), for the threshold pseudo-gradient; empty until needed.
  var window: [Int32] = []
  var windowRowEnds: [Int] = []
  /// Per latent, the number of nonzero codes and the smallest positive code of the last batch (F each).
  var firingCounts: [Int32]
  var minimumCodes: [Scalar]
  /// The thresholds' pseudo-gradient of the last batch (F; empty unless the rule is
  /// ``ActivationRule/trainedJumpReLU(thresholds:bandwidth:)``).
  public internal(set) var thresholdGradient: [Double] = []

  /// Buffers for batches of `batchSize` rows of an SAE with input dimension m and width F.
  public init(batchSize: Int, inputDimension m: Int, width f: Int) {
    precondition(batchSize >= 1, "A batch needs at least one row, got \(batchSize).")
    self.batchSize = batchSize
    centered = Array(repeating: 0, count: batchSize * m)
    residual = Array(repeating: 0, count: batchSize * m)
    codes = Array(repeating: 0, count: batchSize * f)
    codeGradient = Array(repeating: 0, count: batchSize * f)
    decoderNorms = Array(repeating: 0, count: f)
    codeSums = Array(repeating: 0, count: f)
    scratch = Array(repeating: 0, count: f)
    fired = Array(repeating: false, count: f)
    firingCounts = Array(repeating: 0, count: f)
    minimumCodes = Array(repeating: 0, count: f)
  }
}
