import LabChecks
import LabOptimization
import LabSolvers

/// Everything the hierarchy experiment measured: the payload of its ``RunRecord``.
public struct HierarchyResults: ExperimentResults {
  public typealias Toy = HierarchyToy
  /// One entry per λ > 0 variant.
  public var variants: [VariantRecord]
  /// One entry per exact-problem case.
  public var exactCases: [ExactCaseRecord]
  /// Prediction 17: the absorption path.
  public var absorption: AbsorptionRecord
  /// Prediction 19: mop-up and single-atom tilt.
  public var mopUp: MopUpRecord
  /// Prediction 18: the random hierarchical datasets.
  public var randomDatasets: [RandomDatasetRecord]
}

/// The hierarchy experiment's run record; the Markdown report is a pure function of it.
public typealias HierarchyRecord = RunRecord<HierarchyResults>

/// One LP test as recorded.
public struct LPRecord: Codable, Sendable, Equatable {
  /// The LP value (≤ 0), or null when not solved.
  public var value: Double?
  /// The value divided by the verdict scale λΣz (THEORY §5.1).
  public var relativeValue: Double?
  /// The solver's status.
  public var status: LPSolution.Status
  /// Whether the independent verification accepted the answer.
  public var verified: Bool
  /// Duality gap recomputed by the verifier.
  public var dualityGap: Double
  /// LP size.
  public var columns: Int
  /// LP size.
  public var rows: Int
}

/// A candidate (D, b, Z) at λ > 0 and what the checks say about it.
public struct StateRecord: Codable, Sendable {
  /// L_λ.
  public var loss: Double
  /// Verdict scale λΣz.
  public var scale: Double
  /// (K1)–(K3).
  public var kkt: KKTResiduals
  /// Every ordered pair with both features used.
  public var pairs: [PairCondition]
  /// LP-K by GLPK.
  public var lpK: LPRecord
  /// LP-K by its closed form (THEORY §5.2).
  public var lpKClosedForm: Double
  /// LP-R (ω = λ).
  public var lpR: LPRecord
  /// §5.1 verdict: `descent-found` or `stationary` (or `inconclusive`).
  public var verdict: String
  /// Self-verification of the LP-K direction, when it found descent.
  public var lpKSteps: SelfVerification?
  /// Self-verification of the LP-R direction, when it found descent.
  public var lpRSteps: SelfVerification?
  /// The dictionary, rows dog, labrador, cat.
  public var dictionary: [[Double]]
  /// The bias, when the problem has one.
  public var bias: [Double]?
}

/// One λ > 0 variant: ground truth, training, trained end state.
public struct VariantRecord: Codable, Sendable {
  /// The variant as run.
  public var variant: HierarchyToy.Variant
  /// The ground-truth dictionary with exact λ-codes.
  public var groundTruth: StateRecord
  /// The trained state (exact codes).
  public var trained: StateRecord
  /// Outer iterations of block minimisation.
  public var iterations: Int
  /// Why training stopped.
  public var termination: BlockMinimization.Termination
  /// The loss after the initial codes and at about 20 evenly spaced iterations.
  public var lossHistory: [[Double]]
  /// cos(d_labrador, g_dog) at the ground truth.
  public var childParentCosineBefore: Double
  /// cos(d_labrador, g_dog) after training.
  public var childParentCosineAfter: Double
  /// cos(d_labrador, g_labrador) after training.
  public var childTruthCosineAfter: Double
  /// cos(d_dog, g_dog) after training.
  public var parentTruthCosineAfter: Double
  /// Points where the trained child atom is active.
  public var childActivePoints: Int
  /// Of those, points where the trained parent code is zero (absorption).
  public var childActiveWithoutParent: Int
  /// Ordered pairs (i, j) with ∅ ≠ A_i ⊆ A_j after training.
  public var supportInclusions: [[Int]]
  /// Σ_n h_λ(‖x_n − b‖) at the trained bias (THEORY Thm 8.1), the wide lower bound.
  public var wideBound: Double
  /// cos(d_labrador, (g_dog + g_lab)/‖·‖) after training: the child ray (fixed ratio).
  public var childRayCosineAfter: Double
}

/// One exact-problem case (prediction 16).
public struct ExactCaseRecord: Codable, Sendable {
  /// The case as run.
  public var exactCase: HierarchyToy.ExactCase
  /// Σ_n z_n at the ground truth.
  public var cost: Double
  /// Every ordered pair at the true codes.
  public var pairs: [PairCondition]
  /// The pair LP for donor labrador, receiver dog.
  public var pairLPValue: Double
  /// Its rotation a (labrador toward dog).
  public var pairLPRotation: Double
  /// Its bias shift β.
  public var pairLPBiasShift: Double
  /// Whether the pair LP answer was verified.
  public var pairLPVerified: Bool
  /// LIN (ω = 1).
  public var lin: LPRecord
  /// The LIN direction applied with per-point LP re-solves.
  public var linSteps: SelfVerification?
}

/// Where and with what a run was made. Lives only in the JSON record.
public struct Provenance: Codable, Sendable {
  /// SparseLab version.
  public var labVersion: String
  /// GLPK version.
  public var glpkVersion: String
  /// OpenBLAS build configuration.
  public var blasConfiguration: String
  /// BLAS threads.
  public var blasThreads: Int
  /// Start time, ISO 8601.
  public var startedAt: String
  /// Wall time of the run in seconds.
  public var wallSeconds: Double
  /// The command line.
  public var command: String

  /// Records where and with what a run was made.
  public init(labVersion: String, glpkVersion: String, blasConfiguration: String, blasThreads: Int,
              startedAt: String, wallSeconds: Double, command: String) {
    self.labVersion = labVersion
    self.glpkVersion = glpkVersion
    self.blasConfiguration = blasConfiguration
    self.blasThreads = blasThreads
    self.startedAt = startedAt
    self.wallSeconds = wallSeconds
    self.command = command
  }
}
