import Foundation
import LabNumerics
import LabTraining
import PropertyBased
import Testing

@Suite struct TrainingTests {
  @Test("Adam matches the textbook update m̂/(√v̂ + ε) computed separately") func adamUpdate() async {
    await propertyCheck(count: 30, input: Gen.double(in: -3...3), Gen.double(in: 0.001...0.1)) { start, lr in
      var p: [Double] = [start]
      var optimizer = AdamOptimizer<Double>(parameterCount: 1, learningRate: lr)
      var (m, v, q) = (0.0, 0.0, start)
      for t in 1...20 {
        let g = 2 * (p[0] - 1)  // ∇ (p − 1)²
        optimizer.update(&p, gradient: [g])
        let gq = 2 * (q - 1)
        m = 0.9 * m + 0.1 * gq
        v = 0.999 * v + 0.001 * gq * gq
        q -= lr * (m / (1 - pow(0.9, Double(t)))) / ((v / (1 - pow(0.999, Double(t)))).squareRoot() + 1e-8)
        #expect(abs(p[0] - q) <= 1e-12 * (1 + abs(q)), "step \(t): \(p[0]) vs \(q)")
      }
    }
  }

  @Test("float32 Adam (vector lanes and tail) gives the bytes of the scalar float32 update, coordinate by coordinate")
  func adamFloatLanes() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...13), Gen.uint64()) { count, seed in
      let values = TestSupport.randomMatrix(rows: 6, columns: count, seed: seed).storage.map(Float.init)
      var p = Array(values[0..<count]), q = p
      var optimizer = AdamOptimizer<Float>(parameterCount: count, learningRate: 0.01)
      var m = [Float](repeating: 0, count: count), v = m
      for t in 1...5 {
        let g = Array(values[(t * count)..<((t + 1) * count)])
        optimizer.update(&p, gradient: g)
        let (b1, b2): (Float, Float) = (0.9, 0.999)
        let stepSize = Float(0.01 / (1 - pow(0.9, Double(t)))), root = Float((1 - pow(0.999, Double(t))).squareRoot())
        for i in 0..<count {
          m[i] = b1 * m[i] + (1 - b1) * g[i]
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
          q[i] -= stepSize * m[i] / ((v[i].squareRoot() / root) + Float(1e-8))
        }
        #expect(p == q, "step \(t), \(count) parameters")
      }
    }
  }

  @Test("sparse Adam leaves coordinates with zero gradient and their moments untouched") func sparseAdam() {
    var sparse = AdamOptimizer<Double>(parameterCount: 2, learningRate: 0.1, sparse: true)
    var dense = AdamOptimizer<Double>(parameterCount: 2, learningRate: 0.1)
    var ps = [1.0, 1.0], pd = [1.0, 1.0]
    sparse.update(&ps, gradient: [1, 1])
    dense.update(&pd, gradient: [1, 1])
    #expect(ps == pd)
    let afterFirst = ps[0]
    sparse.update(&ps, gradient: [0, 1])
    dense.update(&pd, gradient: [0, 1])
    #expect(ps[0] == afterFirst)  // no gradient: no move
    #expect(pd[0] < afterFirst)  // dense Adam keeps moving on its momentum
    #expect(ps[1] == pd[1])
  }

  @Test("TopK keeps exactly k entries, the largest (ties to the lower index), clamped at 0") func topKSelection() async {
    await propertyCheck(count: 100, input: Gen.int(in: 1...12), Gen.uint64()) { f, seed in
      let k = 1 + Int(seed % UInt64(f))
      // Coarse values so that ties occur.
      let h = TestSupport.randomMatrix(rows: 1, columns: f, seed: seed).storage.map { ($0 * 2).rounded() / 2 }
      var p = SAEParameters<Double>(inputDimension: 1, width: f)
      p.values[p.encoderBiasOffset..<p.decoderWeightsOffset] = ArraySlice(h)
      let z = SparseAutoencoder(architecture: TopKArchitecture(k: k), parameters: p).encode(Matrix(rows: 1, columns: 1, storage: [0]))
      let kept = Set(h.indices.sorted { h[$0] != h[$1] ? h[$0] > h[$1] : $0 < $1 }.prefix(k))
      #expect(z.storage == h.indices.map { kept.contains($0) ? max(0, h[$0]) : 0 }, "h \(h), k \(k)")
    }
  }

  @Test("training is a function of the seed: same seed same weights, other seed other weights") func deterministic() {
    let world = TestSupport.sparseWorld(n: 512, m: 6, k: 6, p: 0.2, seed: 3)
    func run(_ seed: UInt64) -> [Float] {
      Trainer.train(TrainingConfiguration(architecture: ReLUL1Architecture(l1Coefficient: 0.1), width: 8, batchSize: 64, steps: 30,
                                          learningRate: 1e-2, seed: seed), data: world.x).autoencoder.parameters.values
    }
    #expect(run(1) == run(1))
    #expect(run(1) != run(2))
  }

  @Test("relu-l1 and topk training lower the loss and recover the true features (MMCS > 0.9)",
        arguments: [ReLUL1Architecture(l1Coefficient: 0.05) as any SAEArchitecture, TopKArchitecture(k: 2)])
  func recovers(architecture: any SAEArchitecture) {
    let world = TestSupport.sparseWorld(n: 4096, m: 8, k: 6, p: 0.15, seed: 11)
    let before = SAEMetrics.evaluate(
      SparseAutoencoder(architecture: architecture, parameters: .initialized(inputDimension: 8, width: 12, seed: 5)), on: world.x)
    let result = Trainer.train(TrainingConfiguration(architecture: architecture, width: 12, batchSize: 128, steps: 600,
                                                     learningRate: 1e-2, seed: 5), data: world.x)
    let after = SAEMetrics.evaluate(result.autoencoder, on: world.x, truth: world.truth)
    #expect(after.meanSquaredError < 0.2 * before.meanSquaredError, "MSE \(before.meanSquaredError) → \(after.meanSquaredError)")
    #expect(after.explainedVariance > 0.9)
    #expect((after.meanMaxCosineSimilarity ?? 0) > 0.9, "MMCS \(after.meanMaxCosineSimilarity ?? .nan)")
  }

  @Test("dead-latent tracking counts steps since firing") func tracker() {
    var tracker = DeadLatentTracker(width: 3)
    for _ in 0..<5 { tracker.record(fired: [true, false, false]) }
    tracker.record(fired: [false, false, true])
    #expect(tracker.stepsSinceFired == [1, 6, 0])
    #expect(tracker.deadCount(window: 2) == 1)
    #expect(tracker.deadCount(window: 0) == 2)
  }
}
