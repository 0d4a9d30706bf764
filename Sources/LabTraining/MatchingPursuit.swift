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
  /// The pursuit of `n` samples at once: each iteration correlates every residual with every atom in
  /// one gemm (R W_decᵀ), then each sample not yet stopped takes its step. `residual` holds the n×m
  /// r₀ on entry and r_T on return; the codes are added to `codes` (n×F, zero on entry);
  /// `correlations` is n×F scratch. With `trace`, each step with v_t > 0 is reported as
  /// (sample, latent, v_t, r_{t−1}).
  static func pursue<Scalar: LinearAlgebraScalar>(
    residual: UnsafeMutablePointer<Scalar>, decoder: UnsafePointer<Scalar>, rows n: Int, inputDimension m: Int, width f: Int,
    maxIterations: Int, residualThreshold: Double, codes: UnsafeMutablePointer<Scalar>, correlations: UnsafeMutablePointer<Scalar>,
    trace: ((Int, Int, Scalar, [Scalar]) -> Void)? = nil
  ) {
    var done = [Bool](repeating: false, count: n), remaining = n
    for _ in 0..<maxIterations where remaining > 0 {
      Scalar.blasGemm(transposingA: false, transposingB: true, m: SAEKernel.int32(n), n: SAEKernel.int32(f), k: SAEKernel.int32(m), alpha: 1,
                      a: residual, lda: SAEKernel.int32(m), b: decoder, ldb: SAEKernel.int32(m), beta: 0, c: correlations, ldc: SAEKernel.int32(f))
      for row in 0..<n where !done[row] {
        let c = correlations + row * f, r = residual + row * m, z = codes + row * f
        var best = 0
        for j in 1..<max(1, f) where max(0, c[j]) > max(0, c[best]) { best = j }
        let value = max(0, c[best])
        if value > 0 {
          trace?(row, best, value, Array(UnsafeBufferPointer(start: r, count: m)))
          let d = decoder + best * m
          for j in 0..<m { r[j] -= value * d[j] }
        }
        let wasZero = z[best] == 0
        z[best] += value
        let unchanged = !(wasZero && z[best] != 0)  // codes only grow, so the support changes only here
        var norm = 0.0
        for j in 0..<m { norm += Double(r[j]) * Double(r[j]) }
        if unchanged || (residualThreshold > 0 && norm.squareRoot() < residualThreshold) {
          done[row] = true
          remaining -= 1
        }
      }
    }
  }

  /// The codes (N×F) of the rows of `centred` (x − b_dec, N×m) for decoder rows `decoder` (F×m).
  public static func encode<Scalar: LinearAlgebraScalar>(
    centred: Matrix<Scalar>, decoder: Matrix<Scalar>, maxIterations: Int, residualThreshold: Double
  ) -> Matrix<Scalar> {
    let m = decoder.columns, f = decoder.rows, n = centred.rows
    var codes = [Scalar](repeating: 0, count: n * f)
    guard n > 0 else { return Matrix(rows: 0, columns: f, storage: []) }
    var residual = centred.storage
    var correlations = [Scalar](repeating: 0, count: n * f)
    decoder.storage.withUnsafeBufferPointer { d in
      residual.withUnsafeMutableBufferPointer { r in
        codes.withUnsafeMutableBufferPointer { z in
          correlations.withUnsafeMutableBufferPointer { c in
            pursue(residual: r.baseAddress!, decoder: d.baseAddress!, rows: n, inputDimension: m, width: f, maxIterations: maxIterations,
                   residualThreshold: residualThreshold, codes: z.baseAddress!, correlations: c.baseAddress!)
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
    var codes = [Scalar](repeating: 0, count: b * f), correlations = [Scalar](repeating: 0, count: b * f)
    var residual = [Scalar](repeating: 0, count: b * m)
    for row in 0..<b { for j in 0..<m { residual[row * m + j] = batch.storage[row * m + j] - bias[j] } }
    var steps = [[(latent: Int, value: Scalar, before: [Scalar])]](repeating: [], count: b)
    decoder.storage.withUnsafeBufferPointer { d in
      residual.withUnsafeMutableBufferPointer { r in
        codes.withUnsafeMutableBufferPointer { z in
          correlations.withUnsafeMutableBufferPointer { c in
            pursue(residual: r.baseAddress!, decoder: d.baseAddress!, rows: b, inputDimension: m, width: f, maxIterations: maxIterations,
                   residualThreshold: residualThreshold, codes: z.baseAddress!, correlations: c.baseAddress!) { steps[$0].append(($1, $2, $3)) }
          }
        }
      }
    }
    let scale = 2 / Scalar(b)
    for row in 0..<b {
      for i in 0..<f where codes[row * f + i] != 0 { fired[i] = true; active += 1 }
      // Back through the pursuit.
      var upstream = (0..<m).map { residual[row * m + $0] * scale }
      for j in 0..<m { squaredError += Double(residual[row * m + j]) * Double(residual[row * m + j]) }
      for step in steps[row].reversed() {
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
