import LabNumerics
import LabRandom
import LabTraining
import PropertyBased
import Testing

/// Issue 20's finite divergence rule (``TrainingDivergence/Monitor``): a run whose mean batch loss
/// over a window exceeds ``TrainingDivergence/lossFactor`` times the first window's has diverged.
@Suite("Training divergence by loss growth")
struct TrainingDivergenceTests {
  /// Sparse nonnegative combinations of random unit directions: N × m, float32.
  static func world(points: Int, dimension: Int, features: Int, seed: UInt64) -> Matrix<Float> {
    var rng = Xoshiro256StarStar(seed: seed)
    var x = [Float](repeating: 0, count: points * dimension)
    let directions = (0..<features).map { _ -> [Double] in
      let v = (0..<dimension).map { _ in rng.nextNormal() }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return v.map { $0 / norm }
    }
    for n in 0..<points {
      for direction in directions where rng.nextBernoulli(0.2) {
        let magnitude = rng.nextUniform(in: 0.5...1.5)
        for i in 0..<dimension { x[n * dimension + i] += Float(magnitude * direction[i]) }
      }
    }
    return Matrix(rows: points, columns: dimension, storage: x)
  }

  /// Trains as `lab train` does — window by window, every step's batch loss to the monitor — and
  /// returns the first divergence, non-finite or growth, if any.
  static func divergence(_ configuration: TrainingConfiguration, data: Matrix<Float>, window: Int) -> TrainingDivergence? {
    var state = Trainer.initialState(configuration, data: data)
    var monitor = TrainingDivergence.Monitor(window: window)
    var growth: TrainingDivergence?
    while state.step < configuration.steps {
      let stop = min(configuration.steps, (state.step / window + 1) * window)
      let stopped = Trainer.run(&state, configuration, data: data, until: stop, progressInterval: 1) { progress in
        if growth == nil { growth = monitor.record(loss: Double(progress.loss.total), step: progress.step) }
      }
      if let found = stopped ?? growth { return found }
    }
    return nil
  }

  static let architectures: [any SAEArchitecture] = [ReLUL1Architecture(l1Coefficient: 0.1), TopKArchitecture(k: 2)]

  static func configuration(_ architecture: any SAEArchitecture, dimension: Int, lr: Double, seed: Int) -> TrainingConfiguration {
    TrainingConfiguration(architecture: architecture, width: 2 * dimension, batchSize: 32, steps: 200, learningRate: lr, seed: UInt64(seed))
  }

  @Test("A sane learning rate on a random world is not stopped")
  func saneNotStopped() async {
    await propertyCheck(count: 12, input: Gen.int(in: 4...8), Gen.int(in: 0...1), Gen.int(in: 0...Int(Int32.max))) { dimension, kind, seed in
      let data = Self.world(points: 256, dimension: dimension, features: dimension + 2, seed: UInt64(seed))
      let sane = Self.divergence(Self.configuration(Self.architectures[kind], dimension: dimension, lr: 1e-3, seed: seed), data: data, window: 2)
      #expect(sane == nil, "lr 1e-3 was stopped: \(sane.map(String.init(describing:)) ?? "")")
    }
  }

  /// The rule as decided compares with the first window's mean. When the loss already explodes
  /// inside the first window and then stays high without growing tenfold more, the run is not
  /// stopped: this property test found such worlds (e.g. m = 4, relu-l1, seed 173). It is kept as a
  /// known issue until the rule changes (the untrained model's first batch loss as the reference
  /// would catch it).
  @Test("An absurd learning rate on a random world is stopped (refuted for some worlds: a known issue)")
  func absurdStopped() async {
    await withKnownIssue("loss growth inside the first window inflates the reference", isIntermittent: true) {
      await propertyCheck(count: 12, input: Gen.int(in: 4...8), Gen.int(in: 0...1), Gen.int(in: 0...Int(Int32.max))) { dimension, kind, seed in
        let data = Self.world(points: 256, dimension: dimension, features: dimension + 2, seed: UInt64(seed))
        let architecture = Self.architectures[kind]
        let absurd = Self.divergence(Self.configuration(architecture, dimension: dimension, lr: 100, seed: seed), data: data, window: 2)
        #expect(absurd != nil, "lr 100 was not stopped (m = \(dimension), \(type(of: architecture)))")
        if let absurd, absurd.value == .lossGrowth {
          let first = absurd.firstWindow?.loss ?? .nan
          #expect(absurd.loss > TrainingDivergence.lossFactor * first && absurd.step % 2 == 0, "\(absurd)")
        }
      }
    }
  }

  @Test("The monitor compares window means with the first window's: tenfold is allowed, more is not")
  func monitorRule() {
    var monitor = TrainingDivergence.Monitor(window: 3)
    for (step, loss) in [1.0, 2, 3].enumerated() { #expect(monitor.record(loss: loss, step: step + 1) == nil) }
    // First window mean 2: a window of mean exactly 20 is allowed, 20.5 is not.
    for (step, loss) in [20.0, 20, 20].enumerated() { #expect(monitor.record(loss: loss, step: step + 4) == nil) }
    #expect(monitor.record(loss: 19, step: 7) == nil && monitor.record(loss: 21, step: 8) == nil)
    let stopped = monitor.record(loss: 21.5, step: 9)
    #expect(stopped?.step == 9 && stopped?.value == .lossGrowth && stopped?.loss == 61.5 / 3 && stopped?.firstWindow?.loss == 2)
    #expect(stopped?.description.contains("training diverged at step 9: the mean batch loss of its last 3 steps is 20.5, more than 10 times the first window's 2.0") == true,
            "\(stopped.map(String.init(describing:)) ?? "")")
  }
}
