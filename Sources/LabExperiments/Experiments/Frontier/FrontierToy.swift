import LabGenerators

/// The declarative description of the frontier experiment (`toys/frontier.json`): the L0–MSE
/// frontier of shallow, deep-encoder and deep-encoder + decoder SAEs at matched L0 (TopK with the
/// same k), as in the deep-SAE post (seeds/000).
public struct FrontierToy: ReplicableToy {
  /// The training shared by the three architectures (the post: sparse Adam, learning rate 4e−3).
  public struct Training: Codable, Equatable, Sendable {
    public var width: Int
    public var batchSize: Int
    public var steps: Int
    public var learningRate: Double
    public var sparseAdam: Bool
    public var inputScale: Double
    public var weightDecay: Double
    /// Steps between two plateau tests: training stops once the validation MSE of a window is
    /// not lower than the previous window's by more than `plateauTolerance` (relative), or at `steps`.
    public var plateauWindow: Int
    /// The relative improvement per window below which the loss has reached its plateau.
    public var plateauTolerance: Double
  }

  public var id: String
  /// Registered experiment kind; `frontier`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  /// The generated world the SAEs are trained on.
  public var world: IndependentWorld
  /// How far each feature bends: feature i with magnitude a adds a·u_i + curvature·a²·v_i (u_i,
  /// v_i random unit directions), a curved one-dimensional manifold; 0 is the linear world.
  public var curvature: Double
  /// Training rows.
  public var sampleCount: Int
  /// Rows of each of two further draws: the validation rows that detect the plateau, and the
  /// held-out rows every metric is measured on.
  public var heldOutCount: Int
  /// The sparsities compared (TopK k, hence L0 ≤ k for every architecture).
  public var ks: [Int]
  /// The width of the hidden decoder layer of the deep-encoder + decoder SAE (the hidden encoder
  /// layer has the input's width, as the residual requires).
  public var decoderHiddenWidth: Int
  public var training: Training
  /// Independent seeds each finding is decided over (the whole sweep is repeated on each).
  public var replicates: Int

  public static let `default` = FrontierToy(
    id: "frontier", kind: "frontier",
    title: "The L0–MSE frontier of shallow and deep SAEs at matched L0",
    claim: "Deep-SAE post (seeds/000, Fig. 1): adding hidden layers to an SAE — one hidden encoder layer (tanh, LayerNorm, residual), and optionally one hidden decoder layer (ReLU) before a unit-norm decoder — improves the L0–MSE frontier over the shallow SAE.",
    seed: 20_261_205,
    world: IndependentWorld(featureCount: 48, firing: .zipf(exponent: 1, max: 0.2, min: 0.02),
                            magnitude: MagnitudeModel(mean: .constant(1), standardDeviation: .constant(0.4)),
                            embedding: Embedding(inputDimension: 16)),
    curvature: 1, sampleCount: 8192, heldOutCount: 2048, ks: [1, 2, 4, 8], decoderHiddenWidth: 32,
    training: Training(width: 64, batchSize: 128, steps: 6000, learningRate: 4e-3, sparseAdam: true, inputScale: 1, weightDecay: 5e-4,
                       plateauWindow: 300, plateauTolerance: 0.01),
    replicates: 5)

  public func problems() -> [String] {
    var found: [String] = []
    if kind != "frontier" { found.append("'kind' must be \"frontier\", got \"\(kind)\"") }
    var check = ToyProblems()
    check.count("sampleCount", sampleCount, 2...1_000_000)
    check.count("heldOutCount", heldOutCount, 2...1_000_000)
    check.count("training.plateauWindow", training.plateauWindow, 1...max(1, training.steps))
    if !(curvature >= 0 && curvature <= 100) { found.append("'curvature' must be in 0...100, got \(curvature)") }
    if !(training.plateauTolerance >= 0 && training.plateauTolerance < 1) {
      found.append("'training.plateauTolerance' must be in [0, 1), got \(training.plateauTolerance)")
    }
    check.count("decoderHiddenWidth", decoderHiddenWidth, 1...100_000)
    check.count("training.width", training.width, 1...100_000)
    check.count("training.batchSize", training.batchSize, 1...max(1, sampleCount))
    check.count("training.steps", training.steps, 1...10_000_000)
    check.positive("training.learningRate", training.learningRate)
    check.positive("training.inputScale", training.inputScale)
    if !(training.weightDecay >= 0 && training.weightDecay.isFinite) { found.append("'training.weightDecay' must be a finite number ≥ 0, got \(training.weightDecay)") }
    if ks.isEmpty || !ks.allSatisfy({ (1...max(1, training.width)).contains($0) }) || ks != ks.sorted() || Set(ks).count != ks.count {
      found.append("'ks' must be increasing sizes in 1...\(training.width) (the width), got \(ks)")
    }
    found += world.problems().map { "world: \($0)" }
    if let problem = Replicates.problem(replicates) { found.append(problem) }
    return check.found + found
  }
}

extension FrontierToy {
  /// `--quick`: the two smallest sparsities, a quarter of the training rows and half the held-out
  /// rows; every SAE still trains to its plateau (or the same step cap), on every seed.
  public func quick() -> FrontierToy {
    var toy = self
    toy.ks = Array(ks.prefix(2))
    toy.sampleCount = max(training.batchSize, sampleCount / 4)
    toy.heldOutCount = max(2, heldOutCount / 2)
    return toy
  }
}
