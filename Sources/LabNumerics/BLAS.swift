internal import CBLASLAPACKE

/// The OpenBLAS runtime shared by every BLAS and LAPACK call of the process.
public enum BLAS {
  /// The number of threads OpenBLAS uses for each call (`openblas_get_num_threads`).
  /// It defaults to the number of cores, or to `OPENBLAS_NUM_THREADS` when that is set.
  public static var threadCount: Int {
    Int(openblas_get_num_threads())
  }

  /// Sets the number of threads OpenBLAS uses for each later call (`openblas_set_num_threads`), `n ≥ 1`.
  /// Use 1 when the caller already runs BLAS work on several threads of its own.
  ///
  /// The count is one setting for the whole process, and results can depend on it in the last bit
  /// (LAPACK's eigenvalues do). Library calls that run their own workers (``SparseEncoder``, the
  /// trainers, the online learner) set 1 and restore the previous count when they return, so two
  /// such calls running at the same time on threads of one process can change it under each other.
  /// The `lab` commands set it once and run one such call at a time.
  ///
  /// Setting the count it already has does nothing: OpenBLAS would start its stopped pool again
  /// (``stopIdleThreads()``).
  public static func setThreadCount(_ n: Int) {
    precondition(n >= 1 && n <= Int(Int32.max), "BLAS thread count must be at least 1, got \(n).")
    guard n != threadCount else { return }
    openblas_set_num_threads(Int32(n))
  }

  /// Stops OpenBLAS's pool of worker threads (`blas_thread_shutdown_`); the next call that uses more
  /// than one thread starts it again. The pool starts when the library loads, and each of its threads
  /// then waits for work by spinning (`sched_yield`) for about 0.1 s, as it does again after every
  /// multi-threaded call. A process whose BLAS calls all run on one thread (its own workers each
  /// calling one-thread BLAS) would lose a core to that spin. Call it only while no BLAS call runs;
  /// setting a thread count other than the current one starts the pool again.
  public static func stopIdleThreads() {
    _ = blas_thread_shutdown_()
  }

  /// The name of the kernel set OpenBLAS chose for this CPU when it loaded (`openblas_get_corename`),
  /// e.g. `"Haswell"` or `"Cooperlake"`; `OPENBLAS_CORETYPE`, when set before the process starts,
  /// chooses it instead.
  public static var kernelSet: String {
    String(cString: openblas_get_corename())
  }

  /// OpenBLAS's build description (`openblas_get_config`) without surrounding whitespace,
  /// e.g. `"OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64"`; for run records.
  public static var configuration: String {
    let raw = String(cString: openblas_get_config())
    guard let first = raw.firstIndex(where: { !$0.isWhitespace }),
      let last = raw.lastIndex(where: { !$0.isWhitespace })
    else { return "" }
    return String(raw[first...last])
  }
}

/// `n` as a 32-bit BLAS/LAPACK integer (this OpenBLAS is built without `USE_64BITINT`);
/// a dimension that does not fit is a precondition failure.
@usableFromInline
func blasInteger(_ n: Int) -> Int32 {
  precondition(n >= 0 && n <= Int(Int32.max), "Dimension \(n) does not fit the 32-bit BLAS/LAPACK integers.")
  return Int32(n)
}
