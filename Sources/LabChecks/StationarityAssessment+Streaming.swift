import LabNumerics
import LabSolvers

extension StationarityAssessment {
  /// The largest N·K for which `lab check` holds every code in memory and runs every LP.
  public static let maximumDenseCodes = 20_000_000

  /// Above this many codes (N·K) the streaming checks skip the passes that re-solve every code once
  /// more: re-optimised codes beside the first self-verification step, and the loss with the new atom
  /// when a descent already settles the verdict. At N = 10⁵ and K = 16,384 each such pass is minutes.
  public static let maximumStreamingRecodedCodes = 100_000_000

  /// The checks for a candidate too large for the dense codes and the LPs, in one streaming pass over
  /// the data with exact lasso codes (kept sparse), X read `batchSize` rows at a time: KKT, the pairs (up to
  /// ``StreamingChecks/maximumPairAtoms`` atoms), LP-K by its exact closed form (the verdict, §5.1),
  /// the mop-up gaps, the wide bound and the new-atom test. LP-R, CERT, the stars and the exact star
  /// moves are reported as not run. A descent is verified as §5.7 says: geodesic steps along the
  /// normalised −grad with the first-order codes (here the exact codes held fixed; W = 0), the
  /// standard grid and t*, t*/2, t*/4; re-optimised codes are measured beside at the first step.
  public static func assessStreaming(samples x: any SampleRows, dictionary d: Matrix<Double>, bias: [Double]?, lambda: Double,
                                     activityThreshold tau: Double = 0, relativeTolerance: Double = Verdict.float64Tolerance,
                                     batchSize: Int = StreamingChecks.defaultBatchRows, threads: Int = 1) -> StationarityAssessment {
    let stream = StreamingChecks(samples: x, dictionary: d, bias: bias, lambda: lambda, activityThreshold: tau, batchSize: batchSize,
                                 threads: threads, keepCodes: true)
    let scale = Verdict.scale(lambda: lambda, codeTotal: stream.codeTotal, loss: stream.loss)
    let lpK = KKTLinearProgram.solveByClosedForm(atomGradient: stream.atomGradient, biasGradient: bias == nil ? nil : stream.biasGradient,
                                                 dictionary: d, codeValue: stream.codeValue)
    let reason = "streaming mode (N·K = \(x.rows * d.rows) > \(maximumDenseCodes)): needs every code at once"
    let decision = Verdict.decide(lpK: Verdict.Evidence(lpK), lpR: .notRun(reason), scale: scale, relativeTolerance: relativeTolerance)
    let verdict = decision.verdict
    let recodes = x.rows * d.rows <= maximumStreamingRecodedCodes
    let recodingReason = "N·K = \(x.rows * d.rows) is above \(maximumStreamingRecodedCodes): another exact lasso pass over every point"
    var skipped = ["lp-k-glpk", "lp-r", "cert", "stars"].map { SkippedPart(part: $0, reason: reason) }
    if let pairsSkipped = stream.pairsSkipped { skipped.append(SkippedPart(part: "pairs", reason: pairsSkipped)) }
    var descent = Descent(found: verdict == .descentFound, lpValue: nil, source: nil, measuredSlopes: [], steps: [], outcome: nil)
    if verdict == .descentFound, let codes = stream.codes {
      let direction = stream.gradientDirection(dictionary: d, hasBias: bias != nil)
      let start = SparseCodingProblem(samples: Matrix(rows: 0, columns: d.columns), dictionary: d, bias: bias,
                                      codes: Matrix(rows: 0, columns: d.rows), lambda: lambda)
      let perturbation = PerturbationDirection(atoms: direction.atoms, bias: direction.bias, codes: Matrix(rows: 0, columns: d.rows))
      let initial = StreamingChecks.fixedCodeLoss(samples: x, dictionary: d, bias: bias, codes: codes, lambda: lambda, batchSize: batchSize,
                                                      threads: threads)
      func step(_ t: Double, reoptimize: Bool) -> SelfVerification.Step {
        let moved = SelfVerification.moved(start, along: perturbation, by: t)
        let change = StreamingChecks.fixedCodeLoss(samples: x, dictionary: moved.dictionary, bias: moved.bias, codes: codes, lambda: lambda,
                                                   batchSize: batchSize, threads: threads) - initial
        let reoptimized = reoptimize
          ? (StreamingChecks.loss(samples: x, dictionary: moved.dictionary, bias: moved.bias, lambda: lambda, batchSize: batchSize, threads: threads) - stream.loss) / t
          : nil
        return SelfVerification.Step(t: t, lossChange: change, slope: change / t, reoptimizedSlope: reoptimized)
      }
      let measured = SelfVerification.standardSteps.enumerated().map { step($1, reoptimize: $0 == 0 && recodes) }
      let verification = SelfVerification.conclude(predicted: direction.slope, initial: initial, steps: measured) { step($0, reoptimize: false) }
      if !recodes { skipped.append(SkippedPart(part: "reoptimized-step", reason: recodingReason)) }
      descent.lpValue = direction.slope
      descent.source = "gradient-step"
      descent.steps = verification.steps
      descent.measuredSlopes = verification.steps.map(\.slope)
      descent.outcome = verification.outcome.rawValue
      descent.curvature = verification.curvature
      descent.largestAccurateStep = verification.largestAccurateStep
    }
    var withNewAtom: Double?
    if stream.maxResidualNorm > lambda, recodes || verdict != .descentFound {
      // The point's residual from its kept code (a fresh solve would build the K×K Gram matrix again).
      var residual = zip(x.block(stream.maxResidualPoint..<(stream.maxResidualPoint + 1)).storage, bias ?? [Double](repeating: 0, count: x.columns)).map { $0 - $1 }
      for (atom, value) in stream.codes?.row(stream.maxResidualPoint) ?? [] {
        for i in 0..<x.columns { residual[i] -= value * d[atom, i] }
      }
      let norm = residual.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let augmented = Matrix(rows: d.rows + 1, columns: d.columns, storage: d.storage + residual.map { $0 / norm })
      withNewAtom = StreamingChecks.loss(samples: x, dictionary: augmented, bias: bias, lambda: lambda, batchSize: batchSize, threads: threads)
    } else if stream.maxResidualNorm > lambda {
      skipped.append(SkippedPart(part: "new-atom-loss", reason: recodingReason + ", and the descent already settles the verdict"))
    }
    let notRun = LPReport(skipped: reason, columns: 0, rows: 0)
    let newAtom = NewAtomTest(maxResidualNorm: stream.maxResidualNorm, point: stream.maxResidualPoint, lambda: lambda, loss: stream.loss,
                              lossWithNewAtom: withNewAtom)
    var assessment = StationarityAssessment(
      lambda: lambda, bias: bias != nil, activityThreshold: tau, relativeTolerance: relativeTolerance,
      samples: x.rows, dimension: d.columns, atoms: d.rows, loss: stream.loss, scale: scale,
      kkt: KKT(codeViolation: stream.kkt.codes, atomGradient: stream.kkt.atoms, biasGradient: stream.kkt.bias),
      pairs: stream.pairs, stars: [],
      lpK: LPKReport(value: lpK.value, verified: lpK.isTrusted, solver: .closedForm, closedForm: stream.lpKClosedForm, glpk: notRun),
      lpR: notRun, cert: CertReport(value: nil, glpk: notRun, dualityResidual: nil, dualityHolds: nil), descent: descent, starMoves: [],
      newAtom: newAtom,
      residualRelations: ResidualRelations(mopUp: stream.mopUp, wideBoundExcess: stream.wideBoundExcess, wideBoundPoint: 0),
      verdict: verdict, undecided: decision.undecided,
      nextStep: NextStep(verdict: verdict, undecided: decision.undecided, descent: descent, newAtom: newAtom),
      skipped: skipped)
    assessment.mode = "streaming"
    return assessment
  }
}
