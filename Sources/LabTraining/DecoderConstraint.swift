import LabNumerics

/// The unit-norm decoder constraint of dictionary_learning's `ConstrainedAdam`: before a step the
/// gradient of every decoder row loses its component along the row, after it every row is scaled
/// back to norm 1 (a zero row stays zero).
enum DecoderConstraint {
  /// `∂W_dec,i ← ∂W_dec,i − (∂W_dec,i · ŵ_i) ŵ_i` with ŵ_i the unit row.
  static func removeParallelComponent<Scalar: LinearAlgebraScalar>(of gradient: inout [Scalar], parameters: SAEParameters<Scalar>) {
    let m = parameters.inputDimension, base = parameters.decoderWeightsOffset
    let norms = parameters.decoderNorms
    for i in 0..<parameters.width where norms[i] > 0 {
      let row = base + i * m
      var dot = 0.0
      for j in 0..<m { dot += Double(gradient[row + j]) * Double(parameters.values[row + j]) }
      let coefficient = dot / (Double(norms[i]) * Double(norms[i]))
      for j in 0..<m { gradient[row + j] -= Scalar(coefficient * Double(parameters.values[row + j])) }
    }
  }

  /// Scales every nonzero decoder row to norm 1.
  static func normalizeRows<Scalar: LinearAlgebraScalar>(_ parameters: inout SAEParameters<Scalar>) {
    let m = parameters.inputDimension, base = parameters.decoderWeightsOffset
    let norms = parameters.decoderNorms
    for i in 0..<parameters.width where norms[i] > 0 {
      for j in 0..<m { parameters.values[base + i * m + j] /= norms[i] }
    }
  }
}
