import Foundation
import LabNumerics

/// The forward pass, loss and exact gradient of a ``DeepAutoencoder`` on CBLAS `?gemm` (two
/// products per dense layer forward, two more backward):
///
///     a₀ = s·x;  t_l = tanh(a_{l−1} W_l + b_l);  a_l = LN(t_l);  a_n += a₀ (n ≥ 1)
///     z = ReLU(TopK_k(a_n W_enc + b_enc));  d₀ = z;  d_j = ReLU(d_{j−1} V_j + c_j);  x̂ = d_q W_dec + b_dec
///     L = (1/B) Σ ‖x̂ − a₀‖² + (w/2) (Σ_l ‖W_l‖² + Σ_j ‖V_j‖²)
///
/// LayerNorm is per row without affine parameters: `LN(t) = (t − μ)/σ`, σ = √(var + ε), whose
/// backward pass is `∂t = (∂a − mean(∂a) − n̂ · mean(∂a ⊙ n̂)) / σ`. The derivative of tanh is
/// `1 − t²`; TopK and ReLU pass the gradient where the code is positive.
enum DeepSAEKernel {
  /// The encoder's intermediate values for a batch.
  struct EncoderPass<Scalar: LinearAlgebraScalar> {
    /// a₀ = s·x.
    var scaledInput: Matrix<Scalar>
    /// The input of each hidden encoder layer (a₀, a₁, …).
    var layerInputs: [Matrix<Scalar>] = []
    /// tanh outputs t_l.
    var tanhOutputs: [Matrix<Scalar>] = []
    /// LayerNorm outputs n̂_l (before the residual).
    var normalized: [Matrix<Scalar>] = []
    /// σ of every row of every hidden encoder layer.
    var deviations: [[Scalar]] = []
    /// The sparse layer's input.
    var sparseInput: Matrix<Scalar>
    /// The codes.
    var codes: Matrix<Scalar>
  }

  /// The decoder's intermediate values: the input of every decoder layer (d₀ = z, …) and x̂ (scaled).
  struct DecoderPass<Scalar: LinearAlgebraScalar> {
    var layerInputs: [Matrix<Scalar>]
    var output: Matrix<Scalar>
  }

  static func forwardEncoder<Scalar: LinearAlgebraScalar>(_ model: DeepAutoencoder<Scalar>, _ x: Matrix<Scalar>) -> EncoderPass<Scalar> {
    precondition(x.columns == model.inputDimension, "The deep SAE takes inputs of dimension \(model.inputDimension), got \(x.columns) columns.")
    let layout = model.layout
    let scale = Scalar(model.architecture.inputScale)
    let scaled = Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map { $0 * scale })
    var pass = EncoderPass(scaledInput: scaled, sparseInput: scaled, codes: Matrix(rows: 0, columns: 0))
    var a = scaled
    for layer in layout.encoderHidden {
      pass.layerInputs.append(a)
      var t = model.dense(a, layer)
      for i in t.storage.indices { t.storage[i] = Scalar(tanh(Double(t.storage[i]))) }
      var n = t
      var sigmas = [Scalar](repeating: 0, count: t.rows)
      let w = layer.outputs
      for r in 0..<t.rows {
        var mean = 0.0
        for j in 0..<w { mean += Double(t.storage[r * w + j]) }
        mean /= Double(w)
        var variance = 0.0
        for j in 0..<w { let d = Double(t.storage[r * w + j]) - mean; variance += d * d }
        let sigma = (variance / Double(w) + DeepSAEArchitecture.layerNormEpsilon).squareRoot()
        sigmas[r] = Scalar(sigma)
        for j in 0..<w { n.storage[r * w + j] = Scalar((Double(t.storage[r * w + j]) - mean) / sigma) }
      }
      pass.tanhOutputs.append(t)
      pass.normalized.append(n)
      pass.deviations.append(sigmas)
      a = n
    }
    if !layout.encoderHidden.isEmpty { a = a + scaled }
    pass.sparseInput = a
    var u = model.dense(a, layout.sparse)
    let f = model.width
    var scratch = [Scalar](repeating: 0, count: f)
    let rows = u.rows
    u.storage.withUnsafeMutableBufferPointer { h in
      scratch.withUnsafeMutableBufferPointer { s in
        for r in 0..<rows { TopKArchitecture.keepTopK(h.baseAddress! + r * f, count: f, k: model.architecture.k, scratch: s.baseAddress!) }
      }
    }
    pass.codes = u
    return pass
  }

  static func forwardDecoder<Scalar: LinearAlgebraScalar>(_ model: DeepAutoencoder<Scalar>, _ codes: Matrix<Scalar>) -> DecoderPass<Scalar> {
    precondition(codes.columns == model.width, "The deep SAE has \(model.width) latents, got \(codes.columns) columns.")
    let layout = model.layout
    var inputs = [codes]
    var d = codes
    for layer in layout.decoderHidden {
      d = model.dense(d, layer)
      for i in d.storage.indices { d.storage[i] = max(0, d.storage[i]) }
      inputs.append(d)
    }
    return DecoderPass(layerInputs: inputs, output: model.dense(d, layout.decoder))
  }

  /// AuxK (``AuxiliaryKLoss``) on the latents flagged in `dead`, with `k` = k_aux and coefficient c.
  /// Needs a linear decoder (no hidden decoder layers), whose rows are the latents' atoms.
  struct Auxiliary {
    var dead: [Bool]
    var k: Int
    var coefficient: Double
  }

  /// The loss on the B rows of `batch` (unscaled, B×m) and its gradient (the layout's order), the
  /// latents that fired, and the number of nonzero codes. The loss's `penalty` is the weight-decay
  /// term; with `auxiliary`, its `auxiliary` is L_aux in the scaled space (the residual
  /// s·x − x̂ held fixed), whose gradient is added, through the hidden encoder layers too.
  static func lossAndGradient<Scalar: LinearAlgebraScalar>(_ model: DeepAutoencoder<Scalar>, batch: Matrix<Scalar>,
                                                           auxiliary: Auxiliary? = nil)
    -> (loss: BatchLoss, gradient: [Scalar], fired: [Bool], active: Int)
  {
    let layout = model.layout, b = batch.rows, f = model.width
    precondition(auxiliary == nil || layout.decoderHidden.isEmpty, "AuxK needs a deep SAE without hidden decoder layers.")
    let encoder = forwardEncoder(model, batch)
    let decoder = forwardDecoder(model, encoder.codes)
    var gradient = [Scalar](repeating: 0, count: layout.parameterCount)
    let aux = auxiliary.flatMap { a in
      AuxiliaryKLoss.pass(input: encoder.sparseInput, encoderWeights: model.weights(layout.sparse),
                          encoderBias: Array(model.values[layout.sparse.biasOffset..<(layout.sparse.biasOffset + f)]),
                          decoderWeights: model.weights(layout.decoder), residual: encoder.scaledInput - decoder.output,
                          dead: a.dead, k: a.k, coefficient: a.coefficient)
    }
    // g = 2(x̂ − a₀)/B.
    var g = decoder.output
    var squaredError = 0.0
    let two = 2 / Scalar(b)
    for i in g.storage.indices {
      let e = g.storage[i] - encoder.scaledInput.storage[i]
      squaredError += Double(e) * Double(e)
      g.storage[i] = two * e
    }
    /// Writes ∂W = Aᵀ ∂P (+ w·W when decayed) and ∂b = Σ_rows ∂P of `layer`; returns ∂A = ∂P Wᵀ when needed.
    func backward(_ layer: DeepSAELayout.Layer, input: Matrix<Scalar>, outputGradient: Matrix<Scalar>, decayed: Bool, needInput: Bool)
      -> Matrix<Scalar>?
    {
      let dW = input.multiplied(by: outputGradient, transposingSelf: true)
      let decay = Scalar(decayed ? model.architecture.weightDecay : 0)
      for i in 0..<dW.storage.count { gradient[layer.weightOffset + i] = dW.storage[i] + decay * model.values[layer.weightOffset + i] }
      for r in 0..<outputGradient.rows {
        for j in 0..<layer.outputs { gradient[layer.biasOffset + j] += outputGradient.storage[r * layer.outputs + j] }
      }
      return needInput ? outputGradient.multiplied(by: model.weights(layer), transposingOther: true) : nil
    }
    var upstream = backward(layout.decoder, input: decoder.layerInputs.last!, outputGradient: g, decayed: false, needInput: true)!
    if let aux {
      for i in aux.decoderGradient.storage.indices { gradient[layout.decoder.weightOffset + i] += aux.decoderGradient.storage[i] }
    }
    for (j, layer) in layout.decoderHidden.enumerated().reversed() {
      let output = decoder.layerInputs[j + 1]
      for i in upstream.storage.indices where output.storage[i] <= 0 { upstream.storage[i] = 0 }
      upstream = backward(layer, input: decoder.layerInputs[j], outputGradient: upstream, decayed: true, needInput: true)!
    }
    var fired = [Bool](repeating: false, count: f)
    var active = 0
    for r in 0..<b {
      for i in 0..<f {
        if encoder.codes.storage[r * f + i] > 0 { fired[i] = true; active += 1 } else { upstream.storage[r * f + i] = 0 }
      }
    }
    if let aux { for i in upstream.storage.indices { upstream.storage[i] += aux.preActivationGradient.storage[i] } }
    let hidden = layout.encoderHidden
    upstream = backward(layout.sparse, input: encoder.sparseInput, outputGradient: upstream, decayed: false, needInput: !hidden.isEmpty)
      ?? upstream
    for (l, layer) in hidden.enumerated().reversed() {
      // LayerNorm, then tanh, backward.
      let n = encoder.normalized[l], t = encoder.tanhOutputs[l], sigmas = encoder.deviations[l], w = layer.outputs
      var dp = upstream
      for r in 0..<b {
        var meanGradient = 0.0, meanProduct = 0.0
        for j in 0..<w {
          meanGradient += Double(upstream.storage[r * w + j])
          meanProduct += Double(upstream.storage[r * w + j]) * Double(n.storage[r * w + j])
        }
        meanGradient /= Double(w)
        meanProduct /= Double(w)
        for j in 0..<w {
          let index = r * w + j
          let dt = (Double(upstream.storage[index]) - meanGradient - Double(n.storage[index]) * meanProduct) / Double(sigmas[r])
          dp.storage[index] = Scalar(dt) * (1 - t.storage[index] * t.storage[index])
        }
      }
      upstream = backward(layer, input: encoder.layerInputs[l], outputGradient: dp, decayed: true, needInput: l > 0) ?? dp
    }
    var decaySum = 0.0
    for layer in hidden + layout.decoderHidden {
      for i in 0..<(layer.inputs * layer.outputs) { let v = Double(model.values[layer.weightOffset + i]); decaySum += v * v }
    }
    return (BatchLoss(meanSquaredError: squaredError / Double(b), penalty: model.architecture.weightDecay / 2 * decaySum,
                      auxiliary: aux?.loss ?? 0), gradient, fired, active)
  }
}
