import LabGenerators
import LabTraining

/// The declarative description of the synth-bench experiment (`toys/synth-bench.json`): the
/// SynthSAEBench protocol (Chanin & Garriga-Alonso, arXiv 2602.14687; sae-lens 6.54
/// `sae_lens/synthetic/`) as a sweep — every architecture of ``architectures`` at every target L0
/// of ``targetL0s`` on ``Configuration/replicates`` independent seeds, each SAE trained on samples
/// streamed from the world (never stored) and scored with SynthSAEBench's metrics on fresh
/// held-out samples.
///
/// The toy documents three configurations of the same generator family and runs the one named by
/// ``configuration``: `published` (SynthSAEBench-16k's sizes and recipe; for a cluster, through
/// `--sweep --shard`), `reduced` (scaled down to about an hour on two cores; the committed report)
/// and `quick` (`--quick`, for CI).
public struct SynthBenchToy: ExperimentToy {
  /// The SAE architectures of the protocol, by the names `lab train --arch` takes.
  public enum Architecture: String, NamedCase, CustomStringConvertible {
    /// "Standard L1": ReLU-L1 whose coefficient a target-L0 controller steers.
    case standardL1 = "relu-l1"
    /// BatchTopK with k = the target L0.
    case batchTopK = "batchtopk"
    /// Matryoshka BatchTopK with the configuration's inner widths.
    case matryoshka
    /// JumpReLU whose sparsity coefficient a target-L0 controller steers.
    case jumpReLU = "jumprelu"
    /// Matching pursuit with at most target-L0 iterations.
    case matchingPursuit = "matching-pursuit"

    public var description: String { rawValue }

    /// The name the published table uses.
    public var publishedName: String {
      switch self {
      case .standardL1: "Standard L1"
      case .batchTopK: "BatchTopK"
      case .matryoshka: "Matryoshka"
      case .jumpReLU: "JumpReLU"
      case .matchingPursuit: "Matching Pursuit"
      }
    }

    /// The `lab train` kind.
    var kind: ArchitectureKind { ArchitectureKind(rawValue: rawValue)! }

    /// Whether training selects the batch-wide top k·B (saved and evaluated with the JumpReLU threshold instead).
    var selectsBatchTopK: Bool { self == .batchTopK || self == .matryoshka }
  }

  /// The configurations the toy documents.
  public enum ConfigurationName: String, NamedCase, CustomStringConvertible {
    /// SynthSAEBench-16k's sizes and recipe (16,384 features in 768 dimensions, width 4096, 200M samples).
    case published
    /// The same generator family scaled down to about an hour of two CPU cores.
    case reduced
    /// The CI configuration (`--quick`).
    case quick

    public var description: String { rawValue }
  }

  /// One configuration: the world, the SAEs' size and recipe, the evaluation and the seeds.
  public struct Configuration: Codable, Equatable, Sendable {
    /// The world (SAELens's synthetic-model family: Zipf firing, a forest of mutually exclusive
    /// children scaled by their parent, low-rank correlation).
    public var world: TreeWorld
    /// Latents of every SAE.
    public var width: Int
    /// Matryoshka's inner widths (strictly increasing, below the width).
    public var prefixes: [Int]
    /// Rows per step.
    public var batchSize: Int
    /// Training samples per SAE (a multiple of the batch size), streamed from the world.
    public var trainingSamples: Int
    /// Adam's learning rate.
    public var learningRate: Double
    /// JumpReLU's thresholds learn at this multiple of ``learningRate`` (1: as sae-lens). Adam moves
    /// a threshold by about its learning rate per step, so a run of S steps moves it at most about
    /// factor · lr · S: the published 195k steps at 3·10⁻⁴ go far, a short run does not.
    public var thresholdLearningRateFactor: Double
    /// Fresh held-out samples every metric is computed on.
    public var evaluationSamples: Int
    /// Independent seeds (world, samples and initialisation re-drawn) each finding is decided over.
    public var replicates: Int

    /// Optimiser steps per SAE.
    public var steps: Int { trainingSamples / max(1, batchSize) }
  }

  /// The three documented configurations.
  public struct Configurations: Codable, Equatable, Sendable {
    public var published: Configuration
    public var reduced: Configuration
    public var quick: Configuration

    /// The configuration named `name`.
    public subscript(name: ConfigurationName) -> Configuration {
      switch name {
      case .published: published
      case .reduced: reduced
      case .quick: quick
      }
    }
  }

  public var id: String
  /// Registered experiment kind; `synth-bench`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  /// The configuration this run uses.
  public var configuration: ConfigurationName
  /// Every documented configuration.
  public var configurations: Configurations
  /// The architectures compared, in the order of the published table.
  public var architectures: [Architecture]
  /// The target L0s (strictly increasing; the published comparison is at 25).
  public var targetL0s: [Int]

  /// The configuration of this run.
  public var active: Configuration { configurations[configuration] }

  /// The target L0 of the published table.
  public static let publishedL0 = 25

  /// SynthSAEBench-16k's magnitudes, firing law and forest rules, at another size.
  static func world(features: Int, dimension: Int, roots: Int, minimumFiring: Double) -> TreeWorld {
    TreeWorld(featureCount: features, firing: .zipf(exponent: 0.5, max: 0.4, min: minimumFiring),
              magnitude: MagnitudeModel(mean: .linear(start: 5, end: 4), standardDeviation: .foldedNormal(mean: 0.5, standardDeviation: 0.5, min: nil, max: nil),
                                        rule: .rectified),
              correlation: CorrelationSpec(kind: "low-rank", rank: 25, scale: 0.1),
              hierarchy: HierarchySpec(roots: roots, branching: [4, 4], depth: 3, mutuallyExclusivePortion: 1, scaleChildrenByParent: true,
                                       exclusion: .atMostOne, compensateProbabilities: true),
              embedding: Embedding(inputDimension: dimension, bias: 0.5))
  }

  public static let `default` = SynthBenchToy(
    id: "synth-bench", kind: "synth-bench",
    title: "SynthSAEBench: five SAE architectures × target L0 on a SynthSAEBench-like world, beside the published table",
    claim: "SynthSAEBench (Chanin & Garriga-Alonso 2026, arXiv 2602.14687) at L0 = 25 on SynthSAEBench-16k: Matryoshka BatchTopK has the best F1 (0.879), BatchTopK and JumpReLU follow (0.732), Standard L1 (0.556) and Matching Pursuit (0.446) are worst while Matching Pursuit explains the most variance (0.835); and L0 mediates a precision–recall trade-off.",
    seed: 20_261_218,
    configuration: .reduced,
    configurations: Configurations(
      published: Configuration(world: world(features: 16_384, dimension: 768, roots: 128, minimumFiring: 5e-4), width: 4096,
                               prefixes: [128, 512, 2048], batchSize: 1024, trainingSamples: 200_000_512, learningRate: 3e-4, thresholdLearningRateFactor: 1,
                               evaluationSamples: 100_000, replicates: 5),
      reduced: Configuration(world: world(features: 1024, dimension: 192, roots: 8, minimumFiring: 0.075), width: 256,
                             prefixes: [8, 32, 128], batchSize: 256, trainingSamples: 256_000, learningRate: 1e-3, thresholdLearningRateFactor: 30,
                             evaluationSamples: 10_000, replicates: 5),
      quick: Configuration(world: world(features: 1024, dimension: 192, roots: 8, minimumFiring: 0.075), width: 128,
                           prefixes: [4, 16, 64], batchSize: 64, trainingSamples: 128_000, learningRate: 1e-3, thresholdLearningRateFactor: 30,
                           evaluationSamples: 2000, replicates: 5)),
    architectures: Architecture.allCases, targetL0s: [15, 20, 25, 30, 35])

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "synth-bench" { found.append("'kind' must be \"synth-bench\", got \"\(kind)\"") }
    for name in ConfigurationName.allCases {
      found += Self.problems(configurations[name], field: "configurations.\(name)", largestL0: targetL0s.max() ?? 1)
    }
    if architectures.isEmpty || Set(architectures).count != architectures.count {
      found.append("'architectures' must be distinct names of \(Architecture.allCases.map(\.rawValue)), got \(architectures.map(\.rawValue))")
    }
    if targetL0s.isEmpty || targetL0s != targetL0s.sorted() || Set(targetL0s).count != targetL0s.count || !targetL0s.allSatisfy({ (1...1024).contains($0) }) {
      found.append("'targetL0s' must be strictly increasing integers in 1...1024, got \(targetL0s)")
    }
    return found
  }

  /// The problems of one configuration, each naming `field`.
  static func problems(_ c: Configuration, field: String, largestL0: Int) -> [String] {
    var found = c.world.problems().map { "'\(field).world': \($0)" }
    var check = ToyProblems()
    check.count("\(field).width", c.width, from: max(1, largestL0), to: 65_536)
    check.count("\(field).batchSize", c.batchSize, 1...65_536)
    check.count("\(field).trainingSamples", c.trainingSamples, from: max(1, c.batchSize), to: 1_000_000_000_000)
    check.count("\(field).evaluationSamples", c.evaluationSamples, 100...100_000_000)
    found += check.found
    if c.batchSize >= 1 && c.trainingSamples % c.batchSize != 0 {
      found.append("'\(field).trainingSamples' must be a multiple of '\(field).batchSize' (\(c.batchSize)), got \(c.trainingSamples)")
    }
    if c.prefixes.isEmpty || c.prefixes[0] < 1 || !zip(c.prefixes, c.prefixes.dropFirst()).allSatisfy({ $0 < $1 }) || c.prefixes.last! >= c.width {
      found.append("'\(field).prefixes' must be strictly increasing widths in 1...\(c.width - 1), got \(c.prefixes)")
    }
    if !(c.learningRate.isFinite && c.learningRate > 0 && c.learningRate < 1) {
      found.append("'\(field).learningRate' must be in (0, 1), got \(c.learningRate)")
    }
    if !(c.thresholdLearningRateFactor.isFinite && c.thresholdLearningRateFactor > 0 && c.learningRate * c.thresholdLearningRateFactor < 1) {
      found.append("'\(field).thresholdLearningRateFactor' must be > 0 with learningRate × factor below 1, got \(c.thresholdLearningRateFactor)")
    }
    if let problem = Replicates.problem(c.replicates) { found.append("'\(field).replicates': \(problem)") }
    return found
  }

  /// `--quick`: the quick configuration, at the smallest, the compared and the largest target L0 only.
  public func quick() -> SynthBenchToy {
    var toy = self
    toy.configuration = .quick
    guard !targetL0s.isEmpty else { return toy }
    toy.targetL0s = Array(Set([targetL0s.first, targetL0s.last, SynthBenchVerdict.comparisonL0(self)].compactMap { $0 })).sorted()
    return toy
  }
}
