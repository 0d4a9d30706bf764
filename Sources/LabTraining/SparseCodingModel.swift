import LabNumerics

/// A trained model that maps inputs to sparse codes and codes back to inputs, which is all
/// ``SAEMetrics`` needs: the shallow ``SparseAutoencoder`` and the ``DeepAutoencoder``.
public protocol SparseCodingModel<Scalar> {
  /// The element type.
  associatedtype Scalar: LinearAlgebraScalar
  /// F, the number of latents.
  var latentCount: Int { get }
  /// The codes of the rows of `x`, N×F.
  func encode(_ x: Matrix<Scalar>) -> Matrix<Scalar>
  /// The reconstructions of codes `z`, N×m.
  func decode(_ codes: Matrix<Scalar>) -> Matrix<Scalar>
  /// The dictionary (F×m, rows are the latents' atoms) when reconstructions are linear in the
  /// codes, nil otherwise (then MMCS is not defined).
  var linearDictionary: Matrix<Scalar>? { get }
}

extension SparseAutoencoder: SparseCodingModel {
  /// F.
  public var latentCount: Int { parameters.width }
  /// `W_dec`.
  public var linearDictionary: Matrix<Scalar>? { parameters.decoderWeights }
}

extension DeepAutoencoder: SparseCodingModel {
  /// F.
  public var latentCount: Int { width }
  /// The final decoder's rows when there is no hidden decoder layer (x̂ = (z W_dec + b_dec)/s), nil otherwise.
  public var linearDictionary: Matrix<Scalar>? { layout.decoderHidden.isEmpty ? weights(layout.decoder) : nil }
}
