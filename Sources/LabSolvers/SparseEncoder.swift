import Dispatch
import LabNumerics

/// Codes for a fixed dictionary, with or without bias, by any of the ``Method``s: for every point
/// x_n (a row of X), the code z_n (a row of Z, `N × K`) for
///
///     ½‖x_n − b − Σ_k z_nk d_k‖² + λ‖z_n‖₁    (z_n ≥ 0 for nonnegative codes).
///
/// The dictionary D is `K × m` (rows are atoms). G = D·Dᵀ and the correlations C = (X − b)·Dᵀ are
/// computed by BLAS in fixed blocks of ``blockSize`` points, each point is solved on its own, and
/// the blocks are handed out to ``Configuration/threads`` workers as they become free, so the codes
/// are the same bytes whatever the thread count. BLAS runs single-threaded during ``encode(_:bias:)``.
public struct SparseEncoder: Sendable {
  /// Points per BLAS block by default; fixed (never derived from the thread count) so that results
  /// do not depend on the thread count.
  public static let blockSize = 256

  /// The dictionary D, `K × m`.
  public let dictionary: Matrix<Double>
  /// The validated configuration.
  public let configuration: Configuration
  /// G = D·Dᵀ, computed once so that encoding many batches with one encoder pays for it once
  /// (`nil` for exact L1 coding, which does not use it).
  private let gram: Matrix<Double>?
  /// FISTA's step bound, the largest eigenvalue of G (FISTA only).
  private let lipschitz: Double?
  /// The active-set method's reference solver for degenerate points, built once like G.
  private let fallback: ReferenceLasso?

  /// The codes and how they were obtained.
  public struct Output: Sendable {
    /// Z, `N × K`.
    public var codes: Matrix<Double>
    /// Points the active-set fast path handed to the reference solver ``NonnegativeLasso``.
    public var referenceFallbacks: Int
    /// Points where coordinate descent or FISTA stopped on its budget before its tolerance.
    public var unconvergedPoints: Int
  }

  /// Inputs of the wrong shape, or a point the method cannot code.
  public struct EncodingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What went wrong, naming the point.
    public var message: String
    public var description: String { message }

    /// An error with `message`.
    public init(message: String) { self.message = message }
  }

  /// An encoder for `dictionary` (`K × m`, K ≥ 1, m ≥ 1); OMP and TopK need `activeCount` ≤ K.
  public init(dictionary: Matrix<Double>, configuration: Configuration) throws(ConfigurationError) {
    guard dictionary.rows >= 1 && dictionary.columns >= 1 else {
      throw ConfigurationError(message: "The dictionary must have at least one atom and one dimension. Got \(dictionary.rows)×\(dictionary.columns) instead.")
    }
    if let count = configuration.activeCount, count > dictionary.rows {
      throw ConfigurationError(
        message: "The 'activeCount' parameter of SparseEncoder must be in 1...\(dictionary.rows) (the atom count). Got \(count) instead.")
    }
    self.dictionary = dictionary
    self.configuration = configuration
    // On one OpenBLAS thread, as `encode` codes: LAPACK's eigenvalues move in the last bit with the
    // thread count (a 12 × 12 Gram gave two values of λ_max at 1 and 2 threads), and FISTA's codes with them.
    let previousThreads = BLAS.threadCount
    BLAS.setThreadCount(1)
    defer { BLAS.setThreadCount(previousThreads) }
    let gram = configuration.method == .exactL1 ? nil : dictionary.rowGram()
    self.gram = gram
    lipschitz = configuration.method == .fista ? gram.flatMap { try? $0.symmetricEigen().values.max() } : nil
    fallback = configuration.method == .activeSet ? gram.map { ReferenceLasso(dictionary: dictionary, gram: $0, configuration: configuration) } : nil
  }

  /// The codes of the rows of `samples` (`N × m`) after subtracting `bias` (length m, or `nil`).
  /// Throws when the shapes disagree (the message gives all of them) or, for exact L1 coding, when a
  /// point has no verified exact code. `blockSize` points share one BLAS call and one worker task;
  /// small inputs (a mini-batch) need small blocks to keep every worker busy.
  public func encode(_ samples: Matrix<Double>, bias: [Double]?, blockSize: Int = SparseEncoder.blockSize) throws(EncodingError) -> Output {
    precondition(blockSize >= 1, "The block size must be at least 1, got \(blockSize).")
    guard samples.columns == dictionary.columns && (bias?.count ?? samples.columns) == samples.columns else {
      let shapes = "the samples X (\(samples.rows)×\(samples.columns))" + (bias == nil ? " and" : ",")
        + " the dictionary D (\(dictionary.rows)×\(dictionary.columns))" + (bias.map { " and the bias b (length \($0.count))" } ?? "")
      throw EncodingError(message: "Inconsistent shapes: \(shapes) must all have m columns.")
    }
    let previousThreads = BLAS.threadCount
    BLAS.setThreadCount(1)
    defer { BLAS.setThreadCount(previousThreads) }
    let centred = SparseCodingProblem.subtractingBias(bias, from: samples)
    guard let gram else { return try exactL1(centred) }

    let n = samples.rows, k = dictionary.rows, m = dictionary.columns
    let blocks = (n + blockSize - 1) / blockSize
    let workers = max(1, min(configuration.threads, blocks))
    var tallies = [PointSolver.Tally](repeating: .init(), count: workers)
    let queue = BlockQueue(count: blocks)
    // Every kernel writes all K codes of its point, so the 8·N·K bytes need no zeroing pass.
    let codes = [Double](unsafeUninitializedCapacity: n * k) { out, initialized in
      gram.storage.withUnsafeBufferPointer { gramPointer in
        tallies.withUnsafeMutableBufferPointer { tallyOut in
          let problem = GramProblem(gram: gramPointer.baseAddress!, atomCount: k, lambda: configuration.lambda,
                                    constraint: configuration.constraint)
          let output = DisjointOutput(base: out.baseAddress!), tallyOutput = DisjointOutput(base: tallyOut.baseAddress!)
          DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let solver = PointSolver(problem: problem, configuration: configuration, supportCapacity: min(k, m),
                                     lipschitz: lipschitz.map { $0 * (1 + 1e-12) } ?? 1, fallback: fallback)
            while let block = queue.take() {
              let first = block * blockSize, last = min(n, first + blockSize)
              let rows = Matrix(rows: last - first, columns: m, storage: Array(centred.storage[(first * m)..<(last * m)]))
              let correlations = rows.multiplied(by: dictionary, transposingOther: true)
              correlations.storage.withUnsafeBufferPointer { c in
                for point in 0..<(last - first) {
                  solver.solve(correlations: c.baseAddress! + point * k, into: output.base + (first + point) * k)
                }
              }
            }
            tallyOutput.base[worker] = solver.tally
          }
        }
      }
      initialized = n * k
    }
    return Output(codes: Matrix(rows: n, columns: k, storage: codes),
                  referenceFallbacks: tallies.reduce(0) { $0 + $1.referenceFallbacks },
                  unconvergedPoints: tallies.reduce(0) { $0 + $1.unconverged })
  }

  /// Exact L1 coding, one verified GLPK program per point (sequential); signed codes use the
  /// doubled dictionary [D; −D] and z = z⁺ − z⁻.
  private func exactL1(_ centred: Matrix<Double>) throws(EncodingError) -> Output {
    let k = dictionary.rows
    let atoms = configuration.constraint == .signed
      ? Matrix(rows: 2 * k, columns: dictionary.columns, storage: dictionary.storage + dictionary.storage.map { -$0 })
      : dictionary
    var codes = Matrix<Double>(rows: centred.rows, columns: k)
    for n in 0..<centred.rows {
      let point: ExactL1Coding.PointCode
      do { point = try ExactL1Coding.code(centred.row(n), dictionary: atoms) } catch {
        throw EncodingError(message: "Exact L1 coding of point \(n) failed: \(error).")
      }
      guard let code = point.code, point.verified else {
        let reason = point.cost == .infinity ? "is outside the cone of the atoms (no exact code exists)" : "has no verified LP answer"
        throw EncodingError(message: "Point \(n) (row \(n) of X) \(reason).")
      }
      codes.setRow(n, to: configuration.constraint == .signed ? (0..<k).map { code[$0] - code[k + $0] } : code)
    }
    return Output(codes: codes, referenceFallbacks: 0, unconvergedPoints: 0)
  }
}
