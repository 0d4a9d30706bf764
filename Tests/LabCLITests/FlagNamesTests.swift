import LabTraining
import Testing

@testable import lab

/// The training library names its parameters; `lab train` names them by its options.
@Suite("Library parameters and lab's options")
struct FlagNamesTests {
  /// A valid configuration, changed by `change`.
  static func configuration(_ change: (inout TrainingConfiguration) -> Void) -> TrainingConfiguration {
    var configuration = TrainingConfiguration(architecture: TopKArchitecture(k: 2), width: 8, batchSize: 16, steps: 10, learningRate: 1e-3)
    change(&configuration)
    return configuration
  }

  /// One invalid value of every parameter `Trainer.validate` checks, with the option that sets it.
  static let invalid: [(option: String, configuration: TrainingConfiguration)] = [
    ("--width", configuration { $0.width = 0 }), ("--batch", configuration { $0.batchSize = 0 }),
    ("--steps", configuration { $0.steps = 0 }), ("--lr", configuration { $0.learningRate = -1 }),
    ("--l1-warmup", configuration { $0.l1WarmupSteps = -1 }), ("--clip", configuration { $0.gradientClipNorm = 0 }),
    ("--resample-every", configuration { $0.resampleInterval = 0 }), ("--threads", configuration { $0.batchBlocks = 17 }),
    ("--dead-window", configuration { $0.deadWindow = -1 }), ("--aux-k", configuration { $0.auxK = 9 }),
    ("--aux-k", configuration { $0.architecture = ReLUL1Architecture(l1Coefficient: 1); $0.auxK = 2 }),
    ("--aux-coefficient", configuration { $0.auxK = 2; $0.auxCoefficient = -1 }),
  ]

  @Test("Every training error names the parameter in the library's one format, and lab train names its option instead",
        arguments: invalid.indices)
  func trainerParameters(_ index: Int) throws {
    let (option, configuration) = Self.invalid[index]
    let error = try #require(Trainer.validate(configuration, rows: 100))
    #expect(error.description.hasPrefix("The '") && error.description.contains(" parameter of Trainer must be ")
      && error.description.contains(". Got ") && !error.description.contains("--"), "\(error)")
    let shown = Train.flags.rewrite(error)
    #expect(shown.hasPrefix("'\(option)' must be ") && !shown.contains("parameter of"), "\(shown)")
  }

  @Test("The deep architecture's parameters are mapped too", arguments: [
    (DeepSAEArchitecture(k: 9, encoderHidden: [], decoderHidden: []), "--k"),
    (DeepSAEArchitecture(k: 2, encoderHidden: [3], decoderHidden: []), "--hidden-layers"),
    (DeepSAEArchitecture(k: 2, encoderHidden: [], decoderHidden: [0]), "--decoder-layers"),
    (DeepSAEArchitecture(k: 2, encoderHidden: [], decoderHidden: [], inputScale: 0), "--input-scale"),
    (DeepSAEArchitecture(k: 2, encoderHidden: [], decoderHidden: [], weightDecay: -1), "--weight-decay"),
  ])
  func deepParameters(_ architecture: DeepSAEArchitecture, _ option: String) throws {
    let error = try #require(architecture.validate(inputDimension: 4, width: 8))
    #expect(!error.description.contains("--"))
    #expect(Train.flags.rewrite(error).hasPrefix("'\(option)' must be "), "\(Train.flags.rewrite(error))")
  }

  @Test("A parameter a command does not map, and text outside the format, are left as they are")
  func unmapped() {
    let flags: FlagNames = ["lambda": "--lambda"]
    #expect(flags.rewrite("The 'lambda' parameter of SparseEncoder must be > 0. Got 0.0 instead.") == "'--lambda' must be > 0. Got 0.0 instead.")
    #expect(flags.rewrite("The 'tolerance' parameter of SparseEncoder must be > 0. Got 0.0 instead.")
      == "The 'tolerance' parameter of SparseEncoder must be > 0. Got 0.0 instead.")
    #expect(flags.rewrite("X.npy: 'lambda' is 0") == "X.npy: 'lambda' is 0")
  }

  @Test("lab encode names --k for the encoder's activeCount")
  func encodeActiveCount() {
    #expect(Encode.flags.rewrite("The 'activeCount' parameter of SparseEncoder must be in 1...6 (the atom count). Got 9 instead.")
      == "'--k' must be in 1...6 (the atom count). Got 9 instead.")
  }

  /// Invalid architecture options, each with the option the error must name and the kind.
  static let invalidArchitectures: [(kind: ArchitectureKind, options: ArchitectureOptions, option: String)] = [
    (.topK, ArchitectureOptions(), "--k"), (.topK, ArchitectureOptions(k: 99), "--k"), (.nsae, ArchitectureOptions(k: 3), "--k"),
    (.nsae, ArchitectureOptions(alpha: 1, noiseSigma: -1), "--noise-sigma"), (.reluL1, ArchitectureOptions(l1: 1, k: 2), "--l1"),
    (.reluL1Unit, ArchitectureOptions(l1: -.infinity), "--l1"), (.matryoshka, ArchitectureOptions(k: 2, prefixes: [4, 3]), "--prefixes"),
  ]

  @Test("Every architecture error names the parameter in the library's format, and lab train names its options instead",
        arguments: invalidArchitectures.indices)
  func architectureParameters(_ index: Int) throws {
    let (kind, options, option) = Self.invalidArchitectures[index]
    guard case .failure(let error) = ArchitectureRegistry.make(kind: kind, options: options, width: 8) else {
      Issue.record("\(kind) accepted \(options)")
      return
    }
    #expect("\(error)".hasPrefix("The '") && "\(error)".contains(" parameter of ArchitectureRegistry must be "), "\(error)")
    #expect(!"\(error)".contains("'--"), "a library error names no option: \(error)")
    let shown = Train.flags.rewrite(error)
    #expect(shown.hasPrefix("'\(option)' must be "), "\(shown)")
    #expect(!shown.contains("parameter of"), "\(shown)")
  }
}
