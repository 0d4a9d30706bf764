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

    init(_ test: LPTestResult) {
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

  /// LP-K: GLPK's verified value beside the exact closed form of THEORY §5.2.
  public struct LPKReport: Codable, Sendable, Equatable {
    /// The value used by the verdict: GLPK's when it ran, else the closed form.
    public var value: Double?
    /// The closed form (weighted medians).
    public var closedForm: Double
    /// The GLPK solve.
    public var glpk: LPReport
  }

  /// CERT of THEORY §5.4 and the duality identity CERT = −LP-R/λ.
  public struct CertReport: Codable, Sendable, Equatable {
    /// CERT's value (≥ 0), or `nil` when not solved.
    public var value: Double?
    /// The GLPK solve.
    public var glpk: LPReport
    /// |CERT + LP-R/λ|, the duality residual.
    public var dualityResidual: Double?
    /// Whether the residual is within 10⁻⁷·(1 + CERT) (THEORY §10 prediction 11).
    public var dualityHolds: Bool?
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
  /// `in-memory` (every check), or `streaming` (one pass over the data; the LPs that need every
  /// code at once were not run, and the verdict rests on the exact closed form of LP-K).
  public var mode: String = "in-memory"
  /// Whether the codes are signed (problem P^±_λ) and every check is in its signed form.
  public var signed: Bool = false

  /// The largest LP-R / CERT (rows m·N + K) that is solved; larger candidates get LP-K alone.
  public static let maximumReconstructionRows = 60_000
  /// The largest LP-K (columns m·K + m + K·N) handed to GLPK; the closed form is exact at any size.
  public static let maximumFirstOrderColumns = 2_000_000
  /// The largest K for which the K full-star LPs are solved.
  public static let maximumStarAtoms = 64
  /// The most failing pairs whose exact star move is applied.
  public static let maximumVerifiedMoves = 20

  /// What the §5.1 verdict rests on: (K1)–(K3), LP-K (GLPK where it fits, and the closed form), LP-R.
  public struct FirstOrder: Sendable {
    /// (K1)–(K3).
    public var residuals: KKTResiduals
    /// LP-K by its exact closed form.
    public var closedForm: Double
    /// The GLPK solves, when their size allowed them.
    public var lpK: LPTestResult?, lpR: LPTestResult?
    /// Their reports (with the reason when not run).
    public var lpKReport: LPReport, lpRReport: LPReport
    /// The verdict scale λΣz.
    public var scale: Double
    /// The §5.1 verdict.
    public var verdict: Verdict
    /// The LP-K value the verdict used: GLPK's when it ran, else the closed form.
    public var lpKValue: Double? { lpK.map { $0.value.isFinite ? $0.value : nil } ?? closedForm }
  }

  /// The verdict of §5.1 and what it rests on, without the other checks.
  public static func firstOrder(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0,
                                relativeTolerance: Double = Verdict.float64Tolerance) throws -> FirstOrder {
    let d = problem.dictionary, z = problem.codes
    let m = d.columns, k = d.rows, n = z.rows
    let scale = Verdict.scale(lambda: problem.lambda, codeTotal: problem.codeMass, loss: problem.loss)
    let closedForm = KKTLinearProgram.closedFormValue(problem, activityThreshold: tau)
    let lpKColumns = m * k + m + k * n
    var lpK: LPTestResult?
    let lpKReport: LPReport
    if lpKColumns <= maximumFirstOrderColumns {
      let test = try KKTLinearProgram.solve(problem, activityThreshold: tau)
      lpK = test
      lpKReport = LPReport(test)
    } else {
      lpKReport = LPReport(skipped: "more than \(maximumFirstOrderColumns) columns; the closed form is used", columns: lpKColumns, rows: k)
    }
    let reconstructionRows = m * n + k
    var lpR: LPTestResult?
    let lpRReport: LPReport
    if reconstructionRows <= maximumReconstructionRows {
      let test = try ReconstructionPreservingProgram.solve(problem, weight: problem.lambda, activityThreshold: tau)
      lpR = test
      lpRReport = LPReport(test)
    } else {
      lpRReport = LPReport(skipped: "more than \(maximumReconstructionRows) rows (m·N + K = \(reconstructionRows)); the verdict rests on LP-K",
                           columns: lpKColumns, rows: reconstructionRows)
    }
    var verdict = Verdict.decide([lpK, lpR].compactMap { $0 }, scale: scale, relativeTolerance: relativeTolerance)
    if lpK == nil, verdict != .inconclusive, closedForm < -relativeTolerance * scale { verdict = .descentFound }
    return FirstOrder(residuals: KKTResiduals(problem, activityThreshold: tau), closedForm: closedForm, lpK: lpK, lpR: lpR,
                      lpKReport: lpKReport, lpRReport: lpRReport, scale: scale, verdict: verdict)
  }

  /// Runs every check on `problem`, its codes used as given.
  public static func assess(_ problem: SparseCodingProblem, activityThreshold tau: Double = 0,
                            relativeTolerance: Double = Verdict.float64Tolerance) throws -> StationarityAssessment {
    let d = problem.dictionary, z = problem.codes
    let m = d.columns, k = d.rows, n = z.rows
    let first = try firstOrder(problem, activityThreshold: tau, relativeTolerance: relativeTolerance)
    let (scale, residuals, closedForm, verdict) = (first.scale, first.residuals, first.closedForm, first.verdict)
    let (lpKTest, lpRTest, lpKReport, lpRReport) = (first.lpK, first.lpR, first.lpKReport, first.lpRReport)
    let certReport: CertReport
    if let lpR = lpRTest {
      let cert = try CertificateProgram.solve(problem, activityThreshold: tau)
      var residual: Double?
      if lpR.isTrusted && cert.isTrusted { residual = abs(cert.value + lpR.value / problem.lambda) }
      certReport = CertReport(value: cert.value.isFinite ? cert.value : nil, glpk: LPReport(cert), dualityResidual: residual,
                              dualityHolds: residual.map { $0 <= 1e-7 * (1 + abs(cert.value)) })
    } else {
      certReport = CertReport(value: nil, glpk: LPReport(skipped: lpRReport.skipped ?? "LP-R was not run", columns: 0, rows: 0),
                              dualityResidual: nil, dualityHolds: nil)
    }

    var descent = Descent(found: verdict == .descentFound, lpValue: nil, source: nil, measuredSlopes: [], steps: [], outcome: nil)
    if verdict == .descentFound {
      let candidates = [("lp-k", lpKTest), ("lp-r", lpRTest)].compactMap { name, test in test.map { (name, $0) } }
      if let (name, test) = candidates.min(by: { $0.1.value < $1.1.value }), let direction = test.direction {
        let steps = SelfVerification.measure(problem, along: direction, predictedSlope: test.value)
        descent.lpValue = test.value
        descent.source = name
        descent.steps = steps.steps
        descent.measuredSlopes = steps.steps.prefix(3).map(\.slope)
        descent.outcome = steps.outcome.rawValue
      } else {
        descent.lpValue = closedForm
        descent.source = "lp-k-closed-form"
      }
    }

    let pairs = PairCondition.all(in: problem, activityThreshold: tau)
    var starMoves: [StarMove.Verification] = []
    for pair in pairs.filter({ !$0.pass && problem.spansPlane($0.i, $0.j) }).prefix(maximumVerifiedMoves) {
      let lp = try StarProgram.solve(problem, receiver: pair.j, donors: [pair.i], activityThreshold: tau)
      guard lp.status == .optimal, lp.verification.verified, lp.fails else { continue }
      starMoves.append(StarMove.verify(problem, receiver: pair.j, donors: [pair.i], rotations: lp.rotations, biasRate: lp.biasShift,
                                       lpValue: lp.value))
    }
    var stars: [Star] = []
    let used = (0..<k).filter { atom in (0..<n).contains { problem.isSigned ? z[$0, atom] != 0 : z[$0, atom] > 0 } }
    if used.count >= 3 && k <= maximumStarAtoms {
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
    }

    return StationarityAssessment(
      lambda: problem.lambda, bias: problem.hasBias, activityThreshold: tau, relativeTolerance: relativeTolerance,
      samples: n, dimension: m, atoms: k, loss: problem.loss, scale: scale,
      kkt: KKT(codeViolation: residuals.codes, atomGradient: residuals.atoms, biasGradient: residuals.bias),
      pairs: pairs, stars: stars,
      lpK: LPKReport(value: first.lpKValue, closedForm: closedForm, glpk: lpKReport),
      lpR: lpRReport, cert: certReport, descent: descent, starMoves: starMoves, newAtom: NewAtomTest(problem),
      residualRelations: ResidualRelations(problem), verdict: verdict, signed: problem.isSigned)
  }
}
