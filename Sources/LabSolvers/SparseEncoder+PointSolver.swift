import LabNumerics

extension SparseEncoder {
  /// The reference solver behind the active-set fast path: ``NonnegativeLasso`` on D, or on the
  /// doubled dictionary [D; −D] for signed codes (z = z⁺ − z⁻).
  struct ReferenceLasso: Sendable {
    let solver: NonnegativeLasso
    let signed: Bool

    /// The fallback for `dictionary`; `gram` = D·Dᵀ is shared for nonnegative codes (signed codes use [D; −D]).
    init(dictionary: Matrix<Double>, gram: Matrix<Double>, configuration: Configuration) {
      signed = configuration.constraint == .signed
      solver = signed
        ? NonnegativeLasso(dictionary: Matrix(rows: 2 * dictionary.rows, columns: dictionary.columns,
                                              storage: dictionary.storage + dictionary.storage.map { -$0 }), lambda: configuration.lambda)
        : NonnegativeLasso(dictionary: dictionary, gram: gram, lambda: configuration.lambda)
    }

    /// Writes the exact code for correlations `c` (length K) into `codes`.
    func solve(correlations c: UnsafePointer<Double>, atomCount k: Int, into codes: UnsafeMutablePointer<Double>) {
      let single = Array(UnsafeBufferPointer(start: c, count: k))
      let z = solver.solve(correlations: signed ? single + single.map { -$0 } : single)
      for a in 0..<k { codes[a] = signed ? z[a] - z[k + a] : z[a] }
    }
  }

  /// One worker's kernel for the configured method, with its tallies. Not thread-safe.
  final class PointSolver {
    /// What happened on the points this worker solved.
    struct Tally {
      var referenceFallbacks = 0
      var unconverged = 0
    }

    private(set) var tally = Tally()
    private let problem: GramProblem
    private let configuration: Configuration
    private let activeSet: ActiveSetKernel?
    private let coordinateDescent: CoordinateDescentKernel?
    private let fista: FISTAKernel?
    private let omp: OMPKernel?
    private let fallback: ReferenceLasso?

    init(problem: GramProblem, configuration: Configuration, supportCapacity: Int, lipschitz: Double, fallback: ReferenceLasso?) {
      self.problem = problem
      self.configuration = configuration
      self.fallback = fallback
      let method = configuration.method
      activeSet = method == .activeSet ? ActiveSetKernel(problem: problem, supportCapacity: supportCapacity) : nil
      coordinateDescent = method == .coordinateDescent
        ? CoordinateDescentKernel(problem: problem, tolerance: configuration.tolerance, maxSweeps: configuration.maxIterations) : nil
      fista = method == .fista
        ? FISTAKernel(problem: problem, lipschitz: lipschitz, tolerance: configuration.tolerance, maxIterations: configuration.maxIterations) : nil
      omp = method == .omp
        ? OMPKernel(gram: problem.gram, atomCount: problem.atomCount, activeCount: configuration.activeCount ?? 1) : nil
    }

    /// Writes the code for correlations `c` into `codes` (both length K).
    func solve(correlations c: UnsafePointer<Double>, into codes: UnsafeMutablePointer<Double>) {
      let k = problem.atomCount
      switch configuration.method {
      case .activeSet:
        if !activeSet!.solve(correlations: c, into: codes) {
          fallback!.solve(correlations: c, atomCount: k, into: codes)
          tally.referenceFallbacks += 1
        }
      case .coordinateDescent:
        if !coordinateDescent!.solve(correlations: c, into: codes) { tally.unconverged += 1 }
      case .fista:
        if !fista!.solve(correlations: c, into: codes) { tally.unconverged += 1 }
      case .omp:
        omp!.solve(correlations: c, into: codes)
      case .topK:
        ThresholdEncoders.topK(c, count: k, activeCount: configuration.activeCount ?? 1, constraint: problem.constraint, into: codes)
      case .threshold:
        ThresholdEncoders.softThreshold(c, count: k, lambda: problem.lambda, constraint: problem.constraint, into: codes)
      case .exactL1:
        preconditionFailure("Exact L1 coding does not run per point on the Gram matrix.")
      }
    }
  }
}
