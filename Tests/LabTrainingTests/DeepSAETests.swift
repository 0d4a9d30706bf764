import Foundation
import LabNumerics
import LabRandom
@testable import LabTraining
import PropertyBased
import Testing

/// The deep SAE: its loss against a per-sample definition, its gradient against central finite
/// differences (as in ``GradientTests``), training and its file format.
@Suite struct DeepSAETests {
  /// A random deep architecture for inputs of dimension m: 0–2 hidden encoder layers (the last of
  /// width m), 0–2 hidden decoder layers, k in 1…F, s in [0.5, 3), weight decay in [0, 0.1).
  static func randomArchitecture(m: Int, f: Int, seed: UInt64) -> DeepSAEArchitecture {
    var g = SeedTree(root: seed).generator(for: "architecture")
    let encoder = (0..<g.nextInt(below: 3)).map { _ in 1 + g.nextInt(below: 4) }
    let decoder = (0..<g.nextInt(below: 3)).map { _ in 1 + g.nextInt(below: 4) }
    return DeepSAEArchitecture(k: 1 + g.nextInt(below: f), encoderHidden: encoder.isEmpty ? [] : Array(encoder.dropLast()) + [m],
                               decoderHidden: decoder, inputScale: g.nextUniform(in: 0.5...3), weightDecay: g.nextUniform(in: 0...0.1))
  }

  static func randomModel(m: Int, f: Int, seed: UInt64) -> DeepAutoencoder<Double> {
    let architecture = randomArchitecture(m: m, f: f, seed: seed)
    var g = SeedTree(root: seed).generator(for: "values")
    let count = architecture.layers(inputDimension: m, width: f).parameterCount
    return DeepAutoencoder(architecture: architecture, inputDimension: m, width: f, values: (0..<count).map { _ in g.nextNormal() })
  }

  /// The loss computed sample by sample from the definition, with plain loops.
  static func definitionLoss(_ model: DeepAutoencoder<Double>, _ x: Matrix<Double>) -> (mse: Double, decay: Double) {
    let layout = model.layout, a = model.architecture, v = model.values
    func dense(_ input: [Double], _ layer: DeepSAELayout.Layer) -> [Double] {
      (0..<layer.outputs).map { o in
        v[layer.biasOffset + o] + (0..<layer.inputs).reduce(0.0) { $0 + input[$1] * v[layer.weightOffset + $1 * layer.outputs + o] }
      }
    }
    var mse = 0.0
    for r in 0..<x.rows {
      let input = x.row(r).map { $0 * a.inputScale }
      var h = input
      for layer in layout.encoderHidden {
        let t = dense(h, layer).map { tanh($0) }
        let mean = t.reduce(0, +) / Double(t.count)
        let variance = t.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(t.count)
        h = t.map { ($0 - mean) / (variance + DeepSAEArchitecture.layerNormEpsilon).squareRoot() }
      }
      if !layout.encoderHidden.isEmpty { h = zip(h, input).map { $0 + $1 } }
      let u = dense(h, layout.sparse)
      let kept = Set(u.indices.sorted { u[$0] != u[$1] ? u[$0] > u[$1] : $0 < $1 }.prefix(a.k))
      var d = u.indices.map { kept.contains($0) ? max(0, u[$0]) : 0 }
      for layer in layout.decoderHidden { d = dense(d, layer).map { max(0, $0) } }
      let out = dense(d, layout.decoder)
      mse += zip(out, input).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }
    let decay = (layout.encoderHidden + layout.decoderHidden).reduce(0.0) { s, layer in
      s + (0..<(layer.inputs * layer.outputs)).reduce(0.0) { $0 + v[layer.weightOffset + $1] * v[layer.weightOffset + $1] }
    }
    return (mse / Double(x.rows), a.weightDecay / 2 * decay)
  }

  /// Where the codes and the hidden decoder ReLUs are positive (the activation pattern).
  static func pattern(_ model: DeepAutoencoder<Double>, _ x: Matrix<Double>) -> [Bool] {
    let codes = model.encode(x)
    return DeepSAEKernel.forwardDecoder(model, codes).layerInputs.flatMap { $0.storage.map { $0 > 0 } }
  }

  @Test("the deep loss equals its per-sample definition") func lossDefinition() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...4), Gen.int(in: 1...6), Gen.int(in: 1...4), Gen.uint64()) { m, f, b, seed in
      let model = Self.randomModel(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let loss = DeepSAEKernel.lossAndGradient(model, batch: x).loss
      let (mse, decay) = Self.definitionLoss(model, x)
      #expect(abs(loss.meanSquaredError - mse) <= 1e-10 * (1 + mse), "\(model.architecture): mse \(loss.meanSquaredError) vs \(mse)")
      #expect(abs(loss.penalty - decay) <= 1e-10 * (1 + decay))
    }
  }

  /// Step h = 1e−6 in `Double`. On a fixed activation pattern the loss is smooth (tanh, LayerNorm
  /// with ε > 0, polynomials), so the central difference is accurate to O(h²) + O(ε/h); the
  /// tolerance 1e−5·(1 + |L| + |∂L|) leaves room for LayerNorm's larger third derivatives.
  @Test("deep: the gradient matches central finite differences") func gradient() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...4), Gen.int(in: 1...5), Gen.int(in: 1...4), Gen.uint64()) { m, f, b, seed in
      let model = Self.randomModel(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let (loss, gradient, _, _) = DeepSAEKernel.lossAndGradient(model, batch: x)
      let base = Self.pattern(model, x)
      var skipped = 0
      let h = 1e-6
      for index in model.values.indices {
        var plus = model, minus = model
        plus.values[index] += h
        minus.values[index] -= h
        guard Self.pattern(plus, x) == base, Self.pattern(minus, x) == base else { skipped += 1; continue }
        let numeric = (DeepSAEKernel.lossAndGradient(plus, batch: x).loss.total - DeepSAEKernel.lossAndGradient(minus, batch: x).loss.total) / (2 * h)
        #expect(abs(numeric - gradient[index]) <= 1e-5 * (1 + abs(loss.total) + abs(gradient[index])),
                "\(model.architecture) parameter \(index): analytic \(gradient[index]), numeric \(numeric)")
      }
      #expect(skipped * 4 <= model.values.count, "\(skipped) of \(model.values.count) coordinates sat on a kink")
    }
  }

  @Test("deep training lowers the MSE, keeps unit decoder rows, and is a function of the seed", arguments: [[Int](), [8]])
  func trains(decoderHidden: [Int]) {
    let world = TestSupport.sparseWorld(n: 2048, m: 8, k: 6, p: 0.15, seed: 11)
    let architecture = DeepSAEArchitecture(k: 2, encoderHidden: [8], decoderHidden: decoderHidden, inputScale: 2)
    func run(_ seed: UInt64) -> DeepTrainingResult {
      DeepTrainer.train(DeepTrainingConfiguration(architecture: architecture, common: TrainingConfiguration(
        architecture: TopKArchitecture(k: 2), width: 12, batchSize: 128, steps: 300, learningRate: 4e-3, seed: seed, sparseAdam: true)),
                        data: world.x)
    }
    let result = run(5)
    let before = SAEMetrics.evaluate(DeepAutoencoder<Float>.initialized(architecture: architecture, inputDimension: 8, width: 12, seed: 5), on: world.x)
    let after = SAEMetrics.evaluate(result.autoencoder, on: world.x)
    #expect(after.meanSquaredError < 0.3 * before.meanSquaredError, "MSE \(before.meanSquaredError) → \(after.meanSquaredError)")
    #expect(after.l0 <= 2)
    let d = result.autoencoder.layout.decoder
    let w = result.autoencoder.weights(d)
    for i in 0..<d.inputs { #expect(abs(w.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) <= 1e-5) }
    #expect(run(5).autoencoder.values == result.autoencoder.values)
    #expect(run(6).autoencoder.values != result.autoencoder.values)
  }

  @Test("deep SAEs round-trip through our cfg.json and safetensors; a wrong tensor shape is refused naming it") func format() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lab-deep-\(UUID().uuidString)").path
    let model = Self.randomModel(m: 3, f: 5, seed: 17)
    let float = DeepAutoencoder<Float>(architecture: DeepSAEArchitecture(k: 2, encoderHidden: [4, 3], decoderHidden: [2], inputScale: 10),
                                       inputDimension: 3, width: 5, values: (0..<DeepSAEArchitecture(k: 2, encoderHidden: [4, 3], decoderHidden: [2])
                                         .layers(inputDimension: 3, width: 5).parameterCount).map { Float(model.values[$0 % model.values.count]) })
    try DeepSAEFormat.write(float, to: directory)
    let read = try DeepSAEFormat.read(from: directory)
    #expect(read.values == float.values && read.architecture == float.architecture)
    let x = Matrix(rows: 4, columns: 3, storage: TestSupport.randomMatrix(rows: 4, columns: 3, seed: 2).storage.map { Float($0) })
    #expect(read.decode(read.encode(x)) == float.decode(float.encode(x)))
    #expect(throws: TrainingError.self) { try SAELensFormat.read(from: directory) }
    let path = directory + "/cfg.json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "\"decoder_hidden\": [2]", with: "\"decoder_hidden\": [3]").write(toFile: path, atomically: true, encoding: .utf8)
    #expect { try DeepSAEFormat.read(from: directory) } throws: { "\($0)".contains("decoder.0.weight") }
  }
}
