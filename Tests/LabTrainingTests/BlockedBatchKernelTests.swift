import Foundation
import LabNumerics
import LabTraining
import PropertyBased
import Testing

/// The data-parallel kernel against the one-piece kernel (itself checked against finite
/// differences in ``GradientTests``): the same loss, gradient and firing up to the order of the
/// floating-point sums, the same bytes for one block, and the same bytes on every call.
@Suite struct BlockedBatchKernelTests {
  /// Every architecture whose batch can be split, with training noise for the normalised SAE.
  static func architecture(_ choice: Int, width f: Int) -> (any SAEArchitecture, noisy: Bool) {
    switch choice {
    case 0: (ReLUL1Architecture(l1Coefficient: 0.7), false)
    case 1: (UnitNormReLUL1Architecture(l1Coefficient: 0.4), false)
    case 2: (TopKArchitecture(k: 1 + choice % f), false)
    case 3: (JumpReLUArchitecture(thresholds: (0..<f).map { 0.1 * Double($0 % 3) }), false)
    default: (NormalizedSAEArchitecture(alpha: 0.3, noiseSigma: 0.5).prepared(meanInputNorm: 1.5, inputDimension: 1), true)
    }
  }

  /// The blocked kernel's loss, gradient and firing flags with `blocks` row blocks.
  static func blocked(_ architecture: any SAEArchitecture, _ parameters: SAEParameters<Double>, _ x: Matrix<Double>, noise: [Double]?,
                      blocks: Int) -> (loss: BatchLoss, gradient: [Double], fired: [Bool], active: Int, minimum: Double?) {
    var kernel = BlockedBatchKernel<Double>(batchSize: x.rows, blockCount: blocks, inputDimension: parameters.inputDimension,
                                            width: parameters.width, parameterCount: parameters.values.count)
    var gradient = [Double](repeating: .nan, count: parameters.values.count)
    let loss = x.storage.withUnsafeBufferPointer { batch in
      (noise ?? []).withUnsafeBufferPointer { e in
        kernel.lossAndGradient(parameters: parameters, activation: architecture.activation, penalty: architecture.penalty,
                               subtractsDecoderBias: architecture.subtractsDecoderBias, noise: noise == nil ? nil : e.baseAddress!,
                               batch: batch.baseAddress!, gradient: &gradient)
      }
    }
    return (loss, gradient, kernel.fired, kernel.activeCount, kernel.minimumPositiveCode)
  }

  @Test("S row blocks give the one-piece loss and gradient to rounding, the same firing, and one block its bytes") func agrees() async {
    await propertyCheck(count: 60, input: Gen.int(in: 1...6), Gen.int(in: 1...8), Gen.int(in: 1...12), Gen.uint64()) { m, f, b, seed in
      let (architecture, noisy) = Self.architecture(Int(seed % 5), width: f)
      let parameters = TestSupport.randomParameters(m: m, f: f, seed: seed)
      let x = TestSupport.randomMatrix(rows: b, columns: m, seed: seed &+ 1)
      let noise = noisy ? TestSupport.randomMatrix(rows: b, columns: f, seed: seed &+ 2).storage : nil
      let whole = TestSupport.lossAndGradient(architecture, parameters, x, noise: noise)
      let one = Self.blocked(architecture, parameters, x, noise: noise, blocks: 1)
      #expect(one.loss == whole.loss && one.gradient == whole.gradient && one.fired == whole.fired, "\(architecture.kind) one block")
      let blocks = 1 + Int((seed >> 8) % UInt64(b))
      let split = Self.blocked(architecture, parameters, x, noise: noise, blocks: blocks)
      let label = "\(architecture.kind) m=\(m) F=\(f) B=\(b) S=\(blocks) seed \(seed)"
      #expect(split.fired == whole.fired && split.active == whole.codes.filter { $0 > 0 }.count, "\(label)")
      // A block's product may round a code differently from the whole batch's, by an ulp.
      let minimum = whole.codes.filter { $0 > 0 }.min()
      #expect((split.minimum == nil) == (minimum == nil) && abs((split.minimum ?? 0) - (minimum ?? 0)) <= 1e-12 * (1 + (minimum ?? 0)), "\(label)")
      #expect(abs(split.loss.total - whole.loss.total) <= 1e-12 * (1 + abs(whole.loss.total)), "\(label)")
      for index in parameters.values.indices {
        #expect(abs(split.gradient[index] - whole.gradient[index]) <= 1e-12 * (1 + abs(whole.gradient[index])),
                "\(label): parameter \(index) blocked \(split.gradient[index]), whole \(whole.gradient[index])")
      }
    }
  }

  @Test("the blocks run on several threads, and every call gives the same bytes") func repeatable() async {
    await propertyCheck(count: 20, input: Gen.int(in: 2...8), Gen.uint64()) { blocks, seed in
      let (architecture, noisy) = Self.architecture(Int(seed % 5), width: 16)
      let parameters = TestSupport.randomParameters(m: 8, f: 16, seed: seed)
      let x = TestSupport.randomMatrix(rows: 64, columns: 8, seed: seed &+ 1)
      let noise = noisy ? TestSupport.randomMatrix(rows: 64, columns: 16, seed: seed &+ 2).storage : nil
      let first = Self.blocked(architecture, parameters, x, noise: noise, blocks: blocks)
      for _ in 0..<3 {
        let again = Self.blocked(architecture, parameters, x, noise: noise, blocks: blocks)
        #expect(again.loss == first.loss && again.gradient == first.gradient && again.fired == first.fired, "\(architecture.kind) S=\(blocks)")
      }
    }
  }

  @Test("training with batch blocks is a function of the seed and S; BatchTopK ignores S") func training() {
    let world = TestSupport.sparseWorld(n: 512, m: 6, k: 6, p: 0.2, seed: 3)
    func run(_ architecture: any SAEArchitecture, blocks: Int) -> [Float] {
      Trainer.train(TrainingConfiguration(architecture: architecture, width: 8, batchSize: 64, steps: 30, learningRate: 1e-2, seed: 1,
                                          batchBlocks: blocks), data: world.x).autoencoder.parameters.values
    }
    let relu = ReLUL1Architecture(l1Coefficient: 0.1)
    #expect(run(relu, blocks: 2) == run(relu, blocks: 2))
    #expect(run(relu, blocks: 2) != run(relu, blocks: 1), "the block sums round differently, so S is part of the result")
    let batchTopK = BatchTopKArchitecture(k: 2)
    #expect(run(batchTopK, blocks: 2) == run(batchTopK, blocks: 1))
    let invalid = TrainingConfiguration(architecture: relu, width: 8, batchSize: 64, steps: 1, learningRate: 1e-2, batchBlocks: 65)
    #expect(Trainer.validate(invalid, rows: 512)?.description.contains("The 'batchBlocks' parameter of Trainer must be in 1...64") == true)
  }
}
