import LabNumerics

/// The patching metrics of seeds/004 for a ``SuperpositionToyModel``, whose hidden layer is
/// replaced by something else (an SAE's reconstruction, zeros) on the way to the output.
///
/// **Reconstruction score.** With L the model's task loss (importance-weighted squared error) on
/// the same inputs with the hidden layer left alone (L_clean), replaced by zeros (L_zero) and
/// replaced by the patch (L_patched), the score is (L_zero − L_patched)/(L_zero − L_clean): 1 when
/// the patch costs nothing, 0 when it is as bad as zero-ablation (NaN when L_zero = L_clean).
///
/// **KL divergence.** The outputs x̂ are not distributions, so the model is read as the Gaussian
/// model its loss already is: output unit i predicts y_i ~ N(x̂_i, σ_i²) with σ_i² = 1/(2 I_i),
/// independently. Then −log p(y) = Σ_i I_i (y_i − x̂_i)² + const, i.e. the task loss *is* the
/// negative log-likelihood of this distribution, just as a language model's cross-entropy is the
/// NLL of its softmax; the KL between the clean and the patched model's predictive distributions
/// is therefore the toy model's analogue of the LM "patch loss". For two Gaussians with equal
/// variances it is Σ_i (x̂_i − x̂'_i)²/(2σ_i²) = Σ_i I_i (x̂_i − x̂'_i)² per input (see
/// ``gaussianKL(_:_:variances:)``), averaged here over the inputs. (A softmax over the n outputs
/// was the alternative; it is not the distribution the model is trained to predict, and it is
/// invariant to adding a constant to every output, which the loss is not.)
public enum PatchingMetrics {
  /// The losses, the score and the KL of one patch.
  public struct Result: Codable, Sendable, Equatable {
    /// L_clean, L_zero and L_patched.
    public var cleanLoss: Double, zeroLoss: Double, patchedLoss: Double
    /// (L_zero − L_patched)/(L_zero − L_clean).
    public var reconstructionScore: Double
    /// mean over the inputs of KL(clean ‖ patched) of the Gaussian output distributions.
    public var meanKL: Double
  }

  /// The metrics of replacing the hidden layer of `model` on inputs `x` (N×n) by `patchedHidden`
  /// (N×m), with feature importances `importance` (all > 0).
  public static func evaluate(
    _ model: SuperpositionToyModel, inputs x: Matrix<Double>, patchedHidden: Matrix<Double>, importance: [Double]
  ) -> Result {
    let h = model.hidden(x)
    precondition(patchedHidden.rows == h.rows && patchedHidden.columns == h.columns,
                 "The patch is \(patchedHidden.rows)×\(patchedHidden.columns), the hidden layer \(h.rows)×\(h.columns).")
    precondition(importance.allSatisfy { $0 > 0 && $0.isFinite }, "Importances must be finite and > 0, got \(importance).")
    let clean = model.output(fromHidden: h)
    let zero = model.output(fromHidden: Matrix(rows: h.rows, columns: h.columns))
    let patched = model.output(fromHidden: patchedHidden)
    let (cleanLoss, zeroLoss, patchedLoss) = (SuperpositionToyModel.loss(x, clean, importance: importance),
                                              SuperpositionToyModel.loss(x, zero, importance: importance),
                                              SuperpositionToyModel.loss(x, patched, importance: importance))
    let variances = importance.map { 1 / (2 * $0) }
    var kl = 0.0
    for t in 0..<x.rows {
      kl += gaussianKL(clean.row(t), patched.row(t), variances: variances)
    }
    return Result(cleanLoss: cleanLoss, zeroLoss: zeroLoss, patchedLoss: patchedLoss,
                  reconstructionScore: reconstructionScore(clean: cleanLoss, zero: zeroLoss, patched: patchedLoss),
                  meanKL: x.rows > 0 ? kl / Double(x.rows) : 0)
  }

  /// (L_zero − L_patched)/(L_zero − L_clean).
  public static func reconstructionScore(clean: Double, zero: Double, patched: Double) -> Double {
    (zero - patched) / (zero - clean)
  }

  /// KL(N(μ, diag σ²) ‖ N(ν, diag σ²)) = Σ_i (μ_i − ν_i)²/(2σ_i²), the divergence of two
  /// independent Gaussians per coordinate with the same variances σ_i² > 0.
  public static func gaussianKL(_ mu: [Double], _ nu: [Double], variances: [Double]) -> Double {
    precondition(mu.count == nu.count && nu.count == variances.count, "KL of means \(mu.count), \(nu.count) with \(variances.count) variances.")
    var total = 0.0
    for i in mu.indices { total += (mu[i] - nu[i]) * (mu[i] - nu[i]) / (2 * variances[i]) }
    return total
  }
}
