import LabChecks
import LabNumerics
import LabTraining

/// How far a trained SAE is from a stationary point of the dictionary problem (THEORY §9, issue 6
/// item 4): the first-order checks of `lab check --sae` on its decoder (rows normalised) and decoder
/// bias, with (a) its own norm-scaled encoder codes (factorisation view) and (b) re-optimised exact
/// lasso codes (dictionary view). Each view gives the KKT residuals, LP-K and LP-R and the §5.1
/// verdict; `descent-found` means a descent direction exists.
public struct SAEStationarity: Codable, Sendable {
  /// The λ of the dictionary problem the SAE's loss maps to.
  public var lambda: Double
  /// The checks on the SAE's own codes, τ_z = 10⁻⁶·max z (``CheckRecord/encoderView(_:plan:)``).
  public var encoderCodes: CheckRecord.EncoderView?
  /// The same checks on exact lasso codes for the SAE's (D, b).
  public var exactCodes: CheckRecord.EncoderView?
  /// Why the checks were not run, when they were not.
  public var skipped: String?

  /// λ = c/2 for the loss mean_n[‖r_n‖² + c Σ_k z_kn‖d_k‖] (THEORY §9 with a = 1); `nil` for a
  /// penalty outside the theory (TopK and other ℓ0-style rules).
  public static func lambda(of architecture: any SAEArchitecture) -> Double? {
    if case .decoderNormWeightedL1(let c) = architecture.penalty, c > 0 { return c / 2 }
    return nil
  }

  /// Runs both views on the samples X (N×m) at `lambda`; beyond `maximumCodes` codes (N·F), or when the SAE has a zero decoder row or another input dimension, nothing is run and
  /// `skipped` says why (`source` and `dataSource` name the SAE and the data there).
  public static func assess<Scalar: LinearAlgebraScalar>(_ autoencoder: SparseAutoencoder<Scalar>, samples: Matrix<Double>, lambda: Double,
                                                         source: String, dataSource: String,
                                                         maximumCodes: Int = StationarityAssessment.maximumDenseCodes) throws -> SAEStationarity {
    let codes = samples.rows * autoencoder.parameters.width
    guard codes <= maximumCodes else {
      return SAEStationarity(lambda: lambda, encoderCodes: nil, exactCodes: nil,
                             skipped: "N·F = \(codes) codes exceed \(maximumCodes); run lab check --sae")
    }
    let dictionary: CheckInputs, encoder: CheckInputs
    do {
      (dictionary, encoder) = try CheckInputs.views(of: autoencoder, samples: samples, lambda: lambda, source: source, dataSource: dataSource)
    } catch {
      return SAEStationarity(lambda: lambda, encoderCodes: nil, exactCodes: nil, skipped: "\(error)")
    }
    return SAEStationarity(lambda: lambda, encoderCodes: try CheckRecord.encoderView(encoder),
                           exactCodes: try CheckRecord.encoderView(dictionary), skipped: nil)
  }
}
