import Foundation
import LabTestSupport
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

  static func randomModel(m: Int, f: Int, seed: UInt64, linearDecoder: Bool = false) -> DeepAutoencoder<Double> {
    var architecture = randomArchitecture(m: m, f: f, seed: seed)
    if linearDecoder { architecture.decoderHidden = [] }
    var g = SeedTree(root: seed).generator(for: "values")
    let count = architecture.layers(inputDimension: m, width: f).parameterCount
    return DeepAutoencoder(architecture: architecture, inputDimension: m, width: f, values: (0..<count).map { _ in g.nextNormal() })
  }

  /// `input W + b` of `layer`, with plain loops.
  static func dense(_ model: DeepAutoencoder<Double>, _ input: [Double], _ layer: DeepSAELayout.Layer, bias: Bool = true) -> [Double] {
    let v = model.values
    return (0..<layer.outputs).map { o in
      (bias ? v[layer.biasOffset + o] : 0) + (0..<layer.inputs).reduce(0.0) { $0 + input[$1] * v[layer.weightOffset + $1 * layer.outputs + o] }
    }
  }

  /// The sparse layer's pre-activations of the scaled input `input`, from the definition.
  static func preActivations(_ model: DeepAutoencoder<Double>, scaledInput input: [Double]) -> [Double] {
    let layout = model.layout
    var h = input
    for layer in layout.encoderHidden {
      let t = dense(model, h, layer).map { tanh($0) }
      let mean = t.reduce(0, +) / Double(t.count)
      let variance = t.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(t.count)
      h = t.map { ($0 - mean) / (variance + DeepSAEArchitecture.layerNormEpsilon).squareRoot() }
    }
    if !layout.encoderHidden.isEmpty { h = zip(h, input).map { $0 + $1 } }
    return dense(model, h, layout.sparse)
  }

  /// The loss computed sample by sample from the definition, with plain loops.
  static func definitionLoss(_ model: DeepAutoencoder<Double>, _ x: Matrix<Double>) -> (mse: Double, decay: Double) {
    let layout = model.layout, a = model.architecture, v = model.values
    func dense(_ input: [Double], _ layer: DeepSAELayout.Layer) -> [Double] { Self.dense(model, input, layer) }
    var mse = 0.0
    for r in 0..<x.rows {
      let input = x.row(r).map { $0 * a.inputScale }
      let u = preActivations(model, scaledInput: input)
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

  /// The row blocks against the whole batch (the whole batch's kernel is checked against finite
  /// differences below): the same firing, and loss and gradient equal up to the rounding of the
  /// weighted sums, with AuxK when the decoder is linear.
  @Test("deep: S row blocks give the whole batch's loss and gradient to rounding, and one block its bytes") func blocks() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...4), Gen.int(in: 2...6), Gen.int(in: 1...9), Gen.uint64()) { m, f, b, seed in
      let linear = seed % 2 == 0
      let model = Self.randomModel(m: m, f: f, seed: seed, linearDecoder: linear)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let auxiliary = linear ? DeepSAEKernel.Auxiliary(dead: (0..<f).map { $0 % 2 == 0 }, k: 1, coefficient: 0.5) : nil
      let whole = DeepSAEKernel.lossAndGradient(model, batch: x, auxiliary: auxiliary)
      let one = DeepSAEKernel.lossAndGradient(model, batch: x, auxiliary: auxiliary, blocks: 1)
      #expect(one.loss == whole.loss && one.gradient == whole.gradient && one.fired == whole.fired)
      let blocks = 1 + Int((seed >> 8) % UInt64(b))
      let split = DeepSAEKernel.lossAndGradient(model, batch: x, auxiliary: auxiliary, blocks: blocks)
      let label = "\(model.architecture) B=\(b) S=\(blocks) seed \(seed)"
      #expect(split.fired == whole.fired, "\(label)")
      for (part, expected) in [(split.loss.meanSquaredError, whole.loss.meanSquaredError), (split.loss.penalty, whole.loss.penalty),
                               (split.loss.auxiliary, whole.loss.auxiliary)] {
        #expect(abs(part - expected) <= 1e-12 * (1 + abs(expected)), "\(label): loss part \(part) vs \(expected)")
      }
      for index in whole.gradient.indices {
        #expect(abs(split.gradient[index] - whole.gradient[index]) <= 1e-12 * (1 + abs(whole.gradient[index])),
                "\(label): parameter \(index) blocked \(split.gradient[index]), whole \(whole.gradient[index])")
      }
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

  /// AuxK through the deep encoder: the kernel's L_aux equals its definition (on the residual
  /// s·x − x̂ of the main pass), and the kernel's gradient matches central finite differences of the
  /// main loss plus L_aux with that residual held fixed (AuxK detaches it); h and the tolerance as
  /// in ``gradient()``. The gradient reaches the hidden encoder layers through the sparse input.
  @Test("deep AuxK: the loss equals its definition and its gradient, through the hidden encoder layers, matches central finite differences")
  func auxK() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...4), Gen.int(in: 2...6), Gen.int(in: 1...4), Gen.uint64()) { m, f, b, seed in
      let model = Self.randomModel(m: m, f: f, seed: seed, linearDecoder: true)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let dead = (0..<f).map { ($0 + Int(seed % 3)) % 2 == 0 }
      let k = 1 + Int(seed % UInt64(f)), c = 0.5, s = model.architecture.inputScale
      let (loss, gradient, _, _) = DeepSAEKernel.lossAndGradient(model, batch: x, auxiliary: DeepSAEKernel.Auxiliary(dead: dead, k: k, coefficient: c))
      let scaled = Matrix(rows: b, columns: m, storage: x.storage.map { $0 * s })
      let residual = scaled - DeepSAEKernel.forwardDecoder(model, model.encode(x)).output
      let deadCount = dead.filter { $0 }.count
      func auxiliary(_ q: DeepAutoencoder<Double>) -> (value: Double, pattern: [Bool]) {
        var total = 0.0, pattern: [Bool] = []
        for r in 0..<b {
          let u = Self.preActivations(q, scaledInput: scaled.row(r))
          let kept = Set((0..<f).filter { dead[$0] }.sorted { u[$0] != u[$1] ? u[$0] > u[$1] : $0 < $1 }.prefix(k))
          let z = (0..<f).map { kept.contains($0) ? max(0, u[$0]) : 0 }
          pattern += z.map { $0 > 0 }
          let e = Self.dense(q, z, q.layout.decoder, bias: false)
          for j in 0..<m { total += (e[j] - residual[r, j]) * (e[j] - residual[r, j]) }
        }
        return (c * min(Double(deadCount) / Double(k), 1) * total / Double(b), pattern)
      }
      let expected = auxiliary(model)
      #expect(abs(loss.auxiliary - expected.value) <= 1e-10 * (1 + expected.value), "AuxK \(loss.auxiliary) vs \(expected.value)")
      let base = Self.pattern(model, x)
      func total(_ q: DeepAutoencoder<Double>) -> Double { DeepSAEKernel.lossAndGradient(q, batch: x).loss.total + auxiliary(q).value }
      var skipped = 0
      let h = 1e-6
      for index in model.values.indices {
        var plus = model, minus = model
        plus.values[index] += h
        minus.values[index] -= h
        guard Self.pattern(plus, x) == base, Self.pattern(minus, x) == base, auxiliary(plus).pattern == expected.pattern,
              auxiliary(minus).pattern == expected.pattern else { skipped += 1; continue }
        let numeric = (total(plus) - total(minus)) / (2 * h)
        #expect(abs(numeric - gradient[index]) <= 1e-5 * (1 + abs(loss.total) + abs(gradient[index])),
                "\(model.architecture) parameter \(index): analytic \(gradient[index]), numeric \(numeric)")
      }
      #expect(skipped * 4 <= model.values.count, "\(skipped) of \(model.values.count) coordinates sat on a kink")
    }
  }

  /// A deep configuration with every training option that a checkpoint must carry.
  static func fullConfiguration(decoderHidden: [Int], k: Int = 2, steps: Int = 40, batchBlocks: Int = 1) -> DeepTrainingConfiguration {
    DeepTrainingConfiguration(
      architecture: DeepSAEArchitecture(k: k, encoderHidden: [6], decoderHidden: decoderHidden, inputScale: 2),
      common: TrainingConfiguration(
        architecture: TopKArchitecture(k: k), width: 16, batchSize: 64, steps: steps, learningRate: 1e-2, seed: 3, sparseAdam: true,
        deadWindow: 2, schedule: LearningRateSchedule(warmupSteps: 5, decay: .cosine), gradientClipNorm: 0.5, resampleInterval: 4,
        auxK: decoderHidden.isEmpty ? 3 : nil, batchBlocks: batchBlocks))
  }

  /// S steps in one run against S/2 steps, a checkpoint written and read back, and S/2 more.
  @Test("a deep run resumed from a checkpoint gives byte-identical files, with resampling, AuxK, clipping and a schedule",
        arguments: [[Int](), [5]], [1, 3])
  func resume(decoderHidden: [Int], batchBlocks: Int) throws {
    let world = TestSupport.sparseWorld(n: 300, m: 6, k: 5, p: 0.2, seed: 8)
    let configuration = Self.fullConfiguration(decoderHidden: decoderHidden, batchBlocks: batchBlocks)
    var auxiliarySteps = 0
    let straight = DeepTrainer.train(configuration, data: world.x, progressInterval: 1) { if $0.loss.auxiliary > 0 { auxiliarySteps += 1 } }
    #expect(straight.resampledLatents > 0, "the run should exercise resampling")
    #expect((auxiliarySteps > 0) == decoderHidden.isEmpty, "AuxK (linear decoder only) should be exercised: \(auxiliarySteps) steps")
    var state = DeepTrainer.initialState(configuration, data: world.x)
    DeepTrainer.run(&state, configuration, data: world.x, until: 20)
    let directory = try Scratch.directory().appendingPathComponent("lab-deep-checkpoint").path
    try TrainingCheckpoint.write(state, configuration: configuration.common, rows: world.x.rows, to: directory)
    var resumed = try TrainingCheckpoint.read(from: directory, configuration: configuration, data: world.x)
    DeepTrainer.run(&resumed, configuration, data: world.x, until: 40)
    let split = DeepTrainer.result(resumed, configuration, steps: 20, seconds: 1)
    #expect(DeepSAEFormat.files(straight.autoencoder).map(\.contents) == DeepSAEFormat.files(split.autoencoder).map(\.contents))
    #expect(straight.tracker == split.tracker && straight.finalLoss == split.finalLoss && straight.resampledLatents == split.resampledLatents)
    let otherK = Self.fullConfiguration(decoderHidden: decoderHidden, k: 3, batchBlocks: batchBlocks)
    #expect { try TrainingCheckpoint.read(from: directory, configuration: otherK, data: world.x) } throws: { "\($0)".contains("'k'") }
    var shallow = configuration.common
    shallow.architecture = TopKArchitecture(k: 2)
    #expect { try TrainingCheckpoint.read(from: directory, configuration: shallow, data: world.x) } throws: { "\($0)".contains("'kind'") }
  }

  /// Latent 0 is kept from ever firing; after one resampling interval exactly the latents that did
  /// not fire in it (latent 0 among them) are re-drawn, and every other weight and Adam moment is
  /// what the same run without resampling has.
  @Test("deep resampling re-initialises exactly the latents that did not fire, leaving every other weight and moment alone",
        arguments: [[Int](), [5]])
  func resampling(decoderHidden: [Int]) {
    let world = TestSupport.sparseWorld(n: 256, m: 5, k: 4, p: 0.3, seed: 2)
    let architecture = DeepSAEArchitecture(k: 2, encoderHidden: [5], decoderHidden: decoderHidden)
    var common = TrainingConfiguration(architecture: TopKArchitecture(k: 2), width: 8, batchSize: 32, steps: 3, learningRate: 1e-3, seed: 4)
    let plain = DeepTrainingConfiguration(architecture: architecture, common: common)
    common.resampleInterval = 3
    let resampling = DeepTrainingConfiguration(architecture: architecture, common: common)
    var without = DeepTrainer.initialState(plain, data: world.x)
    let slots = without.latentSlots
    without.model.values[slots.biasOffset] = -1e6
    var with = without
    DeepTrainer.run(&without, plain, data: world.x, until: 3)
    DeepTrainer.run(&with, resampling, data: world.x, until: 3)
    let dead = (0..<8).filter { without.tracker.stepsSinceFired[$0] >= 3 }
    #expect(dead.contains(0) && with.resampledLatents == dead.count)
    let owned = Set(dead.flatMap { slots.indices(of: $0, width: 8) })
    for i in with.model.values.indices where !owned.contains(i) {
      #expect(with.model.values[i] == without.model.values[i] && with.optimizer.firstMoment[i] == without.optimizer.firstMoment[i]
              && with.optimizer.secondMoment[i] == without.optimizer.secondMoment[i], "weight \(i) of a live latent changed")
    }
    let v = with.model.values
    for latent in dead {
      #expect(v[slots.biasOffset + latent] == 0 && with.tracker.stepsSinceFired[latent] == 0)
      #expect(slots.indices(of: latent, width: 8).allSatisfy { with.optimizer.firstMoment[$0] == 0 && with.optimizer.secondMoment[$0] == 0 })
      let column = (0..<slots.incomingInputs).map { v[slots.incomingOffset + $0 * 8 + latent] }
      let row = (0..<slots.outgoingOutputs).map { v[slots.outgoingOffset + latent * slots.outgoingOutputs + $0] }
      #expect(column != (0..<slots.incomingInputs).map { without.model.values[slots.incomingOffset + $0 * 8 + latent] })
      if decoderHidden.isEmpty {
        #expect(column == row && abs(row.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) <= 1e-6)
      } else {
        #expect(column.allSatisfy { abs($0) <= 1 / Float(5).squareRoot() } && row.allSatisfy { abs($0) <= 1 / Float(8).squareRoot() })
      }
    }
  }

  @Test("deep SAEs round-trip through our cfg.json and safetensors; a wrong tensor shape is refused naming it") func format() throws {
    let directory = try Scratch.directory().appendingPathComponent("lab-deep").path
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
    try text.replacingOccurrences(of: "\"decoder_hidden\": [2]", with: "\"decoder_hidden\": [3]").write(toFile: path, atomically: false, encoding: .utf8)
    #expect { try DeepSAEFormat.read(from: directory) } throws: { "\($0)".contains("decoder.0.weight") }
  }
}
