import ArgumentParser
import LabNumerics
import LabSolvers

/// The learners `lab learn --method` knows.
enum LearnMethod: String, CaseIterable, ExpressibleByArgument {
  /// Online mini-batch learning (``OnlineDictionaryLearning``), the default: scales to large N.
  case online
  /// Exact full-batch block minimisation (``BlockMinimization``, THEORY §5.8).
  case block
  /// The method of optimal directions (``MethodOfOptimalDirections``).
  case mod

  /// The options of one `lab learn` run that every learner reads.
  struct Settings {
    var epochs: Int
    var batch: Int
    var memory: SurrogateMemory
    var escapes: Bool
    var seed: UInt64
    var threads: Int
    var timeLimit: Double?
    /// The clock of `timeLimit`, started when `lab learn` began (so loading and the initial dictionary count).
    var deadline: LearningDeadline?
    var continuing: Bool
  }

  /// Runs the learner; `epochs` is passes over the data (outer iterations for block and MOD).
  /// `progress` receives the online learner's mini-batches done and their total, and a label.
  func fit(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, lambda: Double,
           settings: Settings, progress: ((_ done: Int, _ total: Int, _ label: String) -> Void)? = nil) -> LearningResult {
    switch self {
    case .online:
      let configuration = OnlineDictionaryLearning.Configuration(
        epochs: settings.epochs, batchSize: settings.batch, timeLimit: settings.timeLimit, threads: settings.threads,
        continuesFromInitialState: settings.continuing, memory: settings.memory, escapes: settings.escapes)
      let observer = progress.map { report in
        { (state: OnlineDictionaryLearning.Progress) in
          report((state.epoch - 1) * state.batchesPerEpoch + state.batchesInEpoch, settings.epochs * state.batchesPerEpoch,
                 "epoch \(state.epoch)/\(settings.epochs), batch \(state.batchesInEpoch)/\(state.batchesPerEpoch)")
        }
      }
      return OnlineDictionaryLearning.fit(samples: samples, initialDictionary: dictionary, initialBias: bias,
                                          lambda: lambda, seed: settings.seed, configuration: configuration, observer: observer,
                                          deadline: settings.deadline)
    case .block:
      let configuration = BlockMinimization.Configuration(
        maxIterations: settings.epochs, timeLimit: settings.timeLimit, deadAtomInterval: 1)
      return LearningResult(BlockMinimization.fit(samples: samples, initialDictionary: dictionary, initialBias: bias,
                                                  lambda: lambda, configuration: configuration, deadline: settings.deadline))
    case .mod:
      let configuration = MethodOfOptimalDirections.configuration(maxIterations: settings.epochs, timeLimit: settings.timeLimit)
      return MethodOfOptimalDirections.fit(samples: samples, initialDictionary: dictionary, initialBias: bias,
                                           lambda: lambda, configuration: configuration, deadline: settings.deadline)
    }
  }
}
