import LabNumerics

/// The TopK auxiliary loss AuxK (OpenAI's recipe as SAELens implements it, ANCHORS §2): the dead
/// latents' pre-activations `u = a W_enc + b_enc` (a the sparse layer's input: xc = x − b_dec for
/// the shallow SAE, the last encoder layer's output for the deep one) are restricted to the dead
/// latents, the `k_aux` largest kept (ties to the lower index) and ReLU'd, giving z_aux; their
/// reconstruction without `b_dec`, `ê = z_aux W_dec`, is fitted to the residual `e = x − x̂` of the
/// main pass, held fixed (detached):
///
///     L_aux = c · min(n_dead / k_aux, 1) · (1/B) Σ_b ‖ê_b − e_b‖²
///
/// Its gradient reaches W_dec (dead rows), W_enc and b_enc (dead columns) and, through a, whatever
/// computes a: b_dec in the shallow SAE, the hidden encoder layers in the deep one.
public enum AuxiliaryKLoss {
  /// The auxiliary pass of one batch: the loss, the gradient of the decoder weights, and the
  /// gradient of the pre-activations u (zero outside the kept dead latents).
  struct Pass<Scalar: LinearAlgebraScalar> {
    var loss: Double
    /// ∂L_aux/∂W_dec = z_auxᵀ g (F×m).
    var decoderGradient: Matrix<Scalar>
    /// ∂L_aux/∂u = (g W_decᵀ) ⊙ [z_aux > 0] (B×F).
    var preActivationGradient: Matrix<Scalar>
  }

  /// L_aux and its gradients for sparse-layer input `input` (B×n), encoder `encoderWeights` (n×F)
  /// and `encoderBias`, decoder `decoderWeights` (F×m) and residual `residual` (B×m, x − x̂) for
  /// the latents flagged in `dead`; nil when no latent is dead.
  static func pass<Scalar: LinearAlgebraScalar>(
    input: Matrix<Scalar>, encoderWeights wEnc: Matrix<Scalar>, encoderBias bEnc: [Scalar], decoderWeights wDec: Matrix<Scalar>,
    residual: Matrix<Scalar>, dead: [Bool], k: Int, coefficient: Double
  ) -> Pass<Scalar>? {
    let f = wEnc.columns, b = input.rows
    precondition(dead.count == f && k >= 1 && residual.rows == b && residual.columns == wDec.columns && wDec.rows == f
                 && input.columns == wEnc.rows && bEnc.count == f, "AuxK needs F dead flags, k >= 1 and matching shapes.")
    let deadCount = dead.reduce(0) { $1 ? $0 + 1 : $0 }
    guard deadCount > 0 else { return nil }
    var z = input.multiplied(by: wEnc)
    var scratch = [Scalar](repeating: 0, count: f)
    let kept = min(k, deadCount)
    for r in 0..<b {
      var row = (0..<f).map { i in dead[i] ? z.storage[r * f + i] + bEnc[i] : -Scalar.infinity }
      row.withUnsafeMutableBufferPointer { h in
        scratch.withUnsafeMutableBufferPointer { s in TopKArchitecture.keepTopK(h.baseAddress!, count: f, k: kept, scratch: s.baseAddress!) }
      }
      for i in 0..<f { z.storage[r * f + i] = row[i] }
    }
    let scale = coefficient * min(Double(deadCount) / Double(k), 1)
    var g = z.multiplied(by: wDec)
    var squared = 0.0
    let factor = Scalar(2 * scale / Double(b))
    for i in g.storage.indices {
      let d = g.storage[i] - residual.storage[i]
      squared += Double(d) * Double(d)
      g.storage[i] = factor * d
    }
    var du = g.multiplied(by: wDec, transposingOther: true)
    for i in du.storage.indices where z.storage[i] <= 0 { du.storage[i] = 0 }
    return Pass(loss: scale * squared / Double(b), decoderGradient: z.multiplied(by: g, transposingSelf: true), preActivationGradient: du)
  }

  /// L_aux of the shallow SAE `p` on the B rows at `batch` with residual `residual` (B×m, x − x̂)
  /// for the latents flagged in `dead`, adding its gradient to `gradient` (``SAEParameters``
  /// layout). Returns 0 and adds nothing when no latent is dead.
  public static func addLossAndGradient<Scalar: LinearAlgebraScalar>(
    parameters p: SAEParameters<Scalar>, batch: Matrix<Scalar>, residual: Matrix<Scalar>, dead: [Bool], k: Int, coefficient: Double,
    gradient: inout [Scalar]
  ) -> Double {
    let m = p.inputDimension, f = p.width, b = batch.rows
    precondition(dead.count == f && residual.rows == b && residual.columns == m && batch.columns == m,
                 "AuxK needs F dead flags and a B×m residual.")
    let bDec = p.decoderBias, wEnc = p.encoderWeights
    var xc = batch
    for r in 0..<b { for j in 0..<m { xc.storage[r * m + j] -= bDec[j] } }
    guard let pass = pass(input: xc, encoderWeights: wEnc, encoderBias: p.encoderBias, decoderWeights: p.decoderWeights,
                          residual: residual, dead: dead, k: k, coefficient: coefficient) else { return 0 }
    // ∂W_dec += z_auxᵀ g;  ∂W_enc += xcᵀ ∂u;  ∂b_enc += Σ ∂u;  ∂b_dec −= W_enc Σ ∂u.
    let du = pass.preActivationGradient
    for i in pass.decoderGradient.storage.indices { gradient[p.decoderWeightsOffset + i] += pass.decoderGradient.storage[i] }
    let dWEnc = xc.multiplied(by: du, transposingSelf: true)
    for i in dWEnc.storage.indices { gradient[i] += dWEnc.storage[i] }
    var biasGradient = [Scalar](repeating: 0, count: f)
    for r in 0..<b { for i in 0..<f { biasGradient[i] += du.storage[r * f + i] } }
    for i in 0..<f { gradient[p.encoderBiasOffset + i] += biasGradient[i] }
    let through = wEnc.applied(to: biasGradient)
    for j in 0..<m { gradient[p.decoderBiasOffset + j] -= through[j] }
    return pass.loss
  }
}
