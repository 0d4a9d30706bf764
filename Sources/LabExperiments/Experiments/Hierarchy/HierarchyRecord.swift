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
