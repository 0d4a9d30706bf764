import LabFormats
import LabNumerics
import LabTraining

extension CheckInputs {
  /// The two views of a SAELens SAE directory that THEORY §9 recommends, on the data X: the
  /// dictionary view (atoms W_dec rows normalised, b = b_dec as a free bias, exact lasso codes) and
  /// the factorisation view (the same atoms and bias with the SAE's own encoder codes, each scaled by
  /// its decoder row's norm so that the reconstruction is unchanged).
  public static func loadSAE(data: String, sae: String, lambda: Double) throws -> (dictionary: CheckInputs, encoder: CheckInputs) {
    guard lambda.isFinite && lambda > 0 else {
      throw FormatError(path: "--lambda", "λ must be a finite number > 0, got \(lambda)")
    }
    let array = try NumPyArray(contentsOf: data)
    let x: Matrix<Double> = try array.matrix(path: data, role: "the data X (N × m)")
    try checkMagnitudes(x.storage, columns: x.columns, path: data)
    let autoencoder: SparseAutoencoder<Float>
    do { autoencoder = try SAELensFormat.read(from: sae) } catch { throw FormatError(path: sae, "\(error)") }
    return try views(of: autoencoder, samples: x, lambda: lambda, source: sae, dataSource: data)
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
    var codes = Matrix<Double>(rows: x.rows, columns: parameters.width,
                               storage: autoencoder.encode(Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map { Scalar($0) })).storage.map { Double($0) })
    for n in 0..<codes.rows { for k in 0..<codes.columns { codes[n, k] *= norms[k] } }
    let dictionaryView = CheckInputs(samples: x, dictionary: atoms, bias: bias, givenCodes: nil, lambda: lambda,
                                     precision: Scalar.self == Float.self ? .float32 : .float64, normalized: true)
    var encoderView = dictionaryView
    encoderView.givenCodes = codes
    return (dictionaryView, encoderView)
  }
}
