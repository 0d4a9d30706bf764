import LabNumerics

/// Matching pursuit with a tied encoder, as sae-lens 6.54 `_encode_matching_pursuit`: from the
/// centred input r₀ = x − b_dec, at most T times pick the latent with the largest ReLU'd correlation
/// i_t = argmax_j ReLU(r·d_j) (the first on ties), take v_t = ReLU(r·d_{i_t}), add it to code i_t and
/// subtract v_t d_{i_t} from the residual. A sample stops once an iteration leaves its support
/// unchanged (`stop_on_duplicate_support`) or its residual norm falls below the threshold; the
/// iteration that finds this still applies its update, as sae-lens does. The reconstruction is
/// x̂ = b_dec + Σ z_i d_i = x − r_T.
///
/// Training differentiates through the pursuit with the selections fixed (what sae-lens's autograd
/// does): with L = (1/B) Σ‖r_T‖², ḡ_T = 2r_T/B and, back through each step with v_t > 0,
///
///     ∂d_{i_t} += −((ḡ_t·d_{i_t}) r_{t−1} + v_t ḡ_t);   ḡ_{t−1} = ḡ_t − (d_{i_t}·ḡ_t) d_{i_t};   ∂b_dec = −Σ_b ḡ_0.
///
/// The encoder weights and bias are unused (their gradient is 0).
public enum MatchingPursuit {
  /// One sample's pursuit: the codes added to `codes` (F entries, zero on entry), the residual left in
  /// `residual` (m entries, r₀ on entry); with `trace`, each step with v_t > 0 as (latent, v_t, r_{t−1}).
  static func pursue<Scalar: LinearAlgebraScalar>(
    residual: UnsafeMutablePointer<Scalar>, decoder: UnsafePointer<Scalar>, inputDimension m: Int, width f: Int, maxIterations: Int,
    residualThreshold: Double, codes: UnsafeMutablePointer<Scalar>, correlations: UnsafeMutablePointer<Scalar>,
    trace: ((Int, Scalar, [Scalar]) -> Void)? = nil
  ) {
    for _ in 0..<maxIterations {
      Scalar.blasGemv(transposing: false, m: SAEKernel.int32(f), n: SAEKernel.int32(m), alpha: 1, a: decoder, lda: SAEKernel.int32(m),
                      x: residual, beta: 0, y: correlations)
      var best = 0
      for j in 1..<max(1, f) where max(0, correlations[j]) > max(0, correlations[best]) { best = j }
      let value = max(0, correlations[best])
      if value > 0 {
        trace?(best, value, Array(UnsafeBufferPointer(start: residual, count: m)))
        let d = decoder + best * m
        for j in 0..<m { residual[j] -= value * d[j] }
      }
      let wasZero = codes[best] == 0
      codes[best] += value
      let unchanged = !(wasZero && codes[best] != 0)  // codes only grow, so the support changes only here
      var norm = 0.0
      for j in 0..<m { norm += Double(residual[j]) * Double(residual[j]) }
      if unchanged || (residualThreshold > 0 && norm.squareRoot() < residualThreshold) { break }
    }
  }

  /// The codes (N×F) of the rows of `centred` (x − b_dec, N×m) for decoder rows `decoder` (F×m).
  public static func encode<Scalar: LinearAlgebraScalar>(
    centred: Matrix<Scalar>, decoder: Matrix<Scalar>, maxIterations: Int, residualThreshold: Double
  ) -> Matrix<Scalar> {
    let m = decoder.columns, f = decoder.rows, n = centred.rows
    var codes = [Scalar](repeating: 0, count: n * f)
    var residual = centred.storage
    var correlations = [Scalar](repeating: 0, count: f)
    decoder.storage.withUnsafeBufferPointer { d in
      residual.withUnsafeMutableBufferPointer { r in
        codes.withUnsafeMutableBufferPointer { z in
          correlations.withUnsafeMutableBufferPointer { c in
            for row in 0..<n {
              pursue(residual: r.baseAddress! + row * m, decoder: d.baseAddress!, inputDimension: m, width: f, maxIterations: maxIterations,
                     residualThreshold: residualThreshold, codes: z.baseAddress! + row * f, correlations: c.baseAddress!)
            }
          }
        }
      }
    }
    return Matrix(rows: n, columns: f, storage: codes)
  }

  /// The loss (1/B) Σ‖x̂ − x‖² of the B rows at `batch` and its gradient (written to `gradient`, the
  /// parameters' layout; encoder blocks 0); returns the loss, which latents fired and the number of
  /// nonzero codes.
  public static func lossAndGradient<Scalar: LinearAlgebraScalar>(
    parameters: SAEParameters<Scalar>, maxIterations: Int, residualThreshold: Double, batch: Matrix<Scalar>, gradient: inout [Scalar]
  ) -> (loss: BatchLoss, fired: [Bool], activeCount: Int) {
    let m = parameters.inputDimension, f = parameters.width, b = batch.rows
    precondition(batch.columns == m && gradient.count == parameters.values.count, "A batch or gradient of the wrong shape.")
    for i in gradient.indices { gradient[i] = 0 }
    let decoder = parameters.decoderWeights, bias = parameters.decoderBias
    var fired = [Bool](repeating: false, count: f)
    var active = 0, squaredError = 0.0
    var codes = [Scalar](repeating: 0, count: f), correlations = [Scalar](repeating: 0, count: f)
    var residual = [Scalar](repeating: 0, count: m)
    let scale = 2 / Scalar(b)
    for row in 0..<b {
      for j in 0..<m { residual[j] = batch.storage[row * m + j] - bias[j] }
      for i in 0..<f { codes[i] = 0 }
      var steps: [(latent: Int, value: Scalar, before: [Scalar])] = []
      decoder.storage.withUnsafeBufferPointer { d in
        residual.withUnsafeMutableBufferPointer { r in
          codes.withUnsafeMutableBufferPointer { z in
            correlations.withUnsafeMutableBufferPointer { c in
              pursue(residual: r.baseAddress!, decoder: d.baseAddress!, inputDimension: m, width: f, maxIterations: maxIterations,
                     residualThreshold: residualThreshold, codes: z.baseAddress!, correlations: c.baseAddress!) { steps.append(($0, $1, $2)) }
            }
          }
        }
      }
      for i in 0..<f where codes[i] != 0 { fired[i] = true; active += 1 }
      // Back through the pursuit.
      var upstream = residual.map { $0 * scale }
      for j in 0..<m { squaredError += Double(residual[j]) * Double(residual[j]) }
      for step in steps.reversed() {
        let offset = parameters.decoderWeightsOffset + step.latent * m
        var along: Scalar = 0
        for j in 0..<m { along += upstream[j] * decoder.storage[step.latent * m + j] }
        for j in 0..<m { gradient[offset + j] -= along * step.before[j] + step.value * upstream[j] }
        for j in 0..<m { upstream[j] -= along * decoder.storage[step.latent * m + j] }
      }
      for j in 0..<m { gradient[parameters.decoderBiasOffset + j] -= upstream[j] }
    }
    return (BatchLoss(meanSquaredError: squaredError / Double(b), penalty: 0), fired, active)
  }
}
