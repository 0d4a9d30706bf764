import LabNumerics
import LabRandom

/// A deep SAE (``DeepSAEArchitecture``) with its weights in one flat vector (``DeepSAELayout``).
public struct DeepAutoencoder<Scalar: LinearAlgebraScalar>: Sendable {
  /// The architecture.
  public var architecture: DeepSAEArchitecture
  /// m, the input dimension.
  public let inputDimension: Int
  /// F, the number of latents.
  public let width: Int
  /// All weights and biases, layer by layer.
  public var values: [Scalar]

  /// A deep SAE with the given weights (`values.count` must be the layout's parameter count).
  public init(architecture: DeepSAEArchitecture, inputDimension: Int, width: Int, values: [Scalar]) {
    precondition(architecture.validate(inputDimension: inputDimension, width: width) == nil,
                 "Invalid deep SAE: \(architecture.validate(inputDimension: inputDimension, width: width)!)")
    let count = architecture.layers(inputDimension: inputDimension, width: width).parameterCount
    precondition(values.count == count, "A deep SAE of this shape has \(count) parameters, got \(values.count).")
    self.architecture = architecture
    self.inputDimension = inputDimension
    self.width = width
    self.values = values
  }

  /// The layers and their offsets.
  public var layout: DeepSAELayout { architecture.layers(inputDimension: inputDimension, width: width) }

  /// The initialisation: every weight uniform in ±1/√inputs (torch's `nn.Linear` bound), biases 0,
  /// final decoder rows rescaled to norm 1, and, without hidden decoder layers, the sparse layer's
  /// weights the transpose of the decoder (SAELens's tied start). Draws from `"init"` of `seed`.
  public static func initialized(architecture: DeepSAEArchitecture, inputDimension m: Int, width f: Int, seed: UInt64) -> DeepAutoencoder {
    let layout = architecture.layers(inputDimension: m, width: f)
    var values = [Scalar](repeating: 0, count: layout.parameterCount)
    var generator = SeedTree(root: seed).generator(for: "init")
    for layer in layout.encoderHidden + [layout.sparse] + layout.decoderHidden + [layout.decoder] {
      let bound = 1 / Double(layer.inputs).squareRoot()
      for i in 0..<(layer.inputs * layer.outputs) { values[layer.weightOffset + i] = Scalar(generator.nextUniform(in: -bound...bound)) }
    }
    var model = DeepAutoencoder(architecture: architecture, inputDimension: m, width: f, values: values)
    model.normalizeDecoderRows()
    if layout.decoderHidden.isEmpty {
      let d = layout.decoder, s = layout.sparse
      for i in 0..<f { for j in 0..<m { model.values[s.weightOffset + j * f + i] = model.values[d.weightOffset + i * m + j] } }
    }
    return model
  }

  /// The weight matrix (inputs × outputs) of `layer`.
  func weights(_ layer: DeepSAELayout.Layer) -> Matrix<Scalar> {
    Matrix(rows: layer.inputs, columns: layer.outputs,
           storage: Array(values[layer.weightOffset..<(layer.weightOffset + layer.inputs * layer.outputs)]))
  }

  /// `a W + b` for `layer`.
  func dense(_ a: Matrix<Scalar>, _ layer: DeepSAELayout.Layer) -> Matrix<Scalar> {
    var out = a.multiplied(by: weights(layer))
    for r in 0..<out.rows { for j in 0..<layer.outputs { out.storage[r * layer.outputs + j] += values[layer.biasOffset + j] } }
    return out
  }

  /// Scales every nonzero row of the final decoder to norm 1.
  mutating func normalizeDecoderRows() {
    let d = layout.decoder
    DecoderConstraint.normalizeRows(&values, offset: d.weightOffset, rows: d.inputs, columns: d.outputs)
  }

  /// Removes from the gradient of every final-decoder row its component along the row.
  func removeDecoderParallelComponent(of gradient: inout [Scalar]) {
    let d = layout.decoder
    DecoderConstraint.removeParallelComponent(of: &gradient, values: values, offset: d.weightOffset, rows: d.inputs, columns: d.outputs)
  }

  /// The codes of the rows of `x` (N×m), N×F.
  public func encode(_ x: Matrix<Scalar>) -> Matrix<Scalar> { DeepSAEKernel.forwardEncoder(self, x).codes }

  /// The reconstructions (in the input's units) of codes `z` (N×F), N×m.
  public func decode(_ codes: Matrix<Scalar>) -> Matrix<Scalar> {
    var out = DeepSAEKernel.forwardDecoder(self, codes).output
    let inverse = 1 / Scalar(architecture.inputScale)
    for i in out.storage.indices { out.storage[i] *= inverse }
    return out
  }
}
