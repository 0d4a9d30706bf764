import LabChecks
import LabNumerics
import LabFormats
import LabSolvers

/// The JSON written by `lab check`: every field of ``StationarityAssessment`` at the top level
/// (the public contract), plus where the inputs came from and, for given codes, the verdict at a
/// second activity threshold.
public struct CheckRecord: Encodable, Sendable {
  /// The input files and how they were read.
  public struct Inputs: Encodable, Sendable {
    public var data: String
    public var dictionary: String
    public var bias: String?
    public var codes: String?
    /// `float32` if any file was single precision (then ε = 10⁻⁵·scale), else `float64`.
    public var precision: NumPyArray.ElementType
    /// Whether the atoms were rescaled to unit norm (`--normalize`).
    public var normalized: Bool
    /// With `--sae`: which objective the SAE is checked against and where λ came from (THEORY §9).
    public var objective: String?

    /// Records the input paths and how they were read.
    public init(data: String, dictionary: String, bias: String?, codes: String?, precision: NumPyArray.ElementType, normalized: Bool,
                objective: String? = nil) {
      self.objective = objective
      self.data = data
      self.dictionary = dictionary
      self.bias = bias
      self.codes = codes
      self.precision = precision
      self.normalized = normalized
    }
  }

  /// The verdict at τ_z = 10⁻⁶·max z (max |z| for signed codes), reported beside τ_z = 0 for codes from a trained model (THEORY §5.1).
  public struct ThresholdSensitivity: Encodable, Sendable {
    public var activityThreshold: Double
    public var verdict: Verdict
    public var lpK: Double?
    public var lpR: Double?
    public var codeViolation: Double
  }

  /// With `--sae`: the factorisation view, the same checks on the SAE's own encoder codes (THEORY §9).
  public struct EncoderView: Codable, Sendable {
    public var verdict: Verdict
    public var lpK: Double?
    public var lpR: Double?
    public var kkt: StationarityAssessment.KKT
    /// Failing pairs, absent when the pairs were not measured (more atoms than the streaming checks pair).
    public var failingPairs: Int?
    public var loss: Double
  }

  /// The checks at the requested activity threshold.
  public var assessment: StationarityAssessment
  /// The input files.
  public var inputs: Inputs
  /// `given` (from `--codes`) or `exact-lasso` (computed by the active-set lasso).
  public var codes: String
  /// The verdict at the second threshold, when the codes were given.
  public var thresholdSensitivity: ThresholdSensitivity?
  /// SparseLab, GLPK and OpenBLAS versions.
  public var versions: [String: String]
  /// With `--sae`: the verdict on the SAE's own codes beside the one on re-optimised codes.
  public var encoderCodes: EncoderView?

  private enum Keys: String, CodingKey { case inputs, codes, thresholdSensitivity, versions, encoderCodes }

  public func encode(to encoder: any Encoder) throws {
    try assessment.encode(to: encoder)
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(inputs, forKey: .inputs)
    try container.encode(codes, forKey: .codes)
    try container.encodeIfPresent(thresholdSensitivity, forKey: .thresholdSensitivity)
    try container.encode(versions, forKey: .versions)
    try container.encodeIfPresent(encoderCodes, forKey: .encoderCodes)
  }

  /// The verdict's ε relative to the scale for inputs read at `precision` (THEORY §5.1): 10⁻⁵ when
  /// any input was stored in float32, whose rounding LP-K reports as descents of a few 10⁻⁷, else 10⁻⁷.
  public static func relativeTolerance(for precision: NumPyArray.ElementType) -> Double {
    precision == .float32 ? Verdict.float32Tolerance : Verdict.float64Tolerance
  }

  /// τ_z for codes an SGD-trained model gave, relative to the largest code (THEORY §5.1): such codes
  /// are never exactly zero.
  public static let trainedCodeThreshold = 1e-6

  /// The first-order checks of an SAE's own codes (`codes`) on the dictionary view `inputs`, at τ_z =
  /// 10⁻⁶·max z: in memory as ``encoderView(_:plan:)`` when the dictionary view's codes fit, else in
  /// streaming passes over X's blocks (a first one for max z), with LP-K by its closed form deciding
  /// (``CheckInputs/streams``, which `lab check --streaming` sets), each batch's rows measured on
  /// `threads` workers.
  public static func encoderView(_ inputs: CheckInputs, codes: SAEEncoderCodes, plan: CheckPlan = CheckPlan(), threads: Int = 1) throws -> EncoderView {
    guard inputs.streams else {
      var view = inputs
      view.givenCodes = codes.codes(for: inputs.samples.block(0..<inputs.samples.rows))
      return try encoderView(view, plan: plan)
    }
    let x = inputs.samples, d = inputs.dictionary
    let rowsPerBatch = StreamingChecks.rowsPerBatch(atoms: d.rows)
    var largest = 0.0
    for start in stride(from: 0, to: x.rows, by: rowsPerBatch) {
      largest = max(largest, codes.codes(for: x.block(start..<min(x.rows, start + rowsPerBatch))).storage.max() ?? 0)
    }
    let stream = StreamingChecks(samples: x, dictionary: d, bias: inputs.bias, lambda: inputs.lambda,
                                 activityThreshold: trainedCodeThreshold * largest, batchSize: rowsPerBatch, threads: threads) { codes.codes(for: $0) }
    let lpK = KKTLinearProgram.solveByClosedForm(atomGradient: stream.atomGradient, biasGradient: inputs.bias == nil ? nil : stream.biasGradient,
                                                 dictionary: d, codeValue: stream.codeValue)
    let scale = Verdict.scale(lambda: inputs.lambda, codeTotal: stream.codeTotal, loss: stream.loss)
    let decision = Verdict.decide(lpK: Verdict.Evidence(lpK), lpR: .notRun("streaming mode: LP-R needs every code at once"), scale: scale,
                                  relativeTolerance: relativeTolerance(for: inputs.precision))
    return EncoderView(verdict: decision.verdict, lpK: lpK.value, lpR: nil,
                       kkt: StationarityAssessment.KKT(codeViolation: stream.kkt.codes, atomGradient: stream.kkt.atoms, biasGradient: stream.kkt.bias),
                       failingPairs: stream.pairsSkipped == nil ? stream.pairs.filter { !$0.pass }.count : nil, loss: stream.loss)
  }

  /// The first-order checks of one view of an SAE on the codes `inputs` carry — its own (norm-scaled)
  /// encoder codes (factorisation view), or exact lasso codes when none are given — at τ_z = 10⁻⁶·max z;
  /// `plan` leaves out the parts it finds too large for the machine.
  public static func encoderView(_ inputs: CheckInputs, plan: CheckPlan = CheckPlan()) throws -> EncoderView {
    let problem = inputs.problem()
    let tau = trainedCodeThreshold * (problem.codes.storage.max() ?? 0)
    let first = try StationarityAssessment.firstOrder(problem, activityThreshold: tau, relativeTolerance: relativeTolerance(for: inputs.precision),
                                                      plan: plan)
    let r = first.residuals
    return EncoderView(verdict: first.verdict, lpK: first.lpKValue, lpR: first.lpR.flatMap { $0.value.isFinite ? $0.value : nil },
                       kkt: StationarityAssessment.KKT(codeViolation: r.codes, atomGradient: r.atoms, biasGradient: r.bias),
                       failingPairs: PairCondition.all(in: problem, activityThreshold: tau).filter { !$0.pass }.count, loss: problem.loss)
  }

  /// What `lab check` computed: the record, the candidate with its codes when they were held in
  /// memory (the figures need them), and the confirmed descent step when there is one (`--save-move`).
  public struct Outcome: Sendable {
    /// The record.
    public var record: CheckRecord
    /// The candidate, `nil` in streaming mode.
    public var problem: SparseCodingProblem?
    /// The candidate moved by the confirmed descent step.
    public var move: SparseCodingProblem?
  }

  /// Runs the checks on the loaded inputs in the order of `plan` (and, for given codes, the verdict
  /// at τ_z = 10⁻⁶·max z); a candidate too large for the dense codes, or any candidate whose
  /// streaming was requested (``CheckInputs/streams``), is checked in streaming passes over X's blocks.
  public static func run(_ inputs: CheckInputs, paths: Inputs, activityThreshold tau: Double, threads: Int = 1,
                         versions: [String: String], plan: CheckPlan = CheckPlan(),
                         progress: (String) -> Void = { _ in }) throws -> Outcome {
    let tolerance = relativeTolerance(for: inputs.precision)
    if inputs.streams {
      progress("streaming passes over N = \(inputs.samples.rows) points (K = \(inputs.dictionary.rows))")
      let assessment = StationarityAssessment.assessStreaming(samples: inputs.samples, dictionary: inputs.dictionary, bias: inputs.bias,
                                                              lambda: inputs.lambda, activityThreshold: tau, relativeTolerance: tolerance,
                                                              threads: threads)
      return Outcome(record: CheckRecord(assessment: assessment, inputs: paths, codes: "exact-lasso", thresholdSensitivity: nil,
                                         versions: versions, encoderCodes: nil), problem: nil, move: nil)
    }
    progress(inputs.codesGiven ? "reading the given codes" : "exact lasso codes (N = \(inputs.samples.rows), K = \(inputs.dictionary.rows))")
    let problem = inputs.problem()
    let (assessment, move) = try StationarityAssessment.assessWithMove(problem, activityThreshold: tau, relativeTolerance: tolerance, plan: plan,
                                                                       progress: progress)
    var sensitivity: ThresholdSensitivity?
    let largest = problem.codes.storage.map(abs).max() ?? 0
    if inputs.codesGiven, largest > 0 {
      let second = trainedCodeThreshold * largest
      progress("the verdict at τ_z = \(Threshold.number(trainedCodeThreshold))·max z")
      let other = try StationarityAssessment.firstOrder(problem, activityThreshold: second, relativeTolerance: tolerance, plan: plan)
      sensitivity = ThresholdSensitivity(activityThreshold: second, verdict: other.verdict, lpK: other.lpKValue,
                                         lpR: other.lpR.flatMap { $0.value.isFinite ? $0.value : nil }, codeViolation: other.residuals.codes)
    }
    return Outcome(record: CheckRecord(assessment: assessment, inputs: paths, codes: inputs.codesGiven ? "given" : "exact-lasso",
                                       thresholdSensitivity: sensitivity, versions: versions, encoderCodes: nil),
                   problem: problem, move: move)
  }
}
