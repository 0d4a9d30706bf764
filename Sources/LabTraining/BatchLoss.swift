import Foundation
import LabNumerics

/// The training loss of one batch, with its parts (in `Double`).
public struct BatchLoss: Equatable, Sendable {
  /// `mean_batch Σ_d (x̂ − x)²`.
  public var meanSquaredError: Double
  /// The sparsity term (0 for TopK; the weight-decay term for the deep SAE).
  public var penalty: Double
  /// The auxiliary (AuxK) term, 0 when not used.
  public var auxiliary: Double = 0
  /// Matryoshka's inner levels: Σ over the inner widths of mean_batch ‖x̂_ℓ − x‖² (0 without them).
  public var innerReconstruction: Double = 0
  /// `meanSquaredError + penalty + auxiliary + innerReconstruction`.
  public var total: Double { meanSquaredError + penalty + auxiliary + innerReconstruction }
}

/// The batch loss and its exact gradient for every shallow architecture, on CBLAS `?gemm` (five
/// products per step, no per-sample loops around them):
///
///     xc = x − b_dec (or x);  u = xc W_enc + b_enc + ε;  z = act(u);  x̂ = z W_dec + b_dec;  r = x̂ − x
///     L  = (1/B) Σ ‖r‖² + λ (1/B) Σ_b Σ_i z_bi w_i     (w_i = ‖W_dec,i‖ or 1 by the penalty)
///     g  = 2r/B;  ∂b_dec = Σ_b g − W_enc ∂b_enc;  ∂W_dec = zᵀg + (λ/B) (Σ_b z_bi) ∂w_i/∂W_dec,i
///     ∂z = g W_decᵀ + (λ/B) w_i;  ∂u = ∂z ⊙ act'(z);  ∂W_enc = xcᵀ ∂u;  ∂b_enc = Σ_b ∂u
///
/// act' is `[z > 0]`, or `(1 − z²)[z > 0]` for tanh ∘ ReLU. The `b_dec` term through the encoder
/// (absent when the architecture does not subtract `b_dec`) uses `Σ_b ∂u · W_encᵀ = W_enc ∂b_enc`
/// (a matrix-vector product) instead of a sixth gemm. At a zero decoder row the norm's subgradient
/// 0 is used. ε is the optional training noise (B×F), an input here.
public enum SAEKernel {
  /// Computes the loss of `architecture` with `parameters` on the `batchSize` rows at `batch`
  /// (row-major B×m) and writes its gradient (same layout as `parameters.values`) to `gradient`.
  public static func lossAndGradient<Scalar: LinearAlgebraScalar>(
    parameters: SAEParameters<Scalar>, activation: ActivationRule, penalty: SparsityPenalty, subtractsDecoderBias: Bool = true,
    nestedPrefixes: [Int] = [], noise: UnsafePointer<Scalar>? = nil, batch: UnsafePointer<Scalar>, gradient: inout [Scalar],
    workspace: inout Workspace<Scalar>
  ) -> BatchLoss {
    precondition(gradient.count == parameters.values.count, "The gradient needs \(parameters.values.count) elements, got \(gradient.count).")
    let b = workspace.batchSize
    let squaredError = gradient.withUnsafeMutableBufferPointer { g in
      accumulateBlock(parameters: parameters, activation: activation, penalty: penalty, subtractsDecoderBias: subtractsDecoderBias,
                      nestedPrefixes: nestedPrefixes, noise: noise, batch: batch, batchSize: b, gradient: g.baseAddress!,
                      workspace: &workspace)
    }
    let penaltySum = finishGradient(parameters: parameters, penalty: penalty, subtractsDecoderBias: subtractsDecoderBias, batchSize: b,
                                    gradient: &gradient, workspace: workspace)
    return BatchLoss(meanSquaredError: squaredError / Double(b),
                     penalty: penalty.value(penaltySum: penaltySum, activeCount: workspace.activeCount, batchSize: b),
                     innerReconstruction: workspace.innerSquaredError / Double(b))
  }

  /// The part of the loss and gradient that sums over rows, for the `workspace.batchSize` rows at
  /// `batch` of a batch of `batchSize` rows (so every term is scaled by 1/`batchSize`): writes the
  /// rows' terms of every gradient block to `gradient` (the `b_dec` term through the encoder and the
  /// decoder-norm term still missing), and leaves in `workspace` the decoder norms w_i, the
  /// per-latent code sums, the firing flags, the active count and the smallest positive code.
  /// Returns the rows' sum of squared errors (of the full reconstruction; Matryoshka's inner levels,
  /// with `nestedPrefixes`, leave theirs in the workspace).
  static func accumulateBlock<Scalar: LinearAlgebraScalar>(
    parameters: SAEParameters<Scalar>, activation: ActivationRule, penalty: SparsityPenalty, subtractsDecoderBias: Bool,
    nestedPrefixes: [Int] = [], noise: UnsafePointer<Scalar>?, batch: UnsafePointer<Scalar>, batchSize: Int, gradient g: UnsafeMutablePointer<Scalar>,
    workspace: inout Workspace<Scalar>
  ) -> Double {
    let m = parameters.inputDimension, f = parameters.width, b = workspace.batchSize
    let (m32, f32, b32) = (int32(m), int32(f), int32(b))
    let l1 = Scalar(penalty.codeGradientCoefficient)
    let tanhDerivative = activation == .tanhReLU
    var trainedThresholds: (values: [Double], bandwidth: Double)?
    if case .trainedJumpReLU(let thresholds, let bandwidth) = activation { trainedThresholds = (thresholds, bandwidth) }
    if trainedThresholds != nil && workspace.preActivations.count != b * f {
      workspace.preActivations = Array(repeating: 0, count: b * f)
    }
    var thresholdGradient = [Double](repeating: 0, count: trainedThresholds == nil ? 0 : f)
    let stepCoefficient = penalty.isL0 ? penalty.coefficient / Double(batchSize) : 0
    let scale = 1 / Scalar(batchSize)
    var squaredError = 0.0, active = 0
    var minimumPositive = Scalar.infinity
    // Moved out (no copy) while the other buffers are lent; put back at the end.
    var preActivations: [Scalar] = []
    swap(&preActivations, &workspace.preActivations)
    defer { swap(&preActivations, &workspace.preActivations) }
    let nestedSize = nestedPrefixes.isEmpty ? 0 : (nestedPrefixes.count + 1) * b * m
    if workspace.nestedLevels.count != nestedSize { workspace.nestedLevels = Array(repeating: 0, count: nestedSize) }
    var nestedLevels: [Scalar] = []
    swap(&nestedLevels, &workspace.nestedLevels)
    defer { swap(&nestedLevels, &workspace.nestedLevels) }
    var innerSquaredError = 0.0
    parameters.values.withUnsafeBufferPointer { p in
      let wEnc = p.baseAddress!, bEnc = wEnc + parameters.encoderBiasOffset
      let wDec = wEnc + parameters.decoderWeightsOffset, bDec = wEnc + parameters.decoderBiasOffset
      let gWEnc = g, gBEnc = gWEnc + parameters.encoderBiasOffset
      let gWDec = gWEnc + parameters.decoderWeightsOffset, gBDec = gWEnc + parameters.decoderBiasOffset
      withBuffers(&workspace) { xc, r, z, dz, norms, sums, scratch, fired in
        if l1 != 0 && penalty.isNormWeighted {
          computeRowNorms(wDec, rows: f, columns: m, into: norms)
        } else {
          for i in 0..<f { norms[i] = 1 }
        }
        for row in 0..<b {
          for j in 0..<m { xc[row * m + j] = subtractsDecoderBias ? batch[row * m + j] - bDec[j] : batch[row * m + j] }
        }
        // h = xc W_enc, then z = act(h + b_enc).
        Scalar.blasGemm(transposingA: false, transposingB: false, m: b32, n: f32, k: m32, alpha: 1, a: xc, lda: m32,
                        b: wEnc, ldb: f32, beta: 0, c: z, ldc: f32)
        if let noise { for index in 0..<(b * f) { z[index] += noise[index] } }
        if trainedThresholds != nil { preActivations.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: z, count: b * f) } }
        // dz is free until its gemm below, so it is BatchTopK's B×F selection scratch.
        applyActivation(activation, to: z, bias: bEnc, rows: b, width: f, scratch: activation.needsBatchScratch ? dz : scratch)
        if !nestedPrefixes.isEmpty {
          nestedLevels.withUnsafeMutableBufferPointer { levels in
            let base = levels.baseAddress!
            let errors = nestedReconstruction(
              prefixes: nestedPrefixes, codes: z, decoder: wDec, decoderBias: bDec, batch: batch, rows: b, inputDimension: m, width: f,
              scale: scale, residualGradient: r, codeGradient: dz, decoderGradient: gWDec, decoderBiasGradient: gBDec,
              levels: base, accumulated: base + nestedPrefixes.count * b * m)
            squaredError += errors.full
            innerSquaredError += errors.inner
          }
        } else {
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
        }
        // The thresholds' pseudo-gradient needs ∂z before it is masked (rectangle kernel of width ε around θ).
        if let (thresholds, epsilon) = trainedThresholds {
          // h_bi − θ_i ∈ (−ε/2, ε/2) ⟺ pre_bi ∈ (θ_i − b_enc,i − ε/2, θ_i − b_enc,i + ε/2): one compare per entry.
          let low = (0..<f).map { Double(thresholds[$0]) - Double(bEnc[$0]) - epsilon / 2 }
          let high = (0..<f).map { low[$0] + epsilon }
          let weights = thresholds.map { $0 / epsilon }, stepTerm = stepCoefficient / epsilon
          preActivations.withUnsafeBufferPointer { pre in
            low.withUnsafeBufferPointer { low in
              high.withUnsafeBufferPointer { high in
                weights.withUnsafeBufferPointer { weights in
                  thresholdGradient.withUnsafeMutableBufferPointer { gradient in
                    for row in 0..<b {
                      let pr = pre.baseAddress! + row * f, dr = dz + row * f
                      for i in 0..<f {
                        let h = Double(pr[i])
                        if h > low[i] && h < high[i] { gradient[i] -= weights[i] * Double(dr[i]) + stepTerm }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        // ∂u = (∂z + (λ/B) w_i) ⊙ act'(z); ∂b_enc = Σ_b ∂u; per-latent code sums and firing. Codes are
        // positive or zero, so the pass is written without branches (adding a zero leaves a sum's bytes).
        for i in 0..<f { gBEnc[i] = 0; sums[i] = 0; fired[i] = false }
        let weightedNorm = l1 * scale
        for row in 0..<b {
          let zr = z + row * f, dr = dz + row * f
          var rowActive = 0
          for i in 0..<f {
            let code = zr[i], on = code > 0
            var d = dr[i] + weightedNorm * norms[i]
            if tanhDerivative { d *= 1 - code * code }
            d = on ? d : 0
            dr[i] = d
            minimumPositive = on && code < minimumPositive ? code : minimumPositive
            gBEnc[i] += d
            sums[i] += on ? code : 0
            fired[i] = fired[i] || on
            rowActive &+= on ? 1 : 0
          }
          active += rowActive
        }
        // ∂W_enc = xcᵀ ∂h.
        Scalar.blasGemm(transposingA: true, transposingB: false, m: m32, n: f32, k: b32, alpha: 1, a: xc, lda: m32,
                        b: dz, ldb: f32, beta: 0, c: gWEnc, ldc: f32)
      }
    }
    workspace.activeCount = active
    workspace.minimumPositiveCode = active > 0 ? Double(minimumPositive) : nil
    workspace.thresholdGradient = thresholdGradient
    workspace.innerSquaredError = innerSquaredError
    return squaredError
  }

  /// Completes a gradient whose row sums ``accumulateBlock(parameters:activation:penalty:subtractsDecoderBias:noise:batch:batchSize:gradient:workspace:)``
  /// wrote, for a batch of `batchSize` rows whose decoder norms and code sums are in `workspace`:
  /// ∂b_dec −= W_enc ∂b_enc, and the decoder-norm term of ∂W_dec. Returns Σ_i w_i Σ_b z_bi.
  static func finishGradient<Scalar: LinearAlgebraScalar>(
    parameters: SAEParameters<Scalar>, penalty: SparsityPenalty, subtractsDecoderBias: Bool, batchSize: Int, gradient: inout [Scalar],
    workspace: Workspace<Scalar>
  ) -> Double {
    let m = parameters.inputDimension, f = parameters.width
    let l1 = Scalar(penalty.codeGradientCoefficient), scale = 1 / Scalar(batchSize)
    let normWeighted = l1 != 0 && penalty.isNormWeighted
    var penaltySum = 0.0
    parameters.values.withUnsafeBufferPointer { p in
      let wEnc = p.baseAddress!, wDec = wEnc + parameters.decoderWeightsOffset
      gradient.withUnsafeMutableBufferPointer { g in
        let gBEnc = g.baseAddress! + parameters.encoderBiasOffset
        let gWDec = g.baseAddress! + parameters.decoderWeightsOffset, gBDec = g.baseAddress! + parameters.decoderBiasOffset
        if subtractsDecoderBias {
          Scalar.blasGemv(transposing: false, m: int32(m), n: int32(f), alpha: -1, a: wEnc, lda: int32(f), x: gBEnc, beta: 1, y: gBDec)
        }
        let norms = workspace.decoderNorms, sums = workspace.codeSums
        for i in 0..<f where norms[i] > 0 {
          penaltySum += Double(sums[i]) * Double(norms[i])
          if normWeighted {
            let coefficient = l1 * scale * sums[i] / norms[i]
            for j in 0..<m { gWDec[i * m + j] += coefficient * wDec[i * m + j] }
          }
        }
      }
    }
    return penaltySum
  }

  /// `n` as a 32-bit BLAS integer; larger dimensions are a precondition failure.
  static func int32(_ n: Int) -> Int32 {
    precondition(n >= 1 && n <= Int(Int32.max), "Dimension \(n) does not fit the 32-bit BLAS integers.")
    return Int32(n)
  }

  /// Adds `bias` to every row of the `rows`×`width` pre-activations and applies `rule` in place.
  /// `scratch` holds `width` elements, or `rows`·`width` for ``ActivationRule/batchTopK(_:)``.
  static func applyActivation<Scalar: BinaryFloatingPoint>(
    _ rule: ActivationRule, to h: UnsafeMutablePointer<Scalar>, bias: UnsafePointer<Scalar>, rows: Int, width: Int,
    scratch: UnsafeMutablePointer<Scalar>
  ) {
    for row in 0..<rows {
      let hr = h + row * width
      for i in 0..<width { hr[i] += bias[i] }
    }
    switch rule {
    case .relu:
      for index in 0..<(rows * width) { h[index] = max(0, h[index]) }
    case .topK(let k):
      for row in 0..<rows { TopKArchitecture.keepTopK(h + row * width, count: width, k: k, scratch: scratch) }
    case .batchTopK(let k):
      TopKArchitecture.keepTopK(h, count: rows * width, k: min(k * rows, rows * width), scratch: scratch)
    case .jumpReLU(let thresholds), .trainedJumpReLU(let thresholds, _):
      // h > θ_i and h > 0 ⟺ h > max(θ_i, 0): one select per entry, no branch.
      let levels = (0..<width).map { Swift.max(0, Scalar(thresholds.count == 1 ? thresholds[0] : thresholds[$0])) }
      levels.withUnsafeBufferPointer { t in
        for row in 0..<rows {
          let hr = h + row * width
          for i in 0..<width { let v = hr[i]; hr[i] = v > t[i] ? v : 0 }
        }
      }
    case .tanhReLU:
      for index in 0..<(rows * width) { h[index] = Scalar(tanh(Double(max(0, h[index])))) }
    case .matchingPursuit:
      preconditionFailure("Matching pursuit encodes from the decoder (MatchingPursuit), not from pre-activations.")
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

extension SparsityPenalty {
  /// Whether latent i's code is weighted by its decoder norm ‖W_dec,i‖ (SAELens's L1).
  var isNormWeighted: Bool {
    if case .decoderNormWeightedL1 = self { return true }
    return false
  }

  /// Whether this is the step L0 loss.
  var isL0: Bool {
    if case .l0 = self { return true }
    return false
  }

  /// The penalty of a batch of `batchSize` rows from the kernel's Σ_i w_i Σ_b z_bi and its count of nonzero codes.
  func value(penaltySum: Double, activeCount: Int, batchSize: Int) -> Double {
    isL0 ? coefficient * Double(activeCount) / Double(batchSize) : coefficient * penaltySum / Double(batchSize)
  }
}

extension ActivationRule {
  /// Whether ``SAEKernel/applyActivation(_:to:bias:rows:width:scratch:)`` needs a rows×width scratch.
  var needsBatchScratch: Bool {
    if case .batchTopK = self { return true }
    return false
  }
}
