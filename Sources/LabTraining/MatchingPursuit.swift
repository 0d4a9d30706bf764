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
/// The backward pass rebuilds r_{t−1} = r_t + v_t d_{i_t} instead of storing every residual. The
/// encoder weights and bias are unused (their gradient is 0). ``MatchingPursuitKernel`` runs the
/// training pass on row blocks at once.
public enum MatchingPursuit {
  /// The steps a pursuit took: for each of n rows, up to T (latent, v_t) pairs with v_t > 0, in order.
  struct Steps<Scalar> {
    /// n × T latents (row-major; only the first `counts[row]` of a row are set).
    var latents: UnsafeMutablePointer<Int32>
    /// n × T values v_t.
    var values: UnsafeMutablePointer<Scalar>
    /// The number of steps of each row.
    var counts: UnsafeMutablePointer<Int>
  }

  /// The pursuit of the n rows of `residual` (r₀ on entry, r_T on return, n×m) against the F decoder
  /// rows `decoder` (F×m), at most `maxIterations` = T steps each, recorded in `steps`. Each iteration
  /// correlates the residuals of the rows still running with every atom in one gemm; stopped rows
  /// leave the product. Scratch: `compact` n×m, `correlations` n×F, `order` n. Sets `fired[i]` for
  /// every latent that enters a support and returns the number of nonzero codes.
  static func pursue<Scalar: LinearAlgebraScalar>(
    residual: UnsafeMutablePointer<Scalar>, decoder: UnsafePointer<Scalar>, rows n: Int, inputDimension m: Int, width f: Int,
    maxIterations: Int, residualThreshold: Double, steps: Steps<Scalar>, compact: UnsafeMutablePointer<Scalar>,
    correlations: UnsafeMutablePointer<Scalar>, order: UnsafeMutablePointer<Int>, fired: UnsafeMutablePointer<Bool>
  ) -> Int {
    guard n > 0 else { return 0 }
    compact.update(from: residual, count: n * m)
    for row in 0..<n { order[row] = row; steps.counts[row] = 0 }
    var running = n, active = 0
    let (m32, f32) = (SAEKernel.int32(m), SAEKernel.int32(f))
    for _ in 0..<maxIterations where running > 0 {
      Scalar.blasGemm(transposingA: false, transposingB: true, m: SAEKernel.int32(running), n: f32, k: m32, alpha: 1,
                      a: compact, lda: m32, b: decoder, ldb: m32, beta: 0, c: correlations, ldc: f32)
      var kept = 0
      for slot in 0..<running {
        let row = order[slot], r = compact + slot * m
        let (best, value) = reluArgmax(correlations + slot * f, count: f)
        var unchanged = true
        if value > 0 {
          let d = decoder + best * m
          for j in 0..<m { r[j] -= value * d[j] }
          let base = row * maxIterations, count = steps.counts[row]
          unchanged = false
          for t in 0..<count where steps.latents[base + t] == Int32(best) { unchanged = true; break }
          steps.latents[base + count] = Int32(best)
          steps.values[base + count] = value
          steps.counts[row] = count + 1
          if !unchanged { fired[best] = true; active += 1 }
        }
        var norm = 0.0
        for j in 0..<m { norm += Double(r[j]) * Double(r[j]) }
        if unchanged || (residualThreshold > 0 && norm.squareRoot() < residualThreshold) {
          (residual + row * m).update(from: r, count: m)
        } else {
          if kept != slot { (compact + kept * m).update(from: r, count: m) }
          order[kept] = row
          kept += 1
        }
      }
      running = kept
    }
    for slot in 0..<running { (residual + order[slot] * m).update(from: compact + slot * m, count: m) }
    return active
  }

  /// The first index of the largest of max(0, c_j), and that value (index 0 and value 0 when no c_j > 0).
  @inline(__always)
  static func reluArgmax<Scalar: BinaryFloatingPoint>(_ c: UnsafePointer<Scalar>, count f: Int) -> (Int, Scalar) {
    // Four running maxima break the compare chain; the first index holding the maximum is then found.
    var (a, b, e, g) = (Scalar(0), Scalar(0), Scalar(0), Scalar(0))
    var j = 0
    while j + 4 <= f {
      a = c[j] > a ? c[j] : a
      b = c[j + 1] > b ? c[j + 1] : b
      e = c[j + 2] > e ? c[j + 2] : e
      g = c[j + 3] > g ? c[j + 3] : g
      j += 4
    }
    while j < f { a = c[j] > a ? c[j] : a; j += 1 }
    let top = max(max(a, b), max(e, g))
    guard top > 0 else { return (0, 0) }
    var index = 0
    while !(c[index] == top) { index += 1 }
    return (index, top)
  }

  /// Adds the gradient of (`scale`/2) Σ_rows ‖r_T‖² (`scale` = 2/B for the batch loss) through the
  /// pursuit of n rows (their r_T in `residual`, their steps in `steps`) to `decoderGradient` (F×m
  /// ∂W_dec, then the m of ∂b_dec); `upstream` and `before` are m-element scratch. Returns Σ‖r_T‖².
  static func backward<Scalar: LinearAlgebraScalar>(
    residual: UnsafePointer<Scalar>, decoder: UnsafePointer<Scalar>, rows n: Int, inputDimension m: Int, width f: Int,
    maxIterations: Int, steps: Steps<Scalar>, scale: Scalar, decoderGradient gD: UnsafeMutablePointer<Scalar>,
    upstream g: UnsafeMutablePointer<Scalar>, before r: UnsafeMutablePointer<Scalar>
  ) -> Double {
    let gB = gD + f * m
    var squaredError = 0.0
    for row in 0..<n {
      let rT = residual + row * m
      var rowSum = 0.0
      for j in 0..<m {
        rowSum += Double(rT[j]) * Double(rT[j])
        g[j] = rT[j] * scale
        r[j] = rT[j]
      }
      squaredError += rowSum
      let base = row * maxIterations
      for t in stride(from: steps.counts[row] - 1, through: 0, by: -1) {
        let latent = Int(steps.latents[base + t]), value = steps.values[base + t]
        let d = decoder + latent * m, gd = gD + latent * m
        var along: Scalar = 0
        for j in 0..<m { along += g[j] * d[j] }
        for j in 0..<m {
          let previous = r[j] + value * d[j]  // r_{t−1}
          r[j] = previous
          gd[j] -= along * previous + value * g[j]
          g[j] -= along * d[j]
        }
      }
      for j in 0..<m { gB[j] -= g[j] }
    }
    return squaredError
  }

  /// The codes (N×F) of the rows of `centred` (x − b_dec, N×m) for decoder rows `decoder` (F×m),
  /// pursued `chunkRows` rows at a time.
  public static func encode<Scalar: LinearAlgebraScalar>(
    centred: Matrix<Scalar>, decoder: Matrix<Scalar>, maxIterations: Int, residualThreshold: Double, chunkRows: Int = 1024
  ) -> Matrix<Scalar> {
    let m = decoder.columns, f = decoder.rows, n = centred.rows, t = max(1, maxIterations)
    guard n > 0 else { return Matrix(rows: 0, columns: f, storage: []) }
    var codes = [Scalar](repeating: 0, count: n * f)
    let buffers = PursuitBuffers<Scalar>(rows: min(n, max(1, chunkRows)), inputDimension: m, width: f, maxIterations: t)
    centred.storage.withUnsafeBufferPointer { x in
      decoder.storage.withUnsafeBufferPointer { d in
        codes.withUnsafeMutableBufferPointer { z in
          var start = 0
          while start < n {
            let rows = min(buffers.rows, n - start)
            buffers.residual.update(from: x.baseAddress! + start * m, count: rows * m)
            _ = buffers.pursue(decoder: d.baseAddress!, rows: rows, residualThreshold: residualThreshold)
            let steps = buffers.steps
            for row in 0..<rows {
              let out = z.baseAddress! + (start + row) * f
              for s in 0..<steps.counts[row] { out[Int(steps.latents[row * t + s])] += steps.values[row * t + s] }
            }
            start += rows
          }
        }
      }
    }
    return Matrix(rows: n, columns: f, storage: codes)
  }

  /// The loss (1/B) Σ‖x̂ − x‖² of the B rows at `batch` and its gradient (written to `gradient`, the
  /// parameters' layout; encoder blocks 0); returns the loss, which latents fired and the number of
  /// nonzero codes. One block of ``MatchingPursuitKernel``.
  public static func lossAndGradient<Scalar: LinearAlgebraScalar>(
    parameters: SAEParameters<Scalar>, maxIterations: Int, residualThreshold: Double, batch: Matrix<Scalar>, gradient: inout [Scalar]
  ) -> (loss: BatchLoss, fired: [Bool], activeCount: Int) {
    precondition(batch.columns == parameters.inputDimension && gradient.count == parameters.values.count, "A batch or gradient of the wrong shape.")
    var kernel = MatchingPursuitKernel<Scalar>(batchSize: batch.rows, blockCount: 1, inputDimension: parameters.inputDimension,
                                               width: parameters.width, maxIterations: maxIterations)
    let loss = batch.storage.withUnsafeBufferPointer { x in
      kernel.lossAndGradient(parameters: parameters, residualThreshold: residualThreshold, batch: x.baseAddress!, gradient: &gradient)
    }
    return (loss, kernel.fired, kernel.activeCount)
  }
}
