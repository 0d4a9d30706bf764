import LabFormats
import LabNumerics
import LabTraining

extension CheckInputs {
  /// The two views of a SAELens SAE directory that THEORY §9 recommends, on the data X: the
  /// dictionary view (atoms W_dec rows normalised, b = b_dec as a free bias, exact lasso codes) and
  /// the factorisation view (the same atoms and bias with the SAE's own encoder codes, each scaled by
  /// its decoder row's norm so that the reconstruction is unchanged).
  public static func loadSAE(data: String, sae: String, lambda: Double) throws -> (dictionary: CheckInputs, encoder: SAEEncoderCodes) {
    guard lambda.isFinite && lambda > 0 else {
      throw FormatError(path: "--lambda", "λ must be a finite number > 0, got \(lambda)")
    }
    let array = try NumPyArray(contentsOf: data)
    let x: Matrix<Double> = try array.matrix(path: data, role: "the data X (N × m)")
    try checkMagnitudes(x.storage, columns: x.columns, path: data)
    let autoencoder: SparseAutoencoder<Float>
    do { autoencoder = try SAELensFormat.read(from: sae) } catch { throw FormatError(path: sae, "\(error)") }
    let dictionary = try views(of: autoencoder, samples: Matrix(rows: 0, columns: x.columns), lambda: lambda, source: sae, dataSource: data).dictionary
    var dictionaryView = dictionary
    dictionaryView.samples = x
    return (dictionaryView, SAEEncoderCodes(autoencoder))
  }

  /// The two views of THEORY §9 of an SAE in memory on the samples X (N×m); a zero decoder row or a
  /// dimension mismatch is a ``FormatError`` naming `source` (the SAE) and `dataSource` (the data).
  public static func views<Scalar: LinearAlgebraScalar>(of autoencoder: SparseAutoencoder<Scalar>, samples x: Matrix<Double>,
                                                        lambda: Double, source: String, dataSource: String) throws -> (dictionary: CheckInputs, encoder: CheckInputs) {
    let parameters = autoencoder.parameters
    guard parameters.inputDimension == x.columns else {
      throw FormatError(path: source, "the SAE has d_in = \(parameters.inputDimension) but the data in \(dataSource) have m = \(x.columns)")
    }
    let norms = parameters.decoderNorms.map { Double($0) }
    if let dead = norms.firstIndex(where: { !($0 > 0) }) {
      throw FormatError(path: source, "W_dec row \(dead) has norm \(norms[dead]); every atom must be nonzero")
    }
    var atoms = Matrix<Double>(rows: parameters.width, columns: parameters.inputDimension,
                               storage: parameters.decoderWeights.storage.map { Double($0) })
    for k in 0..<atoms.rows { atoms.setRow(k, to: atoms.row(k).map { $0 / norms[k] }) }
    let bias = parameters.decoderBias.map { Double($0) }
    let codes = SAEEncoderCodes(autoencoder).codes(for: x)
    let dictionaryView = CheckInputs(samples: x, dictionary: atoms, bias: bias, givenCodes: nil, lambda: lambda,
                                     precision: Scalar.self == Float.self ? .float32 : .float64, normalized: true)
    var encoderView = dictionaryView
    encoderView.givenCodes = codes
    return (dictionaryView, encoderView)
  }
}

/// An SAE's own codes for any rows of X, each scaled by its decoder row's norm (THEORY §9's
/// factorisation view), computed batch by batch so that N×F codes never need to be held at once.
public struct SAEEncoderCodes: Sendable {
  private let encode: @Sendable (Matrix<Double>) -> Matrix<Double>

  /// The codes of `autoencoder`.
  public init<Scalar: LinearAlgebraScalar>(_ autoencoder: SparseAutoencoder<Scalar>) {
    let norms = autoencoder.parameters.decoderNorms.map { Double($0) }
    encode = { x in
      let own = autoencoder.encode(Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map { Scalar($0) }))
      var codes = [Double](repeating: 0, count: own.storage.count)
      let width = norms.count
      for (index, value) in own.storage.enumerated() where value != 0 { codes[index] = Double(value) * norms[index % width] }
      return Matrix(rows: x.rows, columns: width, storage: codes)
    }
  }

  /// The norm-scaled codes of the rows of `samples` (`rows × F`).
  public func codes(for samples: Matrix<Double>) -> Matrix<Double> { encode(samples) }
}
