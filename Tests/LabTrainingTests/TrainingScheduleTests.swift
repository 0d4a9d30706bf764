import Foundation
import LabTestSupport
import LabNumerics
import LabTraining
import PropertyBased
import Testing

/// Learning-rate schedules, gradient clipping, the unit-norm constraint, resampling and checkpoints.
@Suite struct TrainingScheduleTests {
  @Test("schedules: linear warm-up to 1, then constant, or decreasing linearly / by cosine towards the final fraction") func schedules() async {
    await propertyCheck(count: 50, input: Gen.int(in: 0...20), Gen.int(in: 1...60), Gen.double(in: 0...1)) { warmup, decaySteps, final in
      let total = warmup + decaySteps
      for decay in LearningRateSchedule.Decay.allCases {
        let schedule = LearningRateSchedule(warmupSteps: warmup, decay: decay, finalFraction: final)
        let values = (0..<total).map { schedule.multiplier(step: $0, totalSteps: total) }
        for t in 0..<warmup { #expect(abs(values[t] - Double(t + 1) / Double(warmup)) <= 1e-15) }
        #expect(abs(values[warmup] - 1) <= 1e-15, "\(decay): the decay starts at 1")
        for t in warmup..<total {
          #expect(values[t] > 0 && values[t] <= 1 && values[t] >= final - 1e-15)
          if t > warmup { #expect(decay == .constant ? values[t] == 1 : values[t] <= values[t - 1] + 1e-15) }
        }
        if decay == .linear && decaySteps > 1 {
          // Equal decrements of (1 − f)/(T − W).
          #expect(abs((values[warmup] - values[warmup + 1]) - (1 - final) / Double(decaySteps)) <= 1e-12)
        }
      }
    }
  }

  @Test("clipping: the norm becomes min(norm, C) and the direction is kept") func clipping() async {
    await propertyCheck(count: 50, input: Gen.int(in: 1...20), Gen.double(in: 0.01...5), Gen.uint64()) { n, c, seed in
      let g = TestSupport.randomMatrix(rows: 1, columns: n, seed: seed).storage
      var clipped = g
      GradientClipping.clip(&clipped, to: c)
      let norm = { (v: [Double]) in v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
      #expect(abs(norm(clipped) - min(norm(g), c)) <= 1e-12 * (1 + norm(g)))
      let cosine = zip(g, clipped).reduce(0) { $0 + $1.0 * $1.1 } / (norm(g) * norm(clipped))
      #expect(abs(cosine - 1) <= 1e-12)
    }
  }

  @Test("relu-l1-unit keeps every decoder row at norm 1 and recovers the true features") func unitNorm() {
    let world = TestSupport.sparseWorld(n: 4096, m: 8, k: 6, p: 0.15, seed: 11)
    let result = Trainer.train(TrainingConfiguration(architecture: UnitNormReLUL1Architecture(l1Coefficient: 0.05), width: 12,
                                                     batchSize: 128, steps: 600, learningRate: 1e-2, seed: 5), data: world.x)
    for norm in result.autoencoder.parameters.decoderNorms { #expect(abs(norm - 1) <= 1e-5, "decoder norm \(norm)") }
    let metrics = SAEMetrics.evaluate(result.autoencoder, on: world.x, truth: world.truth)
    #expect((metrics.meanMaxCosineSimilarity ?? 0) > 0.9, "MMCS \(metrics.meanMaxCosineSimilarity ?? .nan)")
  }

  @Test("batchtopk learns a positive threshold and recovers the true features; nsae lowers its loss")
  func batchTopKAndNSAE() {
    let world = TestSupport.sparseWorld(n: 4096, m: 8, k: 6, p: 0.15, seed: 11)
    let batchTopK = Trainer.train(TrainingConfiguration(architecture: BatchTopKArchitecture(k: 2), width: 12, batchSize: 128, steps: 600,
                                                        learningRate: 1e-2, seed: 5), data: world.x)
    let threshold = (batchTopK.autoencoder.architecture as? BatchTopKArchitecture)?.threshold ?? 0
    #expect(threshold > 0)
    let metrics = SAEMetrics.evaluate(batchTopK.autoencoder, on: world.x, truth: world.truth)
    #expect((metrics.meanMaxCosineSimilarity ?? 0) > 0.9, "MMCS \(metrics.meanMaxCosineSimilarity ?? .nan)")
    #expect(metrics.explainedVariance > 0.8, "explained variance \(metrics.explainedVariance)")
    let nsae = NormalizedSAEArchitecture(alpha: 0.01, noiseSigma: 0.5)
    let configuration = TrainingConfiguration(architecture: nsae, width: 12, batchSize: 128, steps: 600, learningRate: 1e-2, seed: 5)
    let before = SAEMetrics.evaluate(SparseAutoencoder(architecture: nsae, parameters: Trainer.initialState(configuration, data: world.x).parameters),
                                     on: world.x)
    let after = SAEMetrics.evaluate(Trainer.train(configuration, data: world.x).autoencoder, on: world.x)
    #expect(after.meanSquaredError < 0.5 * before.meanSquaredError, "MSE \(before.meanSquaredError) → \(after.meanSquaredError)")
  }

  @Test("resampling re-initialises a latent that never fires: bias 0, decoder row at the initial norm, encoder column its transpose; nothing else changes")
  func resampling() {
    let world = TestSupport.sparseWorld(n: 256, m: 5, k: 4, p: 0.3, seed: 2)
    let configuration = TrainingConfiguration(architecture: ReLUL1Architecture(l1Coefficient: 0.01), width: 6, batchSize: 32, steps: 3,
                                              learningRate: 1e-3, seed: 4, resampleInterval: 3)
    var state = Trainer.initialState(configuration, data: world.x)
    let p = state.parameters
    state.parameters.values[p.encoderBiasOffset] = -1e6  // latent 0 can never fire
    var plain = state, withoutResampling = configuration
    withoutResampling.resampleInterval = nil
    Trainer.run(&plain, withoutResampling, data: world.x, until: 3)
    Trainer.run(&state, configuration, data: world.x, until: 3)
    let dead = (0..<6).filter { plain.tracker.stepsSinceFired[$0] >= 3 }
    #expect(dead.contains(0) && state.resampledLatents == dead.count)
    let owned = Set(dead.flatMap { state.latentSlots.indices(of: $0, width: 6) })
    for i in p.values.indices where !owned.contains(i) {
      #expect(state.parameters.values[i] == plain.parameters.values[i], "weight \(i) of a live latent changed")
    }
    let q = state.parameters
    #expect(state.resampledLatents >= 1)
    #expect(q.encoderBias[0] == 0)
    #expect(abs(q.decoderNorms[0] - 0.1) <= 1e-6)
    #expect((0..<5).allSatisfy { q.encoderWeights[$0, 0] == q.decoderWeights[0, $0] })
    #expect(state.tracker.stepsSinceFired[0] == 0)
  }

  /// S steps in one run against S/2 steps, a checkpoint written and read back, and S/2 more: the
  /// SAELens files must be byte-identical, for every shallow architecture and every training option,
  /// with the batch in one piece and in three row blocks.
  @Test("a run resumed from a checkpoint gives byte-identical weights", arguments: [
    ReLUL1Architecture(l1Coefficient: 0.05) as any SAEArchitecture, UnitNormReLUL1Architecture(l1Coefficient: 0.05), TopKArchitecture(k: 2),
    BatchTopKArchitecture(k: 2), NormalizedSAEArchitecture(alpha: 0.01, noiseSigma: 0.5),
    ReLUL1Architecture(controller: TargetL0Controller(target: 2)), MatryoshkaBatchTopKArchitecture(k: 2, prefixes: [3]),
    JumpReLUTrainingArchitecture(width: 9, coefficient: 0, controller: TargetL0Controller(target: 2)),
    JumpReLUTrainingArchitecture(width: 9, coefficient: 0.1), MatchingPursuitArchitecture(maxIterations: 2),
  ], [1, 3])
  func resume(architecture: any SAEArchitecture, batchBlocks: Int) throws {
    let world = TestSupport.sparseWorld(n: 300, m: 6, k: 5, p: 0.2, seed: 8)
    let topK: Bool
    switch architecture.activation {
    case .topK, .batchTopK: topK = true
    default: topK = false
    }
    let configuration = TrainingConfiguration(
      architecture: architecture, width: 9, batchSize: 64, steps: 40, learningRate: 1e-2, seed: 3, sparseAdam: true, deadWindow: 2,
      schedule: LearningRateSchedule(warmupSteps: 5, decay: .cosine), l1WarmupSteps: 10,
      gradientClipNorm: architecture is JumpReLUTrainingArchitecture ? nil : 0.5,  // JumpReLU refuses clipping (Trainer.validate)
      resampleInterval: 7,
      auxK: topK ? 3 : nil, batchBlocks: batchBlocks)
    let straight = Trainer.train(configuration, data: world.x)
    var state = Trainer.initialState(configuration, data: world.x)
    Trainer.run(&state, configuration, data: world.x, until: 20)
    let directory = try Scratch.directory().appendingPathComponent("lab-checkpoint").path
    try TrainingCheckpoint.write(state, configuration: configuration, rows: world.x.rows, to: directory)
    try TrainingCheckpoint.write(state, configuration: configuration, rows: world.x.rows, to: directory)  // over an older one
    var resumed = try TrainingCheckpoint.read(from: directory, configuration: configuration, data: world.x)
    Trainer.run(&resumed, configuration, data: world.x, until: 40)
    let split = Trainer.result(resumed, configuration, steps: 20, seconds: 1)
    let a = SAELensFormat.files(straight.autoencoder), b = SAELensFormat.files(split.autoencoder)
    #expect(a.map(\.contents) == b.map(\.contents), "\(architecture.kind)")
    #expect(straight.tracker == split.tracker && straight.finalLoss == split.finalLoss)
    var other = configuration
    other.width = 10
    #expect { try TrainingCheckpoint.read(from: directory, configuration: other, data: world.x) } throws: { "\($0)".contains("'width'") }
    var otherBlocks = configuration
    otherBlocks.batchBlocks = batchBlocks + 1
    #expect { try TrainingCheckpoint.read(from: directory, configuration: otherBlocks, data: world.x) } throws: {
      "\($0)".contains("'batch_blocks' is \(batchBlocks) but this run has \(batchBlocks + 1)")
    }
  }

  /// AuxK in `Double` against its definition and central finite differences (the residual held
  /// fixed, as the loss detaches it); the loss is piecewise quadratic, so h = 1e−6 as in GradientTests.
  @Test("AuxK: the loss equals its definition and its gradient matches central finite differences") func auxK() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...4), Gen.int(in: 2...6), Gen.int(in: 1...4), Gen.uint64()) { m, f, b, seed in
      let p = TestSupport.randomParameters(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let e = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 2)
      let dead = (0..<f).map { ($0 + Int(seed % 3)) % 2 == 0 }
      let k = 1 + Int(seed % UInt64(f)), c = 0.5
      func loss(_ q: SAEParameters<Double>) -> (value: Double, gradient: [Double]) {
        var g = [Double](repeating: 0, count: q.values.count)
        let value = AuxiliaryKLoss.addLossAndGradient(parameters: q, batch: x, residual: e, dead: dead, k: k, coefficient: c, gradient: &g)
        return (value, g)
      }
      // The definition, sample by sample.
      let deadCount = dead.filter { $0 }.count
      var expected = 0.0
      var patterns: [[Bool]] = []
      func codes(_ q: SAEParameters<Double>, _ r: Int) -> [Double] {
        let u = (0..<f).map { i in q.encoderBias[i] + (0..<m).reduce(0.0) { $0 + (x[r, $1] - q.decoderBias[$1]) * q.encoderWeights[$1, i] } }
        let kept = Set((0..<f).filter { dead[$0] }.sorted { u[$0] != u[$1] ? u[$0] > u[$1] : $0 < $1 }.prefix(k))
        return (0..<f).map { kept.contains($0) ? max(0, u[$0]) : 0 }
      }
      for r in 0..<b {
        let z = codes(p, r)
        patterns.append(z.map { $0 > 0 })
        for j in 0..<m {
          let d = (0..<f).reduce(0.0) { $0 + z[$1] * p.decoderWeights[$1, j] } - e[r, j]
          expected += d * d
        }
      }
      expected *= c * min(Double(deadCount) / Double(k), 1) / Double(b)
      let (value, gradient) = loss(p)
      #expect(abs(value - expected) <= 1e-10 * (1 + expected), "AuxK \(value) vs \(expected)")
      func pattern(_ q: SAEParameters<Double>) -> [[Bool]] { (0..<b).map { r in codes(q, r).map { $0 > 0 } } }
      var skipped = 0
      for index in p.values.indices {
        var plus = p, minus = p
        plus.values[index] += 1e-6
        minus.values[index] -= 1e-6
        guard pattern(plus) == patterns, pattern(minus) == patterns else { skipped += 1; continue }
        let numeric = (loss(plus).value - loss(minus).value) / 2e-6
        #expect(abs(numeric - gradient[index]) <= 1e-6 * (1 + abs(value) + abs(gradient[index])), "parameter \(index): \(gradient[index]) vs \(numeric)")
      }
      #expect(skipped * 4 <= p.values.count)
    }
  }
}
