import LabNumerics
extension SparseEncoder {
  /// The coding algorithms, by their stable command-line names.
  public enum Method: String, Sendable, Codable, CaseIterable {
    /// Exact lasso by the primal active-set method on the Gram matrix ((K1) to about 1e-14).
    case activeSet = "active-set"
    /// Cyclic coordinate descent on the Gram matrix, to (K1) ≤ `tolerance`.
    case coordinateDescent = "cd"
    /// FISTA with restart, to (K1) ≤ `tolerance`.
    case fista
    /// Orthogonal matching pursuit with `activeCount` atoms (signed codes only).
    case omp
    /// The `activeCount` largest correlations (an SAE's TopK encoder with tied weights).
    case topK = "topk"
    /// Soft thresholding of the correlations at λ.
    case threshold
    /// Exact L1 coding, the λ → 0 problem P₀ (THEORY §2.1), one GLPK linear program per point.
    case exactL1 = "exact-l1"

    /// Whether the method takes `activeCount`.
    public var needsActiveCount: Bool { self == .omp || self == .topK }
  }

  /// A validated encoder configuration.
  public struct Configuration: Sendable, Equatable {
    /// The algorithm.
    public var method: Method
    /// The L1 weight λ > 0 (exact L1 coding uses it only in the reported objective).
    public var lambda: Double
    /// Nonnegative or signed codes.
    public var constraint: CodeConstraint
    /// Atoms per point for OMP and TopK; `nil` for the other methods.
    public var activeCount: Int?
    /// Worker threads (≥ 1). Results do not depend on it.
    public var threads: Int
    /// The (K1) target at which coordinate descent and FISTA stop.
    public var tolerance: Double
    /// The sweep (coordinate descent) or iteration (FISTA) budget per point.
    public var maxIterations: Int

    /// Validates every field; the message names the field and the value, as
    /// "The 'lambda' parameter of SparseEncoder must be a finite number > 0. Got 0.0 instead."
    public init(method: Method, lambda: Double, constraint: CodeConstraint, activeCount: Int? = nil, threads: Int = 1,
                tolerance: Double = 1e-10, maxIterations: Int = 100_000) throws(ConfigurationError) {
      func fail(_ name: String, _ constraint: String, _ value: Any) -> ConfigurationError {
        ConfigurationError(message: ParameterProblem(name, mustBe: constraint, got: value).description(of: "SparseEncoder"))
      }
      guard lambda.isFinite && lambda > 0 else { throw fail("lambda", "a finite number > 0", lambda) }
      guard threads >= 1 else { throw fail("threads", "at least 1", threads) }
      guard tolerance.isFinite && tolerance > 0 else { throw fail("tolerance", "a finite number > 0", tolerance) }
      guard maxIterations >= 1 else { throw fail("maxIterations", "at least 1", maxIterations) }
      if method.needsActiveCount {
        guard let activeCount, activeCount >= 1 else {
          throw fail("activeCount", "an integer ≥ 1 for the '\(method.rawValue)' method", activeCount.map(String.init) ?? "nothing")
        }
      } else if let activeCount {
        throw fail("activeCount", "absent for the '\(method.rawValue)' method", activeCount)
      }
      if method == .omp && constraint == .nonnegative {
        throw ConfigurationError(message: "Non-negative codes are not supported by the 'omp' encoder; use signed codes.")
      }
      self.method = method
      self.lambda = lambda
      self.constraint = constraint
      self.activeCount = activeCount
      self.threads = threads
      self.tolerance = tolerance
      self.maxIterations = maxIterations
    }
  }

  /// An invalid configuration or input, with a message naming the field and the value.
  public struct ConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    public var description: String { message }

    /// An error with `message`.
    public init(message: String) { self.message = message }
  }
}
