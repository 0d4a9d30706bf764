import LabNumerics

/// The training loss of one batch, with its parts (in `Double`).
public struct BatchLoss: Equatable, Sendable {
  /// `mean_batch Σ_d (x̂ − x)²`.
  public var meanSquaredError: Double
  /// The sparsity term (0 for TopK).
  public var penalty: Double
  /// `meanSquaredError + penalty`.
  public var total: Double { meanSquaredError + penalty }
}

/// The batch loss and its exact gradient for every architecture, on CBLAS `?gemm` (five products
/// per step, no per-sample loops around them):
///
///     xc = x − b_dec;  h = xc W_enc + b_enc;  z = act(h);  x̂ = z W_dec + b_dec;  r = x̂ − x
///     L  = (1/B) Σ ‖r‖² + λ (1/B) Σ_b Σ_i z_bi ‖W_dec,i‖
///     g  = 2r/B;  ∂b_dec = Σ_b g − W_enc ∂b_enc;  ∂W_dec = zᵀg + (λ/B) (Σ_b z_bi) W_dec,i/‖W_dec,i‖
///     ∂z = g W_decᵀ + (λ/B) ‖W_dec,i‖;  ∂h = ∂z ⊙ [z > 0];  ∂W_enc = xcᵀ ∂h;  ∂b_enc = Σ_b ∂h
///
/// The `b_dec` term through the encoder uses `Σ_b ∂h · W_encᵀ = W_enc ∂b_enc` (a matrix-vector
/// product) instead of a sixth gemm. At a zero decoder row the norm's subgradient 0 is used.
public enum SAEKernel {
  /// Computes the loss of `architecture` with `parameters` on the `batchSize` rows at `batch`
  /// (row-major B×m) and writes its gradient (same layout as `parameters.values`) to `gradient`.
  public static func lossAndGradient<Scalar: LinearAlgebraScalar>(
    parameters: SAEParameters<Scalar>, activation: ActivationRule, penalty: SparsityPenalty,
    batch: UnsafePointer<Scalar>, gradient: inout [Scalar], workspace: inout Workspace<Scalar>
  ) -> BatchLoss {
    let m = parameters.inputDimension, f = parameters.width, b = workspace.batchSize
    precondition(gradient.count == parameters.values.count, "The gradient needs \(parameters.values.count) elements, got \(gradient.count).")
    let (m32, f32, b32) = (int32(m), int32(f), int32(b))
    let l1: Scalar
    switch penalty {
    case .none: l1 = 0
    case .decoderNormWeightedL1(let c): l1 = Scalar(c)
    }
    let scale = 1 / Scalar(b)
    var squaredError = 0.0, penaltySum = 0.0, active = 0
    parameters.values.withUnsafeBufferPointer { p in
      let wEnc = p.baseAddress!, bEnc = wEnc + parameters.encoderBiasOffset
      let wDec = wEnc + parameters.decoderWeightsOffset, bDec = wEnc + parameters.decoderBiasOffset
      gradient.withUnsafeMutableBufferPointer { g in
        let gWEnc = g.baseAddress!, gBEnc = gWEnc + parameters.encoderBiasOffset
        let gWDec = gWEnc + parameters.decoderWeightsOffset, gBDec = gWEnc + parameters.decoderBiasOffset
        withBuffers(&workspace) { xc, r, z, dz, norms, sums, scratch, fired in
          if l1 != 0 { computeRowNorms(wDec, rows: f, columns: m, into: norms) }
          for row in 0..<b {
            for j in 0..<m { xc[row * m + j] = batch[row * m + j] - bDec[j] }
          }
          // h = xc W_enc, then z = act(h + b_enc).
          Scalar.blasGemm(transposingA: false, transposingB: false, m: b32, n: f32, k: m32, alpha: 1, a: xc, lda: m32,
                          b: wEnc, ldb: f32, beta: 0, c: z, ldc: f32)
          applyActivation(activation, to: z, bias: bEnc, rows: b, width: f, scratch: scratch)
          // r = z W_dec + b_dec − x; g = 2r/B in place; ∂b_dec starts as Σ_b g.
          Scalar.blasGemm(transposingA: false, transposingB: false, m: b32, n: m32, k: f32, alpha: 1, a: z, lda: f32,
                          b: wDec, ldb: m32, beta: 0, c: r, ldc: m32)
          for j in 0..<m { gBDec[j] = 0 }
          let two = 2 * scale
          for row in 0..<b {
            var rowSum = 0.0
            for j in 0..<m {
              let e = r[row * m + j] + bDec[j] - batch[row * m + j]
              rowSum += Double(e) * Double(e)
              let ge = two * e
              r[row * m + j] = ge
              gBDec[j] += ge
            }
            squaredError += rowSum
          }
          // ∂W_dec = zᵀ g;  ∂z = g W_decᵀ.
          Scalar.blasGemm(transposingA: true, transposingB: false, m: f32, n: m32, k: b32, alpha: 1, a: z, lda: f32,
                          b: r, ldb: m32, beta: 0, c: gWDec, ldc: m32)
          Scalar.blasGemm(transposingA: false, transposingB: true, m: b32, n: f32, k: m32, alpha: 1, a: r, lda: m32,
                          b: wDec, ldb: m32, beta: 0, c: dz, ldc: f32)
          // ∂h = (∂z + (λ/B)‖W_dec,i‖) ⊙ [z > 0]; ∂b_enc = Σ_b ∂h; per-latent code sums and firing.
          for i in 0..<f { gBEnc[i] = 0; sums[i] = 0; fired[i] = false }
          let weightedNorm = l1 * scale
          for row in 0..<b {
            let zr = z + row * f, dr = dz + row * f
            for i in 0..<f {
              let code = zr[i]
              if code > 0 {
                let d = dr[i] + weightedNorm * norms[i]
                dr[i] = d
                gBEnc[i] += d
                sums[i] += code
                fired[i] = true
                active += 1
              } else {
                dr[i] = 0
              }
            }
          }
          // ∂W_enc = xcᵀ ∂h;  ∂b_dec −= W_enc ∂b_enc.
          Scalar.blasGemm(transposingA: true, transposingB: false, m: m32, n: f32, k: b32, alpha: 1, a: xc, lda: m32,
                          b: dz, ldb: f32, beta: 0, c: gWEnc, ldc: f32)
          Scalar.blasGemv(transposing: false, m: m32, n: f32, alpha: -1, a: wEnc, lda: f32, x: gBEnc, beta: 1, y: gBDec)
          if l1 != 0 {
            for i in 0..<f where norms[i] > 0 {
              penaltySum += Double(sums[i]) * Double(norms[i])
              let coefficient = l1 * scale * sums[i] / norms[i]
              for j in 0..<m { gWDec[i * m + j] += coefficient * wDec[i * m + j] }
            }
          }
        }
      }
    }
    workspace.activeCount = active
    let l1Double: Double
    if case .decoderNormWeightedL1(let c) = penalty { l1Double = c } else { l1Double = 0 }
    return BatchLoss(meanSquaredError: squaredError / Double(b), penalty: l1Double * penaltySum / Double(b))
  }

  /// `n` as a 32-bit BLAS integer; larger dimensions are a precondition failure.
  static func int32(_ n: Int) -> Int32 {
    precondition(n >= 1 && n <= Int(Int32.max), "Dimension \(n) does not fit the 32-bit BLAS integers.")
    return Int32(n)
  }

  /// Adds `bias` to every row of the `rows`×`width` pre-activations and applies `rule` in place.
  static func applyActivation<Scalar: BinaryFloatingPoint>(
    _ rule: ActivationRule, to h: UnsafeMutablePointer<Scalar>, bias: UnsafePointer<Scalar>, rows: Int, width: Int,
    scratch: UnsafeMutablePointer<Scalar>
  ) {
    switch rule {
    case .relu:
      for row in 0..<rows {
        let hr = h + row * width
        for i in 0..<width { hr[i] = max(0, hr[i] + bias[i]) }
      }
    case .topK(let k):
      for row in 0..<rows {
        let hr = h + row * width
        for i in 0..<width { hr[i] += bias[i] }
        TopKArchitecture.keepTopK(hr, count: width, k: k, scratch: scratch)
      }
    }
  }

  /// Euclidean norms of the `rows` rows of a row-major matrix, accumulated in `Double`.
  static func computeRowNorms<Scalar: BinaryFloatingPoint>(
    _ a: UnsafePointer<Scalar>, rows: Int, columns: Int, into norms: UnsafeMutablePointer<Scalar>
  ) {
    for i in 0..<rows {
      var s = 0.0
      for j in 0..<columns { let v = Double(a[i * columns + j]); s += v * v }
      norms[i] = Scalar(s.squareRoot())
    }
  }

  /// Runs `body` with base pointers to every workspace buffer.
  private static func withBuffers<Scalar: BinaryFloatingPoint>(
    _ w: inout Workspace<Scalar>,
    _ body: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>,
             UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Bool>) -> Void
  ) {
    w.centered.withUnsafeMutableBufferPointer { xc in
      w.residual.withUnsafeMutableBufferPointer { r in
        w.codes.withUnsafeMutableBufferPointer { z in
          w.codeGradient.withUnsafeMutableBufferPointer { dz in
            w.decoderNorms.withUnsafeMutableBufferPointer { n in
              w.codeSums.withUnsafeMutableBufferPointer { s in
                w.scratch.withUnsafeMutableBufferPointer { t in
                  w.fired.withUnsafeMutableBufferPointer { fired in
                    body(xc.baseAddress!, r.baseAddress!, z.baseAddress!, dz.baseAddress!, n.baseAddress!, s.baseAddress!,
                         t.baseAddress!, fired.baseAddress!)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
