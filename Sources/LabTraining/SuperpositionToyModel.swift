import LabNumerics
import LabRandom

/// The ReLU output model of "Toy Models of Superposition" (Elhage et al., 2022): n features are
/// squeezed into a hidden layer of m < n dimensions and read back out,
///
///     h = W x,   x̂ = ReLU(Wᵀ h + b),
///
/// with W m×n and b of length n, trained on the importance-weighted squared error
/// `Σ_i I_i (x_i − x̂_i)²` (averaged over the batch). Rows of the matrices below are samples, so
/// in code `H = X Wᵀ` and `X̂ = ReLU(H W + b)`. The hidden layer `h` is the "layer" an SAE is
/// trained on and patched into (``PatchingMetrics``). The model is in `Double` (it is small; the
/// finite-difference test of its gradient needs the precision).
public struct SuperpositionToyModel: Sendable, Equatable {
  /// n, the number of features (input and output width).
  public let featureCount: Int
  /// m, the hidden width.
  public let hiddenDimension: Int
  /// The parameters, W (m×n, row-major) followed by b (n); the layout of the gradient.
  public var values: [Double]

  /// A model with every parameter zero.
  public init(featureCount: Int, hiddenDimension: Int) {
    precondition(featureCount >= 1 && hiddenDimension >= 1, "A toy model needs n, m >= 1, got n = \(featureCount), m = \(hiddenDimension).")
    self.featureCount = featureCount
    self.hiddenDimension = hiddenDimension
    values = Array(repeating: 0, count: hiddenDimension * featureCount + featureCount)
  }

  /// The paper's initialisation: W Xavier-normal (standard deviation √(2/(m+n))) from the seed's
  /// `"weights"` stream, b = 0.
  public static func initialized(featureCount: Int, hiddenDimension: Int, seed: UInt64) -> SuperpositionToyModel {
    var model = SuperpositionToyModel(featureCount: featureCount, hiddenDimension: hiddenDimension)
    var generator = SeedTree(root: seed).generator(for: "weights")
    let deviation = (2 / Double(featureCount + hiddenDimension)).squareRoot()
    for i in 0..<(hiddenDimension * featureCount) { model.values[i] = deviation * generator.nextNormal() }
    return model
  }

  /// W, m×n: column i is feature i's direction in the hidden layer.
  public var weights: Matrix<Double> {
    Matrix(rows: hiddenDimension, columns: featureCount, storage: Array(values[0..<(hiddenDimension * featureCount)]))
  }

  /// b, length n.
  public var bias: [Double] { Array(values[(hiddenDimension * featureCount)...]) }

  /// The hidden layer of the rows of `x` (N×n): H = X Wᵀ, N×m.
  public func hidden(_ x: Matrix<Double>) -> Matrix<Double> {
    precondition(x.columns == featureCount, "The toy model takes \(featureCount) features, got \(x.columns) columns.")
    return x.multiplied(by: weights, transposingOther: true)
  }

  /// The outputs read from hidden activations `h` (N×m): X̂ = ReLU(H W + b), N×n.
  public func output(fromHidden h: Matrix<Double>) -> Matrix<Double> {
    preactivation(h).rectified
  }

  /// The outputs of the rows of `x`.
  public func output(_ x: Matrix<Double>) -> Matrix<Double> { output(fromHidden: hidden(x)) }

  /// The importance-weighted squared error mean_t Σ_i I_i (x_ti − x̂_ti)² of outputs `xHat` for inputs `x`.
  public static func loss(_ x: Matrix<Double>, _ xHat: Matrix<Double>, importance: [Double]) -> Double {
    precondition(x.rows == xHat.rows && x.columns == xHat.columns && importance.count == x.columns,
                 "Loss of \(xHat.rows)×\(xHat.columns) outputs for \(x.rows)×\(x.columns) inputs with \(importance.count) importances.")
    guard x.rows > 0 else { return 0 }
    var total = 0.0
    for t in 0..<x.rows {
      for i in 0..<x.columns {
        let e = x.storage[t * x.columns + i] - xHat.storage[t * x.columns + i]
        total += importance[i] * e * e
      }
    }
    return total / Double(x.rows)
  }

  /// The loss on the rows of `x` (N×n, N ≥ 1) and its gradient with respect to ``values``. With
  /// A = H W + b and G = (2/N) I ⊙ (X̂ − X) ⊙ [A > 0]: ∂b = Σ_t G_t and, since W enters through
  /// both the hidden layer and the readout, ∂W = Hᵀ G + (G Wᵀ)ᵀ X. At A = 0 (the ReLU kink) the
  /// derivative 0 is taken.
  public func lossAndGradient(_ x: Matrix<Double>, importance: [Double]) -> (loss: Double, gradient: [Double]) {
    let n = featureCount, m = hiddenDimension, rows = x.rows
    precondition(rows >= 1 && importance.count == n, "A gradient needs N >= 1 rows and \(n) importances, got \(rows) and \(importance.count).")
    let h = hidden(x)
    let a = preactivation(h)
    let xHat = a.rectified
    var g = Matrix<Double>(rows: rows, columns: n)
    let scale = 2 / Double(rows)
    for t in 0..<rows {
      for i in 0..<n where a.storage[t * n + i] > 0 {
        g.storage[t * n + i] = scale * importance[i] * (xHat.storage[t * n + i] - x.storage[t * n + i])
      }
    }
    let readout = h.multiplied(by: g, transposingSelf: true)               // Hᵀ G, m×n
    let hiddenGradient = g.multiplied(by: weights, transposingOther: true)  // G Wᵀ, N×m
    let encoder = hiddenGradient.multiplied(by: x, transposingSelf: true)   // (G Wᵀ)ᵀ X, m×n
    var gradient = [Double](repeating: 0, count: values.count)
    for k in 0..<(m * n) { gradient[k] = readout.storage[k] + encoder.storage[k] }
    for t in 0..<rows { for i in 0..<n { gradient[m * n + i] += g.storage[t * n + i] } }
    return (Self.loss(x, xHat, importance: importance), gradient)
  }

  /// A = H W + b.
  private func preactivation(_ h: Matrix<Double>) -> Matrix<Double> {
    precondition(h.columns == hiddenDimension, "The toy model's hidden layer has \(hiddenDimension) dimensions, got \(h.columns) columns.")
    var a = h.multiplied(by: weights)
    let b = bias
    for t in 0..<a.rows { for i in 0..<featureCount { a.storage[t * featureCount + i] += b[i] } }
    return a
  }
}

extension Matrix<Double> {
  /// Every entry replaced by max(0, entry).
  fileprivate var rectified: Matrix {
    Matrix(rows: rows, columns: columns, storage: storage.map { $0 > 0 ? $0 : 0 })
  }
}
