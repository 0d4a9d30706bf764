import LabNumerics

/// Dictionary learning for P⁺_λ by exact block minimisation — the reference recipe of THEORY §5.8.
///
/// Every step is the exact minimiser of L_λ in its block, so the loss never increases:
/// 1. codes from Z = 0 by `initialSweeps` coordinate-descent sweeps;
/// 2. each iteration: `sweepsPerIteration` warm-started sweeps; then for each atom k,
///    d_k ← v/‖v‖ with v = Σ_n z_nk (r_n + z_nk d_k) (unused atoms stay); then, with a free bias,
///    b ← b + mean_n r_n;
/// 3. stop when the KKT residual at exact codes is below `kktTolerance` (checked every
///    `kktCheckInterval` iterations), when no atom entry and no bias entry moved by more than
///    `stepTolerance` in an iteration after `minimumIterations`, at `maxIterations`, or once the
///    optional `timeLimit` has passed — asked before every atom of a sweep and of the atom update
///    (``LearningDeadline``), so a run stops inside an iteration, at a state whose codes and
///    residual still match, instead of finishing it; with a `deadAtomInterval`, dead atoms are re-seeded by the
///    new-atom test (``DeadAtoms``) every that many iterations (their codes are zero, so the loss
///    is unchanged until the next sweep lowers it);
/// 4. re-solve the codes exactly (``NonnegativeLasso``); every reported quantity uses them.
///
/// With `constraint: .signed` it trains the signed problem P^±_λ the same way (soft thresholds in
/// the sweeps, the same atom and bias updates, exact signed codes from ``ExactCodes`` at the end).
///
/// THEORY §5.8 stops on the loss instead. Near a stationary point the loss falls by about the
/// square of the KKT residual per iteration, which drops below the rounding of the summed loss
/// (≈ 10⁻¹⁶·L) while the KKT residual is still ≈ 10⁻⁸; the block moves shrink only linearly, so a
/// step rule keeps going until the KKT tolerance is met.
public enum BlockMinimization {
  /// Training options.
  public struct Configuration: Codable, Equatable, Sendable {
    /// Coordinate-descent sweeps for the first codes.
    public var initialSweeps: Int
    /// Warm-started sweeps per outer iteration.
    public var sweepsPerIteration: Int
    /// Upper limit on outer iterations.
    public var maxIterations: Int
    /// Fewest iterations before the stall rule may stop the run.
    public var minimumIterations: Int
    /// Largest change of an atom or bias entry in one iteration below which the run has stalled.
    public var stepTolerance: Double
    /// Stop once the KKT residual at exact codes is below this.
    public var kktTolerance: Double
    /// How often (in iterations) the KKT residual is measured.
    public var kktCheckInterval: Int
    /// Wall-clock limit in seconds, checked inside every iteration (``LearningDeadline``); `nil` for none.
    public var timeLimit: Double?
    /// Iterations between dead-atom checks (``DeadAtoms``); `nil` never re-seeds.
    public var deadAtomInterval: Int?

    /// The reference settings of THEORY §5.8 with a KKT stopping rule.
    public init(initialSweeps: Int = 500, sweepsPerIteration: Int = 50, maxIterations: Int = 50_000,
                minimumIterations: Int = 10, stepTolerance: Double = 1e-14, kktTolerance: Double = 1e-9,
                kktCheckInterval: Int = 100, timeLimit: Double? = nil, deadAtomInterval: Int? = nil) {
      self.initialSweeps = initialSweeps
      self.sweepsPerIteration = sweepsPerIteration
      self.maxIterations = maxIterations
      self.minimumIterations = minimumIterations
      self.stepTolerance = stepTolerance
      self.kktTolerance = kktTolerance
      self.kktCheckInterval = kktCheckInterval
      self.timeLimit = timeLimit
      self.deadAtomInterval = deadAtomInterval
    }

    /// Problems with the options, each naming the field and value; empty when valid.
    public func problems() -> [ParameterProblem] {
      var found: [ParameterProblem] = []
      for (name, value) in [("initialSweeps", initialSweeps), ("sweepsPerIteration", sweepsPerIteration),
                            ("maxIterations", maxIterations), ("minimumIterations", minimumIterations),
                            ("kktCheckInterval", kktCheckInterval)] where value < 1 {
        found.append(ParameterProblem(name, mustBe: "at least 1", got: value))
      }
      for (name, value) in [("stepTolerance", stepTolerance), ("kktTolerance", kktTolerance)]
      where !(value.isFinite && value >= 0) {
        found.append(ParameterProblem(name, mustBe: "a finite number ≥ 0", got: value))
      }
      if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
        found.append(ParameterProblem("timeLimit", mustBe: "a finite number > 0", got: timeLimit))
      }
      if let deadAtomInterval, deadAtomInterval < 1 {
        found.append(ParameterProblem("deadAtomInterval", mustBe: "at least 1", got: deadAtomInterval))
      }
      return found
    }
  }

  /// Why a run stopped (shared with the other learners).
  public typealias Termination = LearningTermination

  /// The result of a run; the codes are exact for the final dictionary and bias.
  public struct Fit: Sendable {
    /// The final problem (data, dictionary, bias, exact codes, λ).
    public var problem: SparseCodingProblem
    /// Loss after the initial codes and after every iteration.
    public var lossHistory: [Double]
    /// Outer iterations done.
    public var iterations: Int
    /// Why the run stopped.
    public var termination: Termination
    /// KKT residuals at the final exact codes.
    public var kkt: KKTResiduals
    /// How many times an atom was re-seeded (``DeadAtoms``).
    public var reseededAtoms: Int
  }

  /// Trains from `initialDictionary` (rows normalised here) and `initialBias` (`nil` = no bias).
  /// `deadline` replaces the clock of `configuration.timeLimit` (tests stop a run at a chosen check).
  /// A run stopped by it ends with termination `.timeLimit`, the last loss it reached in the history,
  /// and exact codes for the dictionary and bias it had then — the state at the stop, not the previous
  /// iterate's: every block step (one code, one atom, the bias) is an exact minimiser that keeps the
  /// residual current, so that state is a consistent point with a loss no higher than the previous
  /// iterate's, and keeping the previous iterate instead would cost a copy of D and Z per iteration
  /// without its exact codes being known either. Those exact codes are one pass of the blocked
  /// active-set solver (``ExactCodes``) after the deadline, which it does not interrupt: without them
  /// the codes, KKT residuals and any verdict would not belong to the returned dictionary.
  public static func fit(samples: Matrix<Double>, initialDictionary: Matrix<Double>, initialBias: [Double]?,
                         lambda: Double, configuration: Configuration = Configuration(),
                         constraint: CodeConstraint = .nonnegative, deadline: LearningDeadline? = nil) -> Fit {
    let deadline = deadline ?? configuration.timeLimit.map { LearningDeadline(seconds: $0) }
    let passed = { deadline?.hasPassed ?? false }
    var reseeded = 0
    var dictionary = normalizedRows(initialDictionary)
    var bias = initialBias
    var codes = Matrix<Double>(rows: samples.rows, columns: dictionary.rows)
    var residual = SparseCodingProblem.subtractingBias(bias, from: samples)
    CoordinateDescent.sweep(codes: &codes, residual: &residual, dictionary: dictionary, lambda: lambda,
                            maxSweeps: configuration.initialSweeps, constraint: constraint, deadline: deadline)
    var history = [loss(residual: residual, codes: codes, lambda: lambda)]
    var termination = passed() ? Termination.timeLimit : .iterationLimit
    var iterations = 0
    while termination != .timeLimit && iterations < configuration.maxIterations {
      iterations += 1
      CoordinateDescent.sweep(codes: &codes, residual: &residual, dictionary: dictionary, lambda: lambda,
                              maxSweeps: configuration.sweepsPerIteration, constraint: constraint, deadline: deadline)
      // Each block below keeps the residual current, so the run may stop between any two of them.
      var step = passed() ? 0 : updateAtoms(dictionary: &dictionary, residual: &residual, codes: codes, deadline: deadline)
      if bias != nil, !passed() { step = max(step, updateBias(&bias!, residual: &residual)) }
      if let interval = configuration.deadAtomInterval, iterations % interval == 0, !passed() {
        let moved = DeadAtoms.reseed(DeadAtoms.unused(codes: codes), dictionary: &dictionary, residual: residual, lambda: lambda)
        reseeded += moved.count
        if !moved.isEmpty { step = .infinity }
      }
      history.append(loss(residual: residual, codes: codes, lambda: lambda))
      if passed() { termination = .timeLimit; break }
      if iterations % configuration.kktCheckInterval == 0 {
        // A check the deadline interrupts is dropped: the run stops at the state it measured.
        guard let exact = exactProblem(samples, dictionary, bias, lambda, constraint, deadline: deadline) else {
          termination = .timeLimit
          break
        }
        if KKTResiduals(exact).maximum < configuration.kktTolerance { termination = .kktTolerance; break }
      }
      if iterations >= configuration.minimumIterations && step <= configuration.stepTolerance {
        termination = .stalled
        break
      }
    }
    // After the deadline the final codes come from the blocked active-set solver (``ExactCodes``),
    // exact as well and seconds where NonnegativeLasso's point-by-point solves take minutes at K = 256.
    let final = termination == .timeLimit
      ? SparseCodingProblem(samples: samples, dictionary: dictionary, bias: bias,
                            codes: ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda, constraint: constraint),
                            lambda: lambda, constraint: constraint)
      : exactProblem(samples, dictionary, bias, lambda, constraint, deadline: nil)!
    return Fit(problem: final, lossHistory: history, iterations: iterations, termination: termination,
               kkt: KKTResiduals(final), reseededAtoms: reseeded)
  }

  /// The rows of `matrix` scaled to unit norm (zero rows stay zero).
  public static func normalizedRows(_ matrix: Matrix<Double>) -> Matrix<Double> {
    var result = matrix
    for k in 0..<matrix.rows {
      let row = matrix.row(k)
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if norm > 0 { result.setRow(k, to: row.map { $0 / norm }) }
    }
    return result
  }

  /// The problem at exact codes, or nil when `deadline` passed while the nonnegative codes were solved.
  private static func exactProblem(_ samples: Matrix<Double>, _ dictionary: Matrix<Double>, _ bias: [Double]?,
                                   _ lambda: Double, _ constraint: CodeConstraint, deadline: LearningDeadline?) -> SparseCodingProblem? {
    let solved = constraint == .signed
      ? ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda, constraint: .signed, deadline: deadline)
      : NonnegativeLasso(dictionary: dictionary, lambda: lambda).codes(for: samples, bias: bias, deadline: deadline)
    guard let codes = solved else { return nil }
    return SparseCodingProblem(samples: samples, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda, constraint: constraint)
  }

  private static func loss(residual: Matrix<Double>, codes: Matrix<Double>, lambda: Double) -> Double {
    0.5 * residual.storage.reduce(0) { $0 + $1 * $1 } + lambda * codes.storage.reduce(0) { $0 + abs($1) }
  }

  /// Exact sphere-constrained minimiser for each atom in turn, residual kept current, until
  /// `deadline` passes. Returns the largest change of an atom entry.
  private static func updateAtoms(dictionary: inout Matrix<Double>, residual: inout Matrix<Double>, codes: Matrix<Double>,
                                  deadline: LearningDeadline?) -> Double {
    let n = codes.rows, k = codes.columns, m = dictionary.columns
    var step = 0.0
    for atom in 0..<k {
      if let deadline, deadline.hasPassed { break }
      var v = [Double](repeating: 0, count: m)
      var used = false
      for point in 0..<n {
        let z = codes.storage[point * k + atom]
        guard z != 0 else { continue }
        used = true
        for i in 0..<m { v[i] += z * (residual.storage[point * m + i] + z * dictionary.storage[atom * m + i]) }
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard used, norm > 0 else { continue }
      let old = dictionary.row(atom)
      let new = v.map { $0 / norm }
      dictionary.setRow(atom, to: new)
      for i in 0..<m { step = max(step, abs(new[i] - old[i])) }
      for point in 0..<n {
        let z = codes.storage[point * k + atom]
        guard z != 0 else { continue }
        for i in 0..<m { residual.storage[point * m + i] += z * (old[i] - new[i]) }
      }
    }
    return step
  }

  /// b ← b + mean_n r_n, residual shifted accordingly. Returns the largest change of a bias entry.
  private static func updateBias(_ bias: inout [Double], residual: inout Matrix<Double>) -> Double {
    let n = residual.rows, m = residual.columns
    var step = 0.0
    for i in 0..<m {
      var mean = 0.0
      for point in 0..<n { mean += residual.storage[point * m + i] }
      mean /= Double(n)
      bias[i] += mean
      step = max(step, abs(mean))
      for point in 0..<n { residual.storage[point * m + i] -= mean }
    }
    return step
  }
}
