import Foundation

/// The element-wise steps of a BERT layer on row-major float32 rows.
enum EncoderKernels {
  /// Normalises each of the `rows` rows of `width` elements of `x` in place to zero mean and unit
  /// variance (biased variance, accumulated in double precision, `epsilon` added to it), then
  /// scales and shifts them.
  static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, scale: [Float], shift: [Float], epsilon: Float) {
    scale.withUnsafeBufferPointer { gamma in
      shift.withUnsafeBufferPointer { beta in
        for r in 0..<rows {
          let row = x + r * width
          var sum = 0.0
          for j in 0..<width { sum += Double(row[j]) }
          let mean = sum / Double(width)
          var squares = 0.0
          for j in 0..<width {
            let d = Double(row[j]) - mean
            squares += d * d
          }
          let inverse = 1 / (squares / Double(width) + Double(epsilon)).squareRoot()
          for j in 0..<width { row[j] = Float((Double(row[j]) - mean) * inverse) * gamma[j] + beta[j] }
        }
      }
    }
  }

  /// The exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)), in place on `count` elements.
  static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
    let inverseRoot2 = Float(0.5).squareRoot()
    for k in 0..<count {
      let v = x[k]
      x[k] = 0.5 * v * (1 + erf(v * inverseRoot2))
    }
  }

  /// Replaces each of the `rows` rows of `width` scores of `x` (stride `stride`) by its softmax.
  static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
    for r in 0..<rows {
      let row = x + r * stride
      var largest = -Float.infinity
      for j in 0..<width { largest = max(largest, row[j]) }
      var sum: Float = 0
      for j in 0..<width {
        let e = exp(row[j] - largest)
        row[j] = e
        sum += e
      }
      let inverse = 1 / sum
      for j in 0..<width { row[j] *= inverse }
    }
  }

  /// Sets each of the `rows` rows of `width` elements of `x` to `bias`, plus the same row of
  /// `residual` when given: the initial value of a product accumulated with β = 1.
  static func fillRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: [Float], residual: UnsafePointer<Float>? = nil) {
    bias.withUnsafeBufferPointer { b in
      for r in 0..<rows {
        let row = x + r * width
        if let residual {
          let source = residual + r * width
          for j in 0..<width { row[j] = source[j] + b[j] }
        } else {
          row.update(from: b.baseAddress!, count: width)
        }
      }
    }
  }
}
