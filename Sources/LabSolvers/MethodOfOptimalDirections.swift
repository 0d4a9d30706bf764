import LabNumerics

/// The method of optimal directions (MOD; Engan, Aase & Husøy 1999) for P⁺_λ, with unit-norm atoms
/// and a descent safeguard.
///
/// 1. codes from Z = 0 by `initialSweeps` coordinate-descent sweeps;
/// 2. each iteration: `sweepsPerIteration` warm-started sweeps; then the MOD step — the least-squares
///    dictionary D̃ = A⁻¹(B − s_z bᵀ) over the used atoms (A = ZᵀZ, B = ZᵀX, s_z = Zᵀ1, see
///    ``SufficientStatistics``), atoms d_k ← d̃_k/‖d̃_k‖, and either codes z_k ← ‖d̃_k‖ z_k (which
///    keeps the least-squares fit but changes the penalty) or the codes as they are, whichever
///    gives the lower L_λ. The step is taken only when that does not raise L_λ; otherwise (or when
///    A is singular) the iteration takes the exact sphere-constrained block step instead (with L1
///    codes the least-squares atoms are longer than 1, so this safeguard is often what acts).
///    Then, with a free bias, b ← b + mean_n r_n;
///    with a `deadAtomInterval`, dead atoms are re-seeded (``DeadAtoms``);
/// 3. stopping rules as ``BlockMinimization`` (KKT tolerance, stalled steps, iteration and time
///    limits); 4. exact final codes.
///
/// Every step lowers L_λ or leaves it unchanged; the history is the loss after the initial codes
/// and after every iteration.
public enum MethodOfOptimalDirections {
  /// Training options: the fields and rules of ``BlockMinimization/Configuration``.
  public typealias Configuration = BlockMinimization.Configuration

  /// MOD's defaults, which take fewer sweeps and iterations than block minimisation's (each MOD
  /// iteration moves every atom at once).
  public static func configuration(initialSweeps: Int = 100, sweepsPerIteration: Int = 20, maxIterations: Int = 1_000,
                                   minimumIterations: Int = 10, stepTolerance: Double = 1e-14, kktTolerance: Double = 1e-9,
                                   kktCheckInterval: Int = 20, timeLimit: Double? = nil, deadAtomInterval: Int? = 1) -> Configuration {
    Configuration(initialSweeps: initialSweeps, sweepsPerIteration: sweepsPerIteration, maxIterations: maxIterations,
                  minimumIterations: minimumIterations, stepTolerance: stepTolerance, kktTolerance: kktTolerance,
                  kktCheckInterval: kktCheckInterval, timeLimit: timeLimit, deadAtomInterval: deadAtomInterval)
  }

  /// Trains from `initialDictionary` (rows normalised here) and `initialBias` (`nil` = no bias).
  /// `deadline` replaces the clock of `configuration.timeLimit`; as in ``BlockMinimization``, it is
  /// asked inside the coordinate-descent sweeps and the exact-codes checks too (not inside the MOD
  /// step, one pass over the codes and a K × K solve), and a run it stops ends at exact codes for
  /// the dictionary and bias it had then.
  public static func fit(samples: Matrix<Double>, initialDictionary: Matrix<Double>, initialBias: [Double]?,
                         lambda: Double, configuration: Configuration = MethodOfOptimalDirections.configuration(),
                         deadline: LearningDeadline? = nil) -> LearningResult {
    precondition(configuration.problems().isEmpty, "Invalid MOD configuration: \(configuration.problems()).")
    let deadline = deadline ?? configuration.timeLimit.map { LearningDeadline(seconds: $0) }
    let passed = { deadline?.hasPassed ?? false }
    var dictionary = BlockMinimization.normalizedRows(initialDictionary)
    var bias = initialBias
    var codes = Matrix<Double>(rows: samples.rows, columns: dictionary.rows)
    var residual = SparseCodingProblem.subtractingBias(bias, from: samples)
    CoordinateDescent.sweep(codes: &codes, residual: &residual, dictionary: dictionary, lambda: lambda,
                            maxSweeps: configuration.initialSweeps, deadline: deadline)
    var history = [loss(residual, codes, lambda)]
    var termination = passed() ? LearningTermination.timeLimit : .iterationLimit
    var iterations = 0, reseeded = 0
    while termination != .timeLimit && iterations < configuration.maxIterations {
      iterations += 1
      CoordinateDescent.sweep(codes: &codes, residual: &residual, dictionary: dictionary, lambda: lambda,
                              maxSweeps: configuration.sweepsPerIteration, deadline: deadline)
      if passed() {
        history.append(loss(residual, codes, lambda))
        termination = .timeLimit
        break
      }
      let old = dictionary
      directionStep(samples: samples, dictionary: &dictionary, bias: bias, codes: &codes, residual: &residual, lambda: lambda)
      var step = zip(old.storage, dictionary.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
      if var b = bias {
        step = max(step, shiftBias(&b, residual: &residual))
        bias = b
      }
      if let interval = configuration.deadAtomInterval, iterations % interval == 0 {
        let moved = DeadAtoms.reseed(DeadAtoms.unused(codes: codes), dictionary: &dictionary, residual: residual, lambda: lambda)
        reseeded += moved.count
        if !moved.isEmpty { step = .infinity }
      }
      history.append(loss(residual, codes, lambda))
      if iterations % configuration.kktCheckInterval == 0 {
        // A check the deadline interrupts is dropped, as in ``BlockMinimization``.
        guard let exact = ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda, deadline: deadline) else {
          termination = .timeLimit
          break
        }
        let problem = SparseCodingProblem(samples: samples, dictionary: dictionary, bias: bias, codes: exact, lambda: lambda)
        if KKTResiduals(problem).maximum < configuration.kktTolerance { termination = .kktTolerance; break }
      }
      if iterations >= configuration.minimumIterations && step <= configuration.stepTolerance {
        termination = .stalled
        break
      }
      if passed() {
        termination = .timeLimit
        break
      }
    }
    let exact = ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda)
    let problem = SparseCodingProblem(samples: samples, dictionary: dictionary, bias: bias, codes: exact, lambda: lambda)
    return LearningResult(problem: problem, objectiveHistory: history, iterations: iterations, termination: termination,
                          kkt: KKTResiduals(problem), reseededAtoms: reseeded)
  }

  /// The safeguarded MOD step on the dictionary (codes rescaled with it); residual kept current.
  private static func directionStep(samples: Matrix<Double>, dictionary: inout Matrix<Double>, bias: [Double]?,
                                    codes: inout Matrix<Double>, residual: inout Matrix<Double>, lambda: Double) {
    var statistics = SufficientStatistics(atoms: dictionary.rows, dimension: dictionary.columns)
    statistics.add(samples: samples, codes: codes, scale: 1)
    let current = loss(residual, codes, lambda)
    if let candidate = leastSquaresCandidate(statistics, dictionary: dictionary, bias: bias, codes: codes) {
      let centred = SparseCodingProblem.subtractingBias(bias, from: samples)
      let rescaled = centred - candidate.codes * candidate.dictionary
      let kept = centred - codes * candidate.dictionary
      let (rescaledLoss, keptLoss) = (loss(rescaled, candidate.codes, lambda), loss(kept, codes, lambda))
      if min(rescaledLoss, keptLoss) <= current {
        dictionary = candidate.dictionary
        if rescaledLoss <= keptLoss { (codes, residual) = (candidate.codes, rescaled) } else { residual = kept }
        return
      }
    }
    _ = statistics.updateAtoms(&dictionary, bias: bias)
    residual = SparseCodingProblem.subtractingBias(bias, from: samples) - codes * dictionary
  }

  /// D̃ on the used atoms, normalised, with the codes rescaled; `nil` when A is not positive definite there.
  private static func leastSquaresCandidate(_ statistics: SufficientStatistics, dictionary: Matrix<Double>, bias: [Double]?,
                                            codes: Matrix<Double>) -> (dictionary: Matrix<Double>, codes: Matrix<Double>)? {
    let k = dictionary.rows, m = dictionary.columns
    let used = (0..<k).filter { statistics.codeGram[$0, $0] > 0 }
    guard !used.isEmpty else { return nil }
    let gram = Matrix(rows: used.count, columns: used.count, storage: used.flatMap { i in used.map { statistics.codeGram[i, $0] } })
    let rhs = Matrix(rows: used.count, columns: m, storage: used.flatMap { i in
      (0..<m).map { statistics.codeSample[i, $0] - statistics.codeSum[i] * (bias?[$0] ?? 0) }
    })
    guard let solution = try? gram.solvingPositiveDefinite(rhs), solution.isFinite else { return nil }
    var newDictionary = dictionary
    var scale = [Double](repeating: 1, count: k)
    for (a, atom) in used.enumerated() {
      let row = solution.row(a)
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if norm > 0 { newDictionary.setRow(atom, to: row.map { $0 / norm }) }
      scale[atom] = norm
    }
    let newCodes = codes.storage.enumerated().map { $0.element * scale[$0.offset % k] }
    return (newDictionary, Matrix(rows: codes.rows, columns: k, storage: newCodes))
  }

  /// b ← b + mean_n r_n, residual shifted; returns the largest change of a bias entry.
  private static func shiftBias(_ bias: inout [Double], residual: inout Matrix<Double>) -> Double {
    let n = residual.rows, m = residual.columns
    var mean = [Double](repeating: 0, count: m)
    for p in 0..<n { for i in 0..<m { mean[i] += residual.storage[p * m + i] } }
    for i in 0..<m { mean[i] /= Double(n) }
    residual.storage = residual.storage.enumerated().map { $0.element - mean[$0.offset % m] }
    for i in 0..<m { bias[i] += mean[i] }
    return mean.map(abs).max() ?? 0
  }

  private static func loss(_ residual: Matrix<Double>, _ codes: Matrix<Double>, _ lambda: Double) -> Double {
    0.5 * residual.storage.reduce(0) { $0 + $1 * $1 } + lambda * codes.storage.reduce(0, +)
  }
}
