import LabNumerics
import LabRandom
import LabTestSupport
import LabTraining
import Testing

/// JumpReLU steered by the target-L0 controller in a short run (1,000 steps, not the published
/// 195k), built as `lab train --arch jumprelu --k K` builds it, and configured as the synth-bench
/// experiment's reduced and quick configurations configure it (the controller starting at sae-lens's
/// `l0_coefficient` default in the data's units, the thresholds learning at 30 × the weights' rate).
///
/// Held-out L0 is measured on fresh samples of the training world: rows drawn after the training
/// rows from the same generator, so from the same 64 feature directions. (This suite used to draw
/// its held-out rows from another seed, which drew another dictionary: an SAE evaluated on a world
/// it was not trained on fires less, which is what the "undershoot" it recorded as a known issue
/// was — 1.5, 4.4 and 8.5 for 4, 8 and 12 with synth-bench's settings, which reach 4.2, 7.9 and
/// 12.2 on the training world's own samples.)
@Suite struct JumpReLUTargetL0Tests {
  /// `rows` samples of a planted sparse model: `features` unit directions in `dimension`, each firing
  /// with probability `firing` at a magnitude uniform in [4, 5) (SynthSAEBench's magnitudes run from 5 to 4).
  static func data(rows: Int, features: Int, dimension: Int, firing: Double, seed: UInt64) -> Matrix<Float> {
    var g = SeedTree(root: seed).generator(for: "planted")
    let d = RandomMatrices.unitDictionary(atoms: features, dimension: dimension, &g)
    var storage = [Float](repeating: 0, count: rows * dimension)
    for row in 0..<rows {
      for k in 0..<features where g.nextUniform() < firing {
        let a = 4 + g.nextUniform()
        for j in 0..<dimension { storage[row * dimension + j] += Float(a * d[k, j]) }
      }
    }
    return Matrix(rows: rows, columns: dimension, storage: storage)
  }

  /// The first `training` rows of one draw of the planted world (64 features of mean L0 8 in 32
  /// dimensions) for training, and the `heldOut` rows after them.
  static func world(training: Int, heldOut: Int) -> (training: Matrix<Float>, heldOut: Matrix<Float>) {
    let m = 32
    let all = data(rows: training + heldOut, features: 64, dimension: m, firing: 8.0 / 64, seed: 11)
    return (Matrix(rows: training, columns: m, storage: Array(all.storage[..<(training * m)])),
            Matrix(rows: heldOut, columns: m, storage: Array(all.storage[(training * m)...])))
  }

  /// The mean number of nonzero codes of `autoencoder` (as it encodes at inference) on `x`.
  static func meanL0(_ autoencoder: SparseAutoencoder<Float>, _ x: Matrix<Float>) -> Double {
    Double(autoencoder.encode(x).storage.filter { $0 != 0 }.count) / Double(x.rows)
  }

  /// The held-out L0 after 1,000 steps of batch 32 at learning rate 1e-3 with `architecture` (width 64).
  static func heldOutL0(_ architecture: any SAEArchitecture) -> Double {
    let (width, batch, steps) = (64, 32, 1000)
    let (training, heldOut) = world(training: batch * steps, heldOut: 2000)
    let configuration = TrainingConfiguration(architecture: architecture, width: width, batchSize: batch, steps: steps, learningRate: 1e-3, seed: 5)
    return meanL0(Trainer.train(configuration, data: training).autoencoder, heldOut)
  }

  @Test("lab train's short JumpReLU run with a target L0 ends within the synth-bench tolerance (20 %) of the target, for several targets",
        arguments: [4, 8, 12])
  func labTrainReachesTarget(_ target: Int) throws {
    let jumpReLU = try ArchitectureRegistry.make(kind: .jumpReLU, options: ArchitectureOptions(k: target), width: 64).get()
    let l0 = Self.heldOutL0(jumpReLU)
    #expect(abs(l0 - Double(target)) / Double(target) <= 0.2, "target \(target): held-out L0 \(l0)")
  }

  @Test("synth-bench's short JumpReLU run with a target L0 ends within its tolerance (20 %) of the target, for several targets",
        arguments: [4, 8, 12])
  func synthBenchSettingsReachTarget(_ target: Int) {
    let controller = TargetL0Controller(target: target, initialCoefficient: JumpReLUTrainingArchitecture.initialCoefficient)
    let jumpReLU = JumpReLUTrainingArchitecture(width: 64, coefficient: controller.coefficient, controller: controller,
                                                thresholdLearningRateFactor: 30)
    let l0 = Self.heldOutL0(jumpReLU)
    #expect(abs(l0 - Double(target)) / Double(target) <= 0.2, "target \(target): held-out L0 \(l0)")
  }
}
