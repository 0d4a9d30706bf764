import LabNumerics
import LabRandom

/// The weights of a sparse autoencoder with `inputDimension` = m (SAELens `d_in`) and `width` = F
/// (`d_sae`), held in one flat array so that an optimiser and a finite-difference check see a single
/// parameter vector. The blocks, each row-major, in this order (ANCHORS §4 names and shapes):
/// `W_enc` m×F, `b_enc` F, `W_dec` F×m (rows are the dictionary atoms), `b_dec` m.
public struct SAEParameters<Scalar: LinearAlgebraScalar>: Equatable, Sendable {
  /// m, the dimension of an input.
  public let inputDimension: Int
  /// F, the number of latents.
  public let width: Int
  /// All parameters, blocks in the order `W_enc`, `b_enc`, `W_dec`, `b_dec`.
  public var values: [Scalar]

  /// Parameters of the given shape, all zero.
  public init(inputDimension: Int, width: Int) {
    precondition(inputDimension >= 1 && width >= 1, "An SAE needs m >= 1 and F >= 1, got m = \(inputDimension), F = \(width).")
    self.inputDimension = inputDimension
    self.width = width
    values = Array(repeating: 0, count: 2 * inputDimension * width + inputDimension + width)
  }

  /// Parameters from the four SAELens tensors; the shapes must agree.
  public init(encoderWeights: Matrix<Scalar>, encoderBias: [Scalar], decoderWeights: Matrix<Scalar>, decoderBias: [Scalar]) {
    let m = encoderWeights.rows, f = encoderWeights.columns
    precondition(decoderWeights.rows == f && decoderWeights.columns == m && encoderBias.count == f && decoderBias.count == m,
                 "Inconsistent SAE tensor shapes: W_enc \(m)×\(f), b_enc \(encoderBias.count), W_dec \(decoderWeights.rows)×\(decoderWeights.columns), b_dec \(decoderBias.count).")
    self.init(inputDimension: m, width: f)
    values = encoderWeights.storage + encoderBias + decoderWeights.storage + decoderBias
  }

  /// The initialisation of bench_w3_sae.py and SAELens `standard` (with Gaussian rather than
  /// kaiming-uniform directions): every decoder row is a standard normal vector rescaled to norm
  /// `decoderNorm`, `W_enc = W_decᵀ`, both biases zero. Draws from the `"init"` sub-seed of `seed`.
  public static func initialized(inputDimension: Int, width: Int, seed: UInt64, decoderNorm: Double = 0.1) -> SAEParameters {
    var parameters = SAEParameters(inputDimension: inputDimension, width: width)
    var generator = SeedTree(root: seed).generator(for: "init")
    let m = inputDimension, decoderOffset = parameters.decoderWeightsOffset
    var row = [Double](repeating: 0, count: m)
    parameters.values.withUnsafeMutableBufferPointer { values in
      for i in 0..<width {
        for j in 0..<m { row[j] = generator.nextNormal() }
        let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for j in 0..<m { values[decoderOffset + i * m + j] = Scalar(decoderNorm * row[j] / max(norm, .leastNormalMagnitude)) }
      }
      // W_enc = W_decᵀ, copied in tiles so that both sides stay in the cache.
      let tile = 64
      for i0 in stride(from: 0, to: width, by: tile) {
        for j0 in stride(from: 0, to: m, by: tile) {
          for j in j0..<min(j0 + tile, m) {
            for i in i0..<min(i0 + tile, width) { values[j * width + i] = values[decoderOffset + i * m + j] }
          }
        }
      }
    }
    return parameters
  }

  /// Index of `W_enc[0, 0]` (always 0).
  public var encoderWeightsOffset: Int { 0 }
  /// Index of `b_enc[0]`.
  public var encoderBiasOffset: Int { inputDimension * width }
  /// Index of `W_dec[0, 0]`.
  public var decoderWeightsOffset: Int { inputDimension * width + width }
  /// Index of `b_dec[0]`.
  public var decoderBiasOffset: Int { 2 * inputDimension * width + width }

  /// `W_enc`, m×F.
  public var encoderWeights: Matrix<Scalar> {
    Matrix(rows: inputDimension, columns: width, storage: Array(values[0..<encoderBiasOffset]))
  }
  /// `b_enc`, length F.
  public var encoderBias: [Scalar] { Array(values[encoderBiasOffset..<decoderWeightsOffset]) }
  /// `W_dec`, F×m; its rows are the learned dictionary atoms.
  public var decoderWeights: Matrix<Scalar> {
    Matrix(rows: width, columns: inputDimension, storage: Array(values[decoderWeightsOffset..<decoderBiasOffset]))
  }
  /// `b_dec`, length m.
  public var decoderBias: [Scalar] { Array(values[decoderBiasOffset...]) }

  /// The Euclidean norms of the decoder rows ‖W_dec,i‖, accumulated in `Double`.
  public var decoderNorms: [Scalar] {
    (0..<width).map { i in
      let base = decoderWeightsOffset + i * inputDimension
      return Scalar((0..<inputDimension).reduce(0.0) { $0 + Double(values[base + $1]) * Double(values[base + $1]) }.squareRoot())
    }
  }

  /// The same parameters in another precision.
  public func converted<Other: LinearAlgebraScalar>(to _: Other.Type = Other.self) -> SAEParameters<Other> {
    var other = SAEParameters<Other>(inputDimension: inputDimension, width: width)
    other.values = values.map { Other($0) }
    return other
  }
}
