import LabNumerics

/// The unit-norm decoder constraint of dictionary_learning's `ConstrainedAdam`: before a step the
/// gradient of every decoder row loses its component along the row, after it every row is scaled
/// back to norm 1 (a zero row stays zero). Rows are the `rows`×`columns` row-major block at `offset`.
enum DecoderConstraint {
  /// `∂w_i ← ∂w_i − (∂w_i · w_i / ‖w_i‖²) w_i` for every row w_i.
  static func removeParallelComponent<Scalar: BinaryFloatingPoint>(
    of gradient: inout [Scalar], values: [Scalar], offset: Int, rows: Int, columns: Int
  ) {
    for i in 0..<rows {
      let base = offset + i * columns
      var dot = 0.0, squared = 0.0
      for j in 0..<columns {
        dot += Double(gradient[base + j]) * Double(values[base + j])
        squared += Double(values[base + j]) * Double(values[base + j])
      }
      guard squared > 0 else { continue }
      for j in 0..<columns { gradient[base + j] -= Scalar(dot / squared * Double(values[base + j])) }
    }
  }

  /// Scales every nonzero row to norm 1 (norms accumulated in `Double`).
  static func normalizeRows<Scalar: BinaryFloatingPoint>(_ values: inout [Scalar], offset: Int, rows: Int, columns: Int) {
    for i in 0..<rows {
      let base = offset + i * columns
      let norm = (0..<columns).reduce(0.0) { $0 + Double(values[base + $1]) * Double(values[base + $1]) }.squareRoot()
      if norm > 0 { for j in 0..<columns { values[base + j] = Scalar(Double(values[base + j]) / norm) } }
    }
  }
}

extension SAEParameters {
  /// Removes from the gradient of every decoder row its component along the row.
  func removeDecoderParallelComponent(of gradient: inout [Scalar]) {
    DecoderConstraint.removeParallelComponent(of: &gradient, values: values, offset: decoderWeightsOffset, rows: width, columns: inputDimension)
  }

  /// Scales every nonzero decoder row to norm 1.
  mutating func normalizeDecoderRows() {
    DecoderConstraint.normalizeRows(&values, offset: decoderWeightsOffset, rows: width, columns: inputDimension)
  }
}
