import LabNumerics
import LabOptimization
import LabSolvers

/// Every check of THEORY §3–§8 on one candidate (X, D, b, Z) of P⁺_λ, as `lab check` reports it,
/// or of the signed problem P^±_λ when the problem's codes are signed (THEORY §4.6: KKT (K1±),
/// signed LP-K, LP-R and CERT, zonotope pairs and stars, λ‖Z‖₁ as the scale).
///
/// The field names are a public contract (the JSON of `lab check`): keep them stable.
public struct StationarityAssessment: Codable, Sendable {
  /// (K1)–(K3) of THEORY §3.2, in the sum units of L_λ.
  public struct KKT: Codable, Sendable, Equatable {
    /// (K1): the code condition.
    public var codeViolation: Double
    /// (K2): the largest entry of a projected atom gradient.
    public var atomGradient: Double
    /// (K3): the largest entry of the bias gradient (0 without a bias).
    public var biasGradient: Double

    /// The three residuals as reported.
    public init(codeViolation: Double, atomGradient: Double, biasGradient: Double) {
      self.codeViolation = codeViolation
      self.atomGradient = atomGradient
      self.biasGradient = biasGradient
    }
  }

  /// One LP test as reported.
  public struct LPReport: Codable, Sendable, Equatable {
    /// The optimal value, or `nil` when the LP was not run or not solved.
    public var value: Double?
    /// The solver status (`optimal`, `infeasible`, …), or `not-run`.
    public var status: String
    /// Whether the independent verifier accepted the answer.
    public var verified: Bool
    /// The duality gap recomputed by the verifier.
    public var dualityGap: Double?
    /// LP size.
    public var columns: Int
    /// LP size.
    public var rows: Int
    /// Why the LP was not run, when it was not.
    public var skipped: String?
    /// Why the answer is not verified (including the glp_exact retry), when it ran and is not.
    public var failure: String?

    init(_ test: LPTestResult) {
      failure = test.failure
      value = test.value.isFinite ? test.value : nil
      status = test.status.rawValue
      verified = test.verification.verified
      dualityGap = test.verification.dualityGap
      columns = test.size.columns
      rows = test.size.rows
    }

    init(skipped reason: String, columns: Int, rows: Int) {
      value = nil
      status = "not-run"
      verified = false
      self.columns = columns
      self.rows = rows
      skipped = reason
    }
  }

  /// LP-K: the verified value the verdict uses, its closed form (THEORY §5.2) and GLPK's solve beside.
  public struct LPKReport: Codable, Sendable, Equatable {
    /// The value the verdict uses: the verified closed-form answer, else GLPK's; `nil` when neither is optimal.
    public var value: Double?
    /// Whether that value is a verified LP answer (the independent verifier accepted it).
    public var verified: Bool
    /// Which answer `value` is.
    public var solver: LPKSolver
    /// The closed form (weighted medians).
    public var closedForm: Double
    /// The GLPK solve, the independent cross-check (not run above ``StationarityAssessment/maximumFirstOrderColumns``).
    public var glpk: LPReport
  }

  /// Which solver answered the LP-K the verdict uses.
  public enum LPKSolver: String, Codable, Sendable {
    /// The closed form of §5.2 (weighted medians), its answer checked by the verifier.
    case closedForm = "closed-form"
    /// GLPK's simplex (or its exact retry), used when the closed-form answer did not verify.
    case glpk
  }

  /// CERT of THEORY §5.4 and the duality identity CERT = −LP-R/λ.
  public struct CertReport: Codable, Sendable, Equatable {
    /// CERT's value (≥ 0), or `nil` when not solved.
    public var value: Double?
    /// The GLPK solve.
    public var glpk: LPReport
    /// |CERT + LP-R/λ|, the duality residual.
    public var dualityResidual: Double?
    /// Whether the residual is within ``dualityTolerance``·(1 + CERT) (THEORY §10 prediction 11).
    public var dualityHolds: Bool?

    /// The relative bound of the duality residual: |CERT + LP-R/λ| ≤ this·(1 + CERT).
    public static let dualityTolerance = 1e-7
  }

  /// A full star (THEORY §4.3): receiver j, donors every other used atom.
  public struct Star: Codable, Sendable, Equatable {
    /// The receiver (0-based).
    public var receiver: Int
    /// The donors (0-based).
    public var donors: [Int]
    /// The STAR LP value (≥ 0; > 10⁻⁹ fails), or `nil` when not solved.
    public var value: Double?
    /// Whether the LP answer was verified.
    public var verified: Bool
    /// Whether the star condition holds.
    public var pass: Bool
  }

  /// The descent direction of the verdict and its self-verification (THEORY §5.7).
  public struct Descent: Codable, Sendable, Equatable {
    /// Whether the verdict is descent-found.
    public var found: Bool
    /// min(LP-K, LP-R), the predicted slope of the direction tested.
    public var lpValue: Double?
    /// Which LP gave it: `lp-k` or `lp-r`.
    public var source: String?
    /// ΔL/t at t = 10⁻², 10⁻³, 10⁻⁴ (first-order codes).
    public var measuredSlopes: [Double]
    /// Every step measured, with re-optimised slopes beside.
    public var steps: [SelfVerification.Step]
    /// `confirmed`, `unconfirmable` or `failed` (§5.7 step 4); `nil` when no descent was found.
    public var outcome: String?
    /// ĉ of §5.7 step 4, the measured curvature of ΔL(t) = v t + ĉ t² + …
    public var curvature: Double?
    /// t* = 0.1|v|/|ĉ|, the largest step whose curvature error is within 10 %.
    public var largestAccurateStep: Double?

    /// No descent: nothing measured.
    static let none = Descent(found: false, lpValue: nil, source: nil, measuredSlopes: [], steps: [], outcome: nil)

    /// The descent of an LP direction with its self-verification.
    init(source: String, verification: SelfVerification) {
      found = true
      lpValue = verification.predictedSlope
      self.source = source
      steps = verification.steps
      let reported = SelfVerification.standardSteps.prefix(3)
      measuredSlopes = verification.steps.filter { reported.contains($0.t) }.map(\.slope)
      outcome = verification.outcome.rawValue
      curvature = verification.curvature
      largestAccurateStep = verification.largestAccurateStep
    }

    /// Creates the record of a descent.
    init(found: Bool, lpValue: Double?, source: String?, measuredSlopes: [Double], steps: [SelfVerification.Step], outcome: String?) {
      self.found = found
      self.lpValue = lpValue
      self.source = source
      self.measuredSlopes = measuredSlopes
      self.steps = steps
      self.outcome = outcome
    }
  }

  /// The two-donor star drawn in the report: the first failing full star (else the first), donors its first two.
  public struct TwoDonorStar: Codable, Sendable, Equatable {
    /// The receiver j.
    public var receiver: Int
    /// The two donors.
    public var donors: [Int]
    /// The STAR LP value, or `nil` when not solved.
    public var value: Double?
    /// Whether the star condition fails (value > 10⁻⁹, verified).
    public var fails: Bool
  }

  /// The L1 weight λ.
  public var lambda: Double
  /// Whether the problem has a free decoder bias.
  public var bias: Bool
  /// The activity threshold τ_z of THEORY §5.1.
  public var activityThreshold: Double
  /// ε / scale used by the verdict.
  public var relativeTolerance: Double
  /// N, m, K.
  public var samples: Int, dimension: Int, atoms: Int
  /// L_λ at the candidate.
  public var loss: Double
  /// The verdict scale λΣz (λ‖Z‖₁ for signed codes).
  public var scale: Double
  /// (K1)–(K3).
  public var kkt: KKT
  /// Every ordered pair with both features used (Cor. 4.3; signed codes: the zonotope pair of Thm 4.7).
  public var pairs: [PairCondition]
  /// Every full star with at least two donors (pairs are the one-donor stars); zonotope stars for signed codes.
  public var stars: [Star]
  /// LP-K (§5.2).
  public var lpK: LPKReport
  /// LP-R (§5.3, ω = λ).
  public var lpR: LPReport
  /// CERT (§5.4).
  public var cert: CertReport
  /// The descent direction and its measured steps.
  public var descent: Descent
  /// Exact star moves (Lemma 4.1) for the failing pairs (at most ``maximumVerifiedMoves``) and
  /// failing full stars: Σz changes by `costChange`, L_λ by λ times that (the reconstruction is kept).
  public var starMoves: [StarMove.Verification]
  /// The new-atom test (Prop. 6.7).
  public var newAtom: NewAtomTest
  /// The mop-up identity (R1) per atom and the wide-limit bound (Thm 8.3).
  public var residualRelations: ResidualRelations
  /// The §5.1 verdict: `stationary`, `descent-found` or `inconclusive`.
  public var verdict: Verdict
  /// For an inconclusive verdict: which LP could not be used, and why.
  public var undecided: String?
  /// What to do next (descent-found: the move; stationary: add an atom or nothing; inconclusive: what to try).
  public var nextStep: NextStep
  /// The parts that did not run, and why (the verdict still follows §5.1).
  public var skipped: [SkippedPart] = []
  /// The two-donor star of the report's figure, when the stars ran.
  public var twoDonorStar: TwoDonorStar?
  /// `in-memory` (every check), or `streaming` (one pass over the data; the LPs that need every
  /// code at once were not run, and the verdict rests on the exact closed form of LP-K).
  public var mode: String = "in-memory"
  /// Whether the codes are signed (problem P^±_λ) and every check is in its signed form.
  public var signed: Bool = false

  /// The largest LP-R / CERT (rows m·N + K) that is solved; larger candidates get LP-K alone.
  public static let maximumReconstructionRows = 60_000
  /// The largest LP-K (columns m·K + m + K·N) also handed to GLPK as a cross-check; the verified
  /// closed form decides at any size.
  public static let maximumFirstOrderColumns = 200_000
  /// The largest K for which the K full-star LPs are solved.
  public static let maximumStarAtoms = 64
  /// The most failing pairs whose exact star move is applied.
  public static let maximumVerifiedMoves = 20

  /// What the §5.1 verdict rests on: (K1)–(K3), LP-K (the verified closed form, GLPK where it fits), LP-R.
  public struct FirstOrder: Sendable {
    /// (K1)–(K3).
    public var residuals: KKTResiduals
    /// LP-K by its exact closed form.
    public var closedForm: Double
    /// LP-K answered by the closed form and checked by the verifier.
    public var lpKClosedForm: LPTestResult
    /// The GLPK solves, when their size and the plan allowed them.
    public var lpKGLPK: LPTestResult?, lpR: LPTestResult?
    /// Their reports (with the reason when not run).
    public var lpKReport: LPReport, lpRReport: LPReport
    /// The parts of the first-order checks that did not run.
    public var skipped: [SkippedPart]
    /// The verdict scale λΣz.
    public var scale: Double
    /// The §5.1 verdict with its source or reason.
    public var decision: Verdict.Decision
    /// The §5.1 verdict.
    public var verdict: Verdict { decision.verdict }
    /// The LP-K answer the verdict uses: the verified closed form, else a verified GLPK answer, else the closed form.
    public var lpK: LPTestResult {
      if lpKClosedForm.isTrusted { return lpKClosedForm }
      if let glpk = lpKGLPK, glpk.isTrusted { return glpk }
      return lpKClosedForm
    }
    /// Which solver gave ``lpK``.
    public var lpKSolver: LPKSolver { lpKClosedForm.isTrusted || !(lpKGLPK?.isTrusted ?? false) ? .closedForm : .glpk }
    /// The LP-K value the verdict used.
    public var lpKValue: Double? { lpK.value.isFinite ? lpK.value : nil }
    /// The test whose direction proves a descent-found verdict.
    public var descentTest: LPTestResult? {
      switch decision.source {
      case .lpK?: return lpK
      case .lpR?: return lpR
      case nil: return nil
      }
    }
  }

  /// The verdict of §5.1 and what it rests on, without the other checks: LP-K first (closed form,
  /// verified; GLPK beside where it fits), then LP-R unless a verified LP-K descent settled the
  /// verdict, the plan skips it or it is too large.
  ///
  /// `progress` is told each step by name and size before it starts (the progress bar of `lab check`).
  public static func firstOrder(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0,
                                relativeTolerance: Double = Verdict.float64Tolerance, plan: CheckPlan = CheckPlan(),
                                progress: (String) -> Void = { _ in }) throws -> FirstOrder {
    let d = problem.dictionary, z = problem.codes
    let m = d.columns, k = d.rows, n = z.rows
    let scale = Verdict.scale(lambda: problem.lambda, codeTotal: problem.codeMass, loss: problem.loss)
    let lpKColumns = m * k + m + k * n
    progress("LP-K closed form, verified (\(lpKColumns) columns, \(k) rows)")
    let closedForm = KKTLinearProgram.solveByClosedForm(problem, activityThreshold: tau)
    var skipped: [SkippedPart] = []
    var lpKGLPK: LPTestResult?
    let lpKReport: LPReport
    if lpKColumns <= maximumFirstOrderColumns {
      progress("LP-K by GLPK, the cross-check (\(lpKColumns) columns, \(k) rows)")
      let test = try KKTLinearProgram.solve(problem, activityThreshold: tau)
      lpKGLPK = test
      lpKReport = LPReport(test)
    } else {
      let reason = "more than \(maximumFirstOrderColumns) columns (m·K + m + K·N = \(lpKColumns)); the verified closed form decides"
      lpKReport = LPReport(skipped: reason, columns: lpKColumns, rows: k)
      skipped.append(SkippedPart(part: "lp-k-glpk", reason: reason))
    }
    let lpKUsed = closedForm.isTrusted ? closedForm : (lpKGLPK?.isTrusted == true ? lpKGLPK! : closedForm)
    let settled = lpKUsed.isTrusted && lpKUsed.value < -relativeTolerance * scale
    let reconstructionRows = m * n + k
    var lpR: LPTestResult?
    let lpRReport: LPReport
    let lpREvidence: Verdict.Evidence
    let sizeReason = reconstructionRows > maximumReconstructionRows
      ? "more than \(maximumReconstructionRows) rows (m·N + K = \(reconstructionRows))" : nil
    if let reason = plan.reasonToSkip(.lpR, settled: settled) ?? sizeReason {
      lpRReport = LPReport(skipped: reason, columns: lpKColumns, rows: reconstructionRows)
      skipped.append(SkippedPart(part: CheckPlan.Part.lpR.rawValue, reason: reason))
      lpREvidence = .notRun(reason)
    } else {
      progress("LP-R by GLPK (\(lpKColumns) columns, \(reconstructionRows) rows)")
      let test = try ReconstructionPreservingProgram.solve(problem, weight: problem.lambda, activityThreshold: tau)
      lpR = test
      lpRReport = LPReport(test)
      lpREvidence = Verdict.Evidence(test)
    }
    let decision = Verdict.decide(lpK: Verdict.Evidence(lpKUsed), lpR: lpREvidence, scale: scale, relativeTolerance: relativeTolerance)
    return FirstOrder(residuals: KKTResiduals(problem, activityThreshold: tau), closedForm: closedForm.value, lpKClosedForm: closedForm,
                      lpKGLPK: lpKGLPK, lpR: lpR, lpKReport: lpKReport, lpRReport: lpRReport, skipped: skipped, scale: scale,
                      decision: decision)
  }

  /// Runs the checks on `problem`, its codes used as given, in the order of `plan` (see ``CheckPlan``).
  public static func assess(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0,
                            relativeTolerance: Double = Verdict.float64Tolerance, plan: CheckPlan = CheckPlan(),
                            progress: (String) -> Void = { _ in }) throws -> StationarityAssessment {
    try assessWithMove(problem, activityThreshold: tau, relativeTolerance: relativeTolerance, plan: plan, progress: progress).assessment
  }

  /// ``assess(_:activityThreshold:relativeTolerance:plan:)`` and, for a confirmed descent, the candidate
  /// moved by the measured step that lowered L_λ most (atoms along geodesics, the bias by t·δb, the
  /// codes (Z + tW)₊): the move `lab check --save-move` writes.
  public static func assessWithMove(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0,
                                    relativeTolerance: Double = Verdict.float64Tolerance,
                                    plan: CheckPlan = CheckPlan(),
                                    progress: (String) -> Void = { _ in }) throws -> (assessment: StationarityAssessment, move: SparseCodingProblem?) {
    let d = problem.dictionary, z = problem.codes
    let m = d.columns, k = d.rows, n = z.rows
    let first = try firstOrder(problem, activityThreshold: tau, relativeTolerance: relativeTolerance, plan: plan, progress: progress)
    let settled = first.verdict == .descentFound
    var skipped = first.skipped
    let certReport: CertReport
    if let lpR = first.lpR, plan.reasonToSkip(.cert, settled: settled) == nil {
      progress("CERT by GLPK (\(m * n + k) free columns, \(k * n + m * k) rows)")
      let cert = try CertificateProgram.solve(problem, activityThreshold: tau)
      var residual: Double?
      if lpR.isTrusted && cert.isTrusted { residual = abs(cert.value + lpR.value / problem.lambda) }
      certReport = CertReport(value: cert.value.isFinite ? cert.value : nil, glpk: LPReport(cert), dualityResidual: residual,
                              dualityHolds: residual.map { $0 <= CertReport.dualityTolerance * (1 + abs(cert.value)) })
    } else {
      let reason = plan.reasonToSkip(.cert, settled: settled) ?? "LP-R was not run (\(first.lpRReport.skipped ?? "see lpR"))"
      certReport = CertReport(value: nil, glpk: LPReport(skipped: reason, columns: 0, rows: 0), dualityResidual: nil, dualityHolds: nil)
      skipped.append(SkippedPart(part: CheckPlan.Part.cert.rawValue, reason: reason))
    }

    var descent = Descent.none
    var move: SparseCodingProblem?
    if let source = first.decision.source, let test = first.descentTest, let direction = test.direction {
      progress("self-verification of the \(source.name) descent (\(SelfVerification.standardSteps.count) steps and up to 3 at t*, on N = \(n))")
      let verification = SelfVerification.measure(problem, along: direction, predictedSlope: test.value)
      descent = Descent(source: source.rawValue, verification: verification)
      if verification.outcome == .confirmed, let best = verification.steps.min(by: { $0.lossChange < $1.lossChange }), best.lossChange < 0 {
        move = SelfVerification.moved(problem, along: direction, by: best.t)
      }
    }

    progress("pairs and exact star moves (K = \(k))")
    let pairs = PairCondition.all(in: problem, activityThreshold: tau)
    var starMoves: [StarMove.Verification] = []
    for pair in pairs.filter({ !$0.pass && problem.spansPlane($0.i, $0.j) }).prefix(maximumVerifiedMoves) {
      let lp = try StarProgram.solve(problem, receiver: pair.j, donors: [pair.i], activityThreshold: tau)
      guard lp.status == .optimal, lp.verification.verified, lp.fails else { continue }
      starMoves.append(StarMove.verify(problem, receiver: pair.j, donors: [pair.i], rotations: lp.rotations, biasRate: lp.biasShift,
                                       lpValue: lp.value))
    }
    var stars: [Star] = []
    var twoDonorStar: TwoDonorStar?
    let used = (0..<k).filter { atom in (0..<n).contains { problem.isSigned ? z[$0, atom] != 0 : z[$0, atom] > 0 } }
    if let reason = plan.reasonToSkip(.stars, settled: settled) {
      skipped.append(SkippedPart(part: CheckPlan.Part.stars.rawValue, reason: reason))
    } else if used.count >= 3 && k <= maximumStarAtoms {
      progress("full-star LPs (\(used.count) receivers)")
      for j in used {
        let donors = used.filter { i in i != j && problem.spansPlane(i, j) }
        guard donors.count >= 2 else { continue }
        let star = try StarProgram.solve(problem, receiver: j, donors: donors, activityThreshold: tau)
        let trusted = star.status == .optimal && star.verification.verified
        stars.append(Star(receiver: j, donors: donors, value: star.value.isFinite ? star.value : nil,
                          verified: trusted, pass: trusted && !star.fails))
        if trusted && star.fails {
          starMoves.append(StarMove.verify(problem, receiver: j, donors: donors, rotations: star.rotations, biasRate: star.biasShift,
                                           lpValue: star.value))
        }
      }
      if !problem.isSigned, let chosen = stars.first(where: { !$0.pass }) ?? stars.first {
        let two = try StarProgram.solve(problem, receiver: chosen.receiver, donors: Array(chosen.donors.prefix(2)), activityThreshold: tau)
        twoDonorStar = TwoDonorStar(receiver: chosen.receiver, donors: Array(chosen.donors.prefix(2)),
                                    value: two.value.isFinite ? two.value : nil, fails: two.fails)
      }
    }

    progress("residual relations and the new-atom test (N = \(n))")
    let residuals = first.residuals
    let newAtom = NewAtomTest(problem)
    var assessment = StationarityAssessment(
      lambda: problem.lambda, bias: problem.hasBias, activityThreshold: tau, relativeTolerance: relativeTolerance,
      samples: n, dimension: m, atoms: k, loss: problem.loss, scale: first.scale,
      kkt: KKT(codeViolation: residuals.codes, atomGradient: residuals.atoms, biasGradient: residuals.bias),
      pairs: pairs, stars: stars,
      lpK: LPKReport(value: first.lpKValue, verified: first.lpK.isTrusted, solver: first.lpKSolver, closedForm: first.closedForm,
                     glpk: first.lpKReport),
      lpR: first.lpRReport, cert: certReport, descent: descent, starMoves: starMoves, newAtom: newAtom,
      residualRelations: ResidualRelations(problem), verdict: first.verdict, undecided: first.decision.undecided,
      nextStep: NextStep(verdict: first.verdict, undecided: first.decision.undecided, descent: descent, newAtom: newAtom),
      skipped: skipped, twoDonorStar: twoDonorStar)
    assessment.signed = problem.isSigned
    return (assessment, move)
  }
}
