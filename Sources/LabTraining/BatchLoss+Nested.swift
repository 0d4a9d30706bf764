import LabNumerics

extension SAEKernel {
  /// The reconstruction part of the kernel for Matryoshka's nested losses (sae-lens
  /// `MatryoshkaBatchTopKTrainingSAE`): with inner widths w_1 < … < w_{L−1} < F = w_L, level ℓ
  /// reconstructs from the first w_ℓ latents, x̂_ℓ = b_dec + z[:, :w_ℓ] W_dec[:w_ℓ], and the loss adds
  /// (1/B) Σ‖x̂_ℓ − x‖² over the inner levels to the full one. A latent of segment s (w_{s−1} ≤ i < w_s)
  /// is in every level ℓ ≥ s, so with g_ℓ = 2(x̂_ℓ − x)/B and G_s = Σ_{ℓ≥s} g_ℓ:
  ///
  ///     ∂W_dec[seg s] = z[:, seg s]ᵀ G_s;   ∂z[:, seg s] = G_s W_dec[seg s]ᵀ;   ∂b_dec = Σ_b G_1
  ///
  /// — two gemms per segment, the cost of the single-level kernel's two. Writes g_L (the full level's
  /// residual gradient) to `r`, ∂z to `dz`, ∂W_dec to `gWDec`, ∂b_dec's row sum to `gBDec`. `levels`
  /// holds (L − 1)·B·m and `accumulated` B·m elements. Returns the full and the inner squared errors.
  static func nestedReconstruction<Scalar: LinearAlgebraScalar>(
    prefixes: [Int], codes z: UnsafePointer<Scalar>, decoder wDec: UnsafePointer<Scalar>, decoderBias bDec: UnsafePointer<Scalar>,
    batch: UnsafePointer<Scalar>, rows b: Int, inputDimension m: Int, width f: Int, scale: Scalar,
    residualGradient r: UnsafeMutablePointer<Scalar>, codeGradient dz: UnsafeMutablePointer<Scalar>,
    decoderGradient gWDec: UnsafeMutablePointer<Scalar>, decoderBiasGradient gBDec: UnsafeMutablePointer<Scalar>,
    levels: UnsafeMutablePointer<Scalar>, accumulated: UnsafeMutablePointer<Scalar>
  ) -> (full: Double, inner: Double) {
    let bounds = [0] + prefixes + [f], count = bounds.count - 1
    let (m32, f32, b32) = (int32(m), int32(f), int32(b))
    let two = 2 * scale
    var full = 0.0, inner = 0.0
    // Running reconstructions, segment by segment; each inner level's g_ℓ is kept.
    for s in 0..<count {
      let lo = bounds[s], width = int32(bounds[s + 1] - lo)
      Scalar.blasGemm(transposingA: false, transposingB: false, m: b32, n: m32, k: width, alpha: 1, a: z + lo, lda: f32,
                      b: wDec + lo * m, ldb: m32, beta: s == 0 ? 0 : 1, c: r, ldc: m32)
      let last = s == count - 1
      for index in 0..<(b * m) {
        let e = r[index] + bDec[index % m] - batch[index]
        if last {
          full += Double(e) * Double(e)
          r[index] = two * e
        } else {
          inner += Double(e) * Double(e)
          levels[s * b * m + index] = two * e
        }
      }
    }
    // G_s from the full level down, two gemms per segment.
    accumulated.update(from: r, count: b * m)
    for s in stride(from: count - 1, through: 0, by: -1) {
      let lo = bounds[s], width = int32(bounds[s + 1] - lo)
      Scalar.blasGemm(transposingA: true, transposingB: false, m: width, n: m32, k: b32, alpha: 1, a: z + lo, lda: f32,
                      b: accumulated, ldb: m32, beta: 0, c: gWDec + lo * m, ldc: m32)
      Scalar.blasGemm(transposingA: false, transposingB: true, m: b32, n: width, k: m32, alpha: 1, a: accumulated, lda: m32,
                      b: wDec + lo * m, ldb: m32, beta: 0, c: dz + lo, ldc: f32)
      if s > 0 { for index in 0..<(b * m) { accumulated[index] += levels[(s - 1) * b * m + index] } }
    }
    for j in 0..<m { gBDec[j] = 0 }
    for row in 0..<b { for j in 0..<m { gBDec[j] += accumulated[row * m + j] } }
    return (full, inner)
  }
}
