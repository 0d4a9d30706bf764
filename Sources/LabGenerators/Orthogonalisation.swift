import Foundation
import LabNumerics

/// SAELens's orthogonalisation of feature directions (ANCHORS §3.6): Adam on
/// `L(E) = Σ_{i≠j}(eᵢ·eⱼ)² + F·Σᵢ(eᵢ·eᵢ − 1)²`, rows re-normalised at the end.
///
/// With `G = E Eᵀ` and `O` its off-diagonal part, `∇L = 4·O·E + 4F·diag(gᵢᵢ − 1)·E`.
enum Orthogonalisation {
  /// The rows of `start` after `steps` Adam steps (β₁ = 0.9, β₂ = 0.999, ε = 1e−8), normalised.
  static func run(_ start: Matrix<Double>, steps: Int, learningRate: Double) -> Matrix<Double> {
    var e = start
    let f = Double(e.rows)
    var first = [Double](repeating: 0, count: e.storage.count)
    var second = first
    for step in stride(from: 1, through: steps, by: 1) {
      var gram = e.rowGram()
      var diagonalTerms = [Double](repeating: 0, count: e.rows)
      for i in 0..<e.rows {
        diagonalTerms[i] = 4 * f * (gram[i, i] - 1)
        gram[i, i] = 0
      }
      var gradient = 4 * (gram * e)
      for i in 0..<e.rows {
        let row = e.row(i)
        gradient.setRow(i, to: zip(gradient.row(i), row).map { $0 + diagonalTerms[i] * $1 })
      }
      let correction1 = 1 - pow(0.9, Double(step)), correction2 = 1 - pow(0.999, Double(step))
      var values = e.storage
      let g = gradient.storage
      for k in values.indices {
        first[k] = 0.9 * first[k] + 0.1 * g[k]
        second[k] = 0.999 * second[k] + 0.001 * g[k] * g[k]
        values[k] -= learningRate * (first[k] / correction1) / ((second[k] / correction2).squareRoot() + 1e-8)
      }
      e = Matrix(rows: e.rows, columns: e.columns, storage: values)
    }
    for i in 0..<e.rows {
      let row = e.row(i)
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      e.setRow(i, to: row.map { $0 / norm })
    }
    return e
  }
}
