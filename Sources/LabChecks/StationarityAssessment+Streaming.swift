import LabNumerics
import LabSolvers

extension StationarityAssessment {
  /// The largest N·K for which `lab check` holds every code in memory and runs every LP.
  public static let maximumDenseCodes = 20_000_000

  /// The checks for a candidate too large for the dense codes and the LPs, in streaming passes over
  /// the data with exact lasso codes: KKT, every pair, LP-K by its exact closed form (the verdict,
  /// §5.1), the mop-up gaps, the wide bound and the new-atom test. LP-R, CERT, the stars and the
  /// exact star moves are reported as not run. A descent is verified by a geodesic step along the
  /// normalised −grad with re-optimised codes (Danskin slope), the new atom by re-coding with it.
  public static func assessStreaming(samples x: Matrix<Double>, dictionary d: Matrix<Double>, bias: [Double]?, lambda: Double,
                                     activityThreshold tau: Double = 0, relativeTolerance: Double = Verdict.float64Tolerance,
                                     batchSize: Int = 4096, threads: Int = 1) -> StationarityAssessment {
    let stream = StreamingChecks(samples: x, dictionary: d, bias: bias, lambda: lambda, activityThreshold: tau, batchSize: batchSize, threads: threads)
    let scale = Verdict.scale(lambda: lambda, codeTotal: stream.codeTotal, loss: stream.loss)
    let lpK = KKTLinearProgram.solveByClosedForm(atomGradient: stream.atomGradient, biasGradient: bias == nil ? nil : stream.biasGradient,
                                                 dictionary: d, codeValue: stream.codeValue)
    let reason = "streaming mode (N·K = \(x.rows * d.rows) > \(maximumDenseCodes)): needs every code at once"
    let decision = Verdict.decide(lpK: Verdict.Evidence(lpK), lpR: .notRun(reason), scale: scale, relativeTolerance: relativeTolerance)
    let verdict = decision.verdict
    var descent = Descent(found: verdict == .descentFound, lpValue: nil, source: nil, measuredSlopes: [], steps: [], outcome: nil)
    if verdict == .descentFound {
      let direction = StreamingChecks.gradientDirection(samples: x, dictionary: d, bias: bias, lambda: lambda, batchSize: batchSize, threads: threads)
      let start = SparseCodingProblem(samples: Matrix(rows: 0, columns: d.columns), dictionary: d, bias: bias,
                                      codes: Matrix(rows: 0, columns: d.rows), lambda: lambda)
      let perturbation = PerturbationDirection(atoms: direction.atoms, bias: direction.bias, codes: Matrix(rows: 0, columns: d.rows))
      var steps: [SelfVerification.Step] = []
      for t in [1e-2, 1e-3, 1e-4] {
        let moved = SelfVerification.moved(start, along: perturbation, by: t)
        let change = StreamingChecks.loss(samples: x, dictionary: moved.dictionary, bias: moved.bias, lambda: lambda, batchSize: batchSize, threads: threads) - stream.loss
        steps.append(SelfVerification.Step(t: t, lossChange: change, slope: change / t, reoptimizedSlope: change / t))
      }
      descent.lpValue = direction.slope
      descent.source = "gradient-step"
      descent.steps = steps
      descent.measuredSlopes = steps.map(\.slope)
      let curvature = SelfVerification.Curvature(predicted: direction.slope, initial: stream.loss, steps: steps)
      descent.outcome = SelfVerification.outcome(predicted: direction.slope, initial: stream.loss, steps: steps,
                                                 measurable: curvature.measurable).rawValue
      descent.curvature = curvature.estimate
      descent.largestAccurateStep = curvature.largestAccurateStep
    }
    var withNewAtom: Double?
    if stream.maxResidualNorm > lambda {
      let point = Matrix(rows: 1, columns: x.columns, storage: x.row(stream.maxResidualPoint))
      let code = ExactCodes.codes(for: point, dictionary: d, bias: bias, lambda: lambda)
      let residual = SparseCodingProblem(samples: point, dictionary: d, bias: bias, codes: code, lambda: lambda).residual.row(0)
      let norm = residual.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let augmented = Matrix(rows: d.rows + 1, columns: d.columns, storage: d.storage + residual.map { $0 / norm })
      withNewAtom = StreamingChecks.loss(samples: x, dictionary: augmented, bias: bias, lambda: lambda, batchSize: batchSize, threads: threads)
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
      skipped: ["lp-k-glpk", "lp-r", "cert", "stars"].map { SkippedPart(part: $0, reason: reason) })
    assessment.mode = "streaming"
    return assessment
  }
}
