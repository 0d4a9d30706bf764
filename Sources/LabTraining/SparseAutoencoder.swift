import LabNumerics

/// An architecture with its parameters: encodes inputs to codes and reconstructs them.
public struct SparseAutoencoder<Scalar: LinearAlgebraScalar>: Sendable {
  /// The architecture.
  public var architecture: any SAEArchitecture
  /// The weights.
  public var parameters: SAEParameters<Scalar>

  /// An SAE of `architecture` with `parameters`.
  public init(architecture: any SAEArchitecture, parameters: SAEParameters<Scalar>) {
    self.architecture = architecture
    self.parameters = parameters
  }

  /// The codes of the rows of `x` (N×m) at inference: `act((x − b_dec) W_enc + b_enc)` (without
  /// `− b_dec` when the architecture does not subtract it, and without training noise), N×F.
  @_specialize(where Scalar == Float)
  public func encode(_ x: Matrix<Scalar>) -> Matrix<Scalar> {
    let m = parameters.inputDimension, f = parameters.width
    precondition(x.columns == m, "The SAE takes inputs of dimension \(m), got \(x.columns) columns.")
    let bDec = parameters.decoderBias
    var centered = x
    if architecture.subtractsDecoderBias {
      for r in 0..<x.rows { for j in 0..<m { centered.storage[r * m + j] -= bDec[j] } }
    }
    let rule = architecture.inferenceActivation
    if case .matchingPursuit(let maxIterations, let threshold) = rule {
      return MatchingPursuit.encode(centred: centered, decoder: parameters.decoderWeights, maxIterations: maxIterations, residualThreshold: threshold)
    }
    var codes = centered.multiplied(by: parameters.encoderWeights).storage
    let bias = parameters.encoderBias
    var scratch = [Scalar](repeating: 0, count: rule.needsBatchScratch ? x.rows * f : f)
    codes.withUnsafeMutableBufferPointer { h in
      bias.withUnsafeBufferPointer { b in
        scratch.withUnsafeMutableBufferPointer { s in
          if x.rows > 0 {
            SAEKernel.applyActivation(rule, to: h.baseAddress!, bias: b.baseAddress!, rows: x.rows, width: f,
                                      scratch: s.baseAddress!)
          }
        }
      }
    }
    return Matrix(rows: x.rows, columns: f, storage: codes)
  }

  /// The reconstruction `z W_dec + b_dec` of codes `z` (N×F), N×m.
  @_specialize(where Scalar == Float)
  public func decode(_ codes: Matrix<Scalar>) -> Matrix<Scalar> {
    var out = codes.multiplied(by: parameters.decoderWeights)
    let bDec = parameters.decoderBias, m = parameters.inputDimension
    for r in 0..<out.rows { for j in 0..<m { out.storage[r * m + j] += bDec[j] } }
    return out
  }
}
