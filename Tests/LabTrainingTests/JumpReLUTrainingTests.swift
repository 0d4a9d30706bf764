import Foundation
import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// JumpReLU training: the weights' exact gradient, the thresholds' pseudo-gradient against its
/// definition (sae-lens `JumpReLU` and `Step` backward), the Adam step of the thresholds and the
/// target-L0 controller.
@Suite struct JumpReLUTrainingTests {
  /// A JumpReLU architecture of width `f` with thresholds uniform in [0, 1), coefficient c and bandwidth ε.
  static func architecture(f: Int, c: Double, bandwidth: Double, seed: UInt64) -> JumpReLUTrainingArchitecture {
    var g = SeedTree(root: seed).generator(for: "thresholds")
    var a = JumpReLUTrainingArchitecture(width: f, coefficient: c, bandwidth: bandwidth)
    a.thresholds = (0..<f).map { _ in g.nextUniform() }
    return a
  }

  @Test("the weights' gradient matches central finite differences of the loss (the step L0 term included: it is flat there)")
  func weights() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...5), Gen.uint64()) { m, f, b, seed in
      let architecture = Self.architecture(f: f, c: Double(seed % 100) / 50, bandwidth: 0.05, seed: seed)
      GradientTests.checkFiniteDifferences(architecture, m: m, f: f, b: b, seed: seed)
    }
  }

  @Test("the thresholds' pseudo-gradient is Σ_b rect((h − θ)/ε) · (−(θ/ε) ∂L/∂z − c/(Bε)), computed directly")
  func thresholdPseudoGradient() async {
    await propertyCheck(count: 40, input: Gen.int(in: 1...5), Gen.int(in: 1...6), Gen.int(in: 1...6), Gen.uint64()) { m, f, b, seed in
      let c = Double(seed % 100) / 50, epsilon = 0.25 + Double(seed % 7) / 4
      let architecture = Self.architecture(f: f, c: c, bandwidth: epsilon, seed: seed)
      let p = TestSupport.randomParameters(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      var gradient = [Double](repeating: 0, count: p.values.count)
      var workspace = Workspace<Double>(batchSize: b, inputDimension: m, width: f)
      let loss = x.storage.withUnsafeBufferPointer { batch in
        SAEKernel.lossAndGradient(parameters: p, activation: architecture.activation, penalty: architecture.penalty, batch: batch.baseAddress!,
                                  gradient: &gradient, workspace: &workspace)
      }
      // The reference, entry by entry.
      let theta = architecture.thresholds
      var h = Matrix<Double>(rows: b, columns: f), z = Matrix<Double>(rows: b, columns: f)
      for t in 0..<b {
        for i in 0..<f {
          h[t, i] = p.encoderBias[i] + (0..<m).reduce(0) { $0 + (x[t, $1] - p.decoderBias[$1]) * p.encoderWeights[$1, i] }
          z[t, i] = h[t, i] > theta[i] ? h[t, i] : 0
        }
      }
      var expected = [Double](repeating: 0, count: f)
      var mse = 0.0, active = 0
      for t in 0..<b {
        let r = (0..<m).map { j in p.decoderBias[j] + (0..<f).reduce(0) { $0 + z[t, $1] * p.decoderWeights[$1, j] } - x[t, j] }
        mse += r.reduce(0) { $0 + $1 * $1 } / Double(b)
        for i in 0..<f {
          if z[t, i] != 0 { active += 1 }
          let dz = (0..<m).reduce(0) { $0 + 2 * r[$1] * p.decoderWeights[i, $1] } / Double(b)
          let u = (h[t, i] - theta[i]) / epsilon
          if u > -0.5 && u < 0.5 { expected[i] += -(theta[i] / epsilon) * dz - c / (Double(b) * epsilon) }
        }
      }
      #expect(abs(loss.meanSquaredError - mse) <= 1e-9 * (1 + mse))
      #expect(loss.penalty == c * Double(active) / Double(b))
      #expect(workspace.thresholdGradient.count == f)
      for i in 0..<f {
        #expect(abs(workspace.thresholdGradient[i] - expected[i]) <= 1e-9 * (1 + abs(expected[i])),
                "latent \(i): kernel \(workspace.thresholdGradient[i]), definition \(expected[i])")
      }
    }
  }

  @Test("row blocks give the thresholds' pseudo-gradient of one block, to rounding")
  func blocks() async {
    await propertyCheck(count: 20, input: Gen.int(in: 2...5), Gen.uint64()) { blocks, seed in
      let (m, f, b) = (4, 6, 10)
      let architecture = Self.architecture(f: f, c: 0.7, bandwidth: 1, seed: seed)
      var p = SAEParameters<Float>(inputDimension: m, width: f)
      p.values = TestSupport.randomParameters(m: m, f: f, seed: seed).values.map(Float.init)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1).storage.map(Float.init)
      func run(_ s: Int) -> ([Double], BatchLoss) {
        var kernel = BlockedBatchKernel<Float>(batchSize: b, blockCount: s, inputDimension: m, width: f, parameterCount: p.values.count)
        var gradient = [Float](repeating: 0, count: p.values.count)
        let loss = x.withUnsafeBufferPointer {
          kernel.lossAndGradient(parameters: p, activation: architecture.activation, penalty: architecture.penalty, subtractsDecoderBias: true,
                                 noise: nil, batch: $0.baseAddress!, gradient: &gradient)
        }
        return (kernel.thresholdGradient, loss)
      }
      let (one, lossOne) = run(1), (many, lossMany) = run(blocks)
      #expect(lossOne.penalty == lossMany.penalty)
      for i in 0..<f { #expect(abs(one[i] - many[i]) <= 1e-5 * (1 + abs(one[i]))) }
    }
  }

  @Test("a step moves the thresholds by Adam on their pseudo-gradient and keeps them >= 0")
  func thresholdStep() {
    var a = JumpReLUTrainingArchitecture(width: 3, coefficient: 1)
    a.thresholds = [0.5, 0.001, 0.2]
    a.record(TrainingStepRecord(minimumPositiveCode: nil, activeCount: 0, batchSize: 1, thresholdGradient: [1, 1, -2], learningRate: 0.01))
    // Adam's first step moves each coordinate by lr · sign(g) (up to ε): 0.49, max(0, 0.001 − 0.01) = 0, 0.21.
    #expect(abs(a.thresholds[0] - 0.49) <= 1e-9 && a.thresholds[1] == 0 && abs(a.thresholds[2] - 0.21) <= 1e-9)
    a.record(TrainingStepRecord(minimumPositiveCode: nil, activeCount: 0, batchSize: 1, thresholdGradient: nil, learningRate: 0.01))
    #expect(abs(a.thresholds[0] - 0.49) <= 1e-9, "no gradient, no step")
  }

  @Test("lab train's JumpReLU takes the recipe's settings in units of inputs normalised to mean norm √m: θ, ε and the threshold step times s, c and its bounds times s²")
  func normalizedUnits() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...40), Gen.int(in: 1...9), Gen.double(in: 0.01...50)) { m, k, norm in
      let a = JumpReLUTrainingArchitecture.targetL0(width: 9, target: k)
      var prepared = a.prepared(meanInputNorm: norm, inputDimension: m) as! JumpReLUTrainingArchitecture
      let s = norm / Double(m).squareRoot(), close = { (x: Double, y: Double) in abs(x - y) <= 1e-12 * abs(y) }
      #expect(prepared.thresholds.allSatisfy { close($0, JumpReLUTrainingArchitecture.recipeThreshold * s) })
      #expect(close(prepared.bandwidth, JumpReLUTrainingArchitecture.recipeBandwidth * s) && prepared.unitScale == s)
      #expect(close(prepared.coefficient, JumpReLUTrainingArchitecture.initialCoefficient * s * s))
      #expect(close(exp(prepared.controller!.logCoefficientRange.upperBound), TargetL0Controller.multiplierBound * s * s))
      #expect(close(prepared.initialDecoderNorm, JumpReLUTrainingArchitecture.recipeDecoderNorm))
      // Adam's first step moves a threshold by about its learning rate: lr · factor · s in the data's units.
      let before = prepared.thresholds[0]
      prepared.record(TrainingStepRecord(minimumPositiveCode: nil, activeCount: 0, batchSize: 1, thresholdGradient: Array(repeating: -1, count: 9),
                                         learningRate: 1e-3))
      #expect(abs(prepared.thresholds[0] - before - 1e-3 * JumpReLUTrainingArchitecture.targetL0ThresholdLearningRateFactor * s) <= 1e-9 * s)
    }
  }

  @Test("a JumpReLU in the data's units is not changed by the data")
  func dataUnitsUnchanged() async {
    await propertyCheck(count: 20, input: Gen.int(in: 1...40), Gen.double(in: 0...50)) { m, norm in
      let a = JumpReLUTrainingArchitecture(width: 4, coefficient: 0.3, controller: TargetL0Controller(target: 2))
      let prepared = a.prepared(meanInputNorm: norm, inputDimension: m) as! JumpReLUTrainingArchitecture
      #expect(prepared.thresholds == a.thresholds && prepared.bandwidth == a.bandwidth && prepared.coefficient == a.coefficient)
      #expect(prepared.controller == a.controller && prepared.unitScale == 1 && prepared.initialDecoderNorm == a.initialDecoderNorm)
    }
  }

  @Test("the controller raises c while L0 is above the target, lowers it below, and settles at the target")
  func controller() async {
    await propertyCheck(count: 30, input: Gen.int(in: 1...40), Gen.int(in: 0...200), Gen.int(in: 1...64)) { k, active, batch in
      var controller = TargetL0Controller(target: k, initialCoefficient: 0.3)
      let before = controller.coefficient
      controller.record(activeCount: active, batchSize: batch)
      let l0 = Double(active) / Double(batch)
      if l0 > Double(k) { #expect(controller.coefficient > before) }
      if l0 < Double(k) { #expect(controller.coefficient < before) }
      if l0 == Double(k) { #expect(controller.coefficient == before) }
      #expect(controller.coefficient <= before * exp(TargetL0Controller.gain) * (1 + 1e-12))
      #expect(controller.coefficient >= before * exp(-TargetL0Controller.gain) * (1 - 1e-12))
    }
  }
}
