import LabNumerics

/// How good codes are for a fixed dictionary (and bias): the objective, the code part of the KKT
/// residual and the duality gap of every point's lasso, in the sum units of THEORY §2.1.
///
/// With r_n = x_n − b − Σ_k z_nk d_k and q_nk = d_kᵀ r_n:
/// * (K1)  max( max_{z_nk > 0} |λ − q_nk|, max_{z_nk = 0} (q_nk − λ)₊ ) for nonnegative codes, and
///   (K1±) max( max_{z_nk ≠ 0} |λ sign z_nk − q_nk|, max_{z_nk = 0} (|q_nk| − λ)₊ ) for signed
///   codes (THEORY §3.2, Theorems 3.1–3.2); a negative code in the nonnegative problem counts as +∞;
/// * the duality gap P(z_n) − (⟨v_n, θ_n⟩ − ½‖θ_n‖²) ≥ 0, v_n = x_n − b, at the dual-feasible point
///   θ_n = s·r_n, s = min(1, λ / max_k q_nk) (max_k |q_nk| for signed codes). It is 0 exactly at the
///   optimum, and bounds the distance of the point's objective from the optimal one.
public struct CodeOptimality: Sendable, Equatable, Codable {
  /// Σ_n ½‖r_n‖² + λ‖z_n‖₁.
  public var objective: Double
  /// The largest (K1) / (K1±) violation over all points and atoms.
  public var maxKKTViolation: Double
  /// The largest per-point duality gap.
  public var maxDualityGap: Double
  /// The mean number of nonzero codes per point.
  public var meanL0: Double
  /// N.
  public var pointCount: Int

  /// The objective per point, `objective / pointCount`.
  public var meanObjective: Double { pointCount == 0 ? 0 : objective / Double(pointCount) }

  /// The figures as they are.
  init(objective: Double, maxKKTViolation: Double, maxDualityGap: Double, meanL0: Double, pointCount: Int) {
    self.objective = objective
    self.maxKKTViolation = maxKKTViolation
    self.maxDualityGap = maxDualityGap
    self.meanL0 = meanL0
    self.pointCount = pointCount
  }

  /// Rows measured at once: the residual and correlation blocks stay small whatever N is, so the
  /// measurement streams at BLAS speed instead of faulting in N × K arrays (whose page clearing
  /// cost more than the coding itself in `lab encode` at N = 20,000, K = 256). At K = 256 a block's
  /// correlations (512 KB) stay in a core's cache while they are read, and 2 workers share the 18
  /// blocks of 4,608 rows evenly: blocks of 1,024 rows (3 against 2) took `lab encode --threads 2`'s
  /// measure 20-26 ms on W1 against 14 ms for 256 rows (128: no faster).
  static let blockRows = 256

  /// Measures `codes` (`N × K`) for `samples` (`N × m`), `dictionary` (`K × m`), `bias` (length m or `nil`).
  public init(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, codes: Matrix<Double>, lambda: Double,
              constraint: CodeConstraint) {
    self.init(samples: samples, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda, constraint: constraint, continuing: nil)
  }

  /// The measure of the points measured in `previous` (nil: none) followed by these: bit for bit
  /// what one call on all of them gives, so a data set can be measured a block of rows at a time.
  /// `threads` workers measure blocks of rows at once (each with one-thread BLAS); the objective is
  /// still summed in point order, so the bytes do not depend on `threads`.
  public init(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, codes: Matrix<Double>, lambda: Double,
              constraint: CodeConstraint, continuing previous: CodeOptimality?, threads: Int = 1) {
    self = Self.measured(samples: samples, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda, constraint: constraint,
                         continuing: previous, threads: threads).optimality
  }

  /// The measure of ``init(samples:dictionary:bias:codes:lambda:constraint:continuing:threads:)``
  /// and the nonzero pattern of `codes` it found on the way, for a caller that writes them sparse.
  public static func measured(samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, codes: Matrix<Double>, lambda: Double,
                              constraint: CodeConstraint, continuing previous: CodeOptimality?, threads: Int = 1)
    -> (optimality: CodeOptimality, nonzeros: NonzeroPattern)
  {
    let n = samples.rows
    let blocks = (n + Self.blockRows - 1) / Self.blockRows, workers = max(1, min(threads, blocks))
    // The blocks start at multiples of blockRows whatever the thread count, so no row's product
    // depends on how the rows are shared out: OpenBLAS computes a one-row product as a
    // matrix-vector product, whose bits differ from the same row's in a larger block.
    let measure: @Sendable (Int) -> BlockMeasure = { block in
      Self.measure(rows: (block * Self.blockRows)..<min(n, (block + 1) * Self.blockRows), samples: samples, dictionary: dictionary,
                   bias: bias, codes: codes, lambda: lambda, signed: constraint == .signed)
    }
    let previousThreads = BLAS.threadCount
    if workers > 1 { BLAS.setThreadCount(1) }
    defer { BLAS.setThreadCount(previousThreads) }
    let measures = RowBlocks.map(rows: blocks, count: workers) { range in range.map(measure) }.joined()
    var objective = previous?.objective ?? 0, worstKKT = previous?.maxKKTViolation ?? 0, worstGap = previous?.maxDualityGap ?? 0
    var pattern = NonzeroPattern()
    for block in measures {
      for primal in block.primals { objective += primal }
      worstKKT = max(worstKKT, block.worstKKT)
      worstGap = max(worstGap, block.worstGap)
      pattern.append(block.nonzeros)
    }
    // meanL0 is a count over pointCount, both exact in a Double: the product recovers the count.
    let nonzeros = (previous.map { Int(($0.meanL0 * Double($0.pointCount)).rounded()) } ?? 0) + pattern.columns.count
    let total = n + (previous?.pointCount ?? 0)
    let optimality = CodeOptimality(objective: objective, maxKKTViolation: worstKKT, maxDualityGap: worstGap,
                                    meanL0: total == 0 ? 0 : Double(nonzeros) / Double(total), pointCount: total)
    return (optimality, pattern)
  }

  /// One block's measure: each point's primal objective (summed by the caller in point order), the
  /// block's worst (K1) violation and duality gap (maxima, whatever the order) and its nonzero codes.
  struct BlockMeasure: Sendable {
    var primals: [Double] = []
    var worstKKT = 0.0
    var worstGap = 0.0
    var nonzeros = NonzeroPattern()
  }

  /// Measures the points `rows`: the residual r = x − b − Σ_k z_k d_k by each point's nonzero codes
  /// (the codes are sparse: a dense product would cost N·K·m), then the correlations Dᵀr by BLAS.
  /// The verification recomputes both from X, D and Z, independently of the solver's own bookkeeping.
  static func measure(rows range: Range<Int>, samples: Matrix<Double>, dictionary: Matrix<Double>, bias: [Double]?, codes: Matrix<Double>,
                      lambda: Double, signed: Bool) -> BlockMeasure {
    let k = dictionary.rows, m = dictionary.columns, rows = range.count, first = range.lowerBound
    var result = BlockMeasure(primals: [Double](repeating: 0, count: rows))
    var residualStorage = [Double](repeating: 0, count: rows * m)
    var residualSquares = [Double](repeating: 0, count: rows), inners = [Double](repeating: 0, count: rows)
    let shift = bias ?? [Double](repeating: 0, count: m)
    // The block's nonzero codes: point p's atoms are active.row(p), in order.
    var active = NonzeroPattern()
    samples.storage.withUnsafeBufferPointer { x in
      codes.storage.withUnsafeBufferPointer { z in
        dictionary.storage.withUnsafeBufferPointer { d in
          residualStorage.withUnsafeMutableBufferPointer { r in
            for point in 0..<rows {
              let row = first + point
              active.appendRow(z.baseAddress! + row * k, count: k)
              let rRow = r.baseAddress! + point * m
              rRow.update(repeating: 0, count: m)
              for a in active.row(point) { SparseRowKernels.add(z[row * k + a], times: d.baseAddress! + a * m, to: rRow, count: m) }
              var inner = 0.0, squared = 0.0
              for i in 0..<m {
                let v = x[row * m + i] - shift[i]
                let ri = v - r[point * m + i]
                r[point * m + i] = ri
                inner += v * ri
                squared += ri * ri
              }
              inners[point] = inner
              residualSquares[point] = squared
            }
          }
        }
      }
    }
    let correlations = Matrix(rows: rows, columns: m, storage: residualStorage).multiplied(by: dictionary, transposingOther: true)
    var worstKKT = 0.0, worstGap = 0.0
    codes.storage.withUnsafeBufferPointer { zs in
      correlations.storage.withUnsafeBufferPointer { qs in
        for point in 0..<rows {
          let zRow = zs.baseAddress! + (first + point) * k, qRow = qs.baseAddress! + point * k
          let squared = residualSquares[point], inner = inners[point]
          // The largest correlation over all atoms (four lanes at a time: a maximum does not depend
          // on the order), then the few active atoms one by one.
          let largest = Self.largestCorrelation(qRow, count: k, signed: signed)
          // A silent atom violates q − λ ≤ 0 (|q| − λ signed) by fl(q − λ), which grows with q. The
          // maximum is taken over the active atoms too, without changing the result: an active atom's
          // fl(q − λ) never exceeds its own violation |fl(λ − q)| (|fl(±λ − q)| signed: rounding is
          // monotone), which the loop below adds, so the codes need not be read to tell silent atoms
          // apart. A correlation that is not a number fails every condition.
          worstKKT = largest.isNaN ? .infinity : max(worstKKT, max(largest - lambda, 0))
          var l1 = 0.0
          for a in active.row(point) {
            let z = zRow[a], q = qRow[a]
            l1 += abs(z)
            worstKKT = max(worstKKT, !signed && z < 0 ? .infinity : abs((z > 0 ? lambda : -lambda) - q))
          }
          let primal = 0.5 * squared + lambda * l1
          let scale = largest > lambda ? lambda / largest : 1
          let dual = scale * inner - 0.5 * scale * scale * squared
          result.primals[point] = primal
          worstGap = max(worstGap, primal - dual)
        }
      }
    }
    result.worstKKT = worstKKT
    result.worstGap = worstGap
    result.nonzeros = active
    return result
  }

  /// The largest of q_a (|q_a| when `signed`) over the `count` atoms (0 when all are below it), NaN if any is NaN.
  static func largestCorrelation(_ q: UnsafePointer<Double>, count: Int, signed: Bool) -> Double {
    typealias Lanes = SIMD4<Double>
    var all = Lanes(repeating: 0), unordered = Lanes(repeating: 0)
    var a = 0
    while a + 4 <= count {
      var values = UnsafeRawPointer(q + a).loadUnaligned(as: Lanes.self)
      if signed { values = Lanes(abs(values.x), abs(values.y), abs(values.z), abs(values.w)) }
      unordered += values - values
      // Swift.max(x, y) lane by lane (y >= x ? y : x): the generic pointwiseMax is an out-of-line call.
      all.replace(with: values, where: values .>= all)
      a += 4
    }
    var largest = all.max(), nan = unordered.sum().isNaN
    while a < count {
      let value = signed ? abs(q[a]) : q[a]
      nan = nan || value.isNaN
      largest = Swift.max(largest, value)
      a += 1
    }
    return nan ? .nan : largest
  }
}
