import LabNumerics
import Foundation
import LabRandom

/// A distribution of one real value, for dense features and rays.
///
/// `constant` (value), `uniform` (U[lower, upper]), `normal` (mean, standardDeviation) and
/// `lognormal` (`exp(mean + standardDeviation·ε)`, the parameters of the logarithm). The lognormal
/// uses libm's `exp`, so it may differ in the last bit between C libraries.
public struct ScalarDistribution: Codable, Equatable, Sendable {
  /// The kind.
  public var kind: String
  /// `constant`: the value.
  public var value: Double?
  /// `uniform`: bounds.
  public var lower: Double?
  /// `uniform`: bounds.
  public var upper: Double?
  /// `normal`, `lognormal`: location.
  public var mean: Double?
  /// `normal`, `lognormal`: scale.
  public var standardDeviation: Double?

  /// The kinds.
  public static let kinds = ["constant", "uniform", "normal", "lognormal"]

  /// A distribution.
  public init(kind: String, value: Double? = nil, lower: Double? = nil, upper: Double? = nil, mean: Double? = nil,
              standardDeviation: Double? = nil) {
    self.kind = kind
    self.value = value
    self.lower = lower
    self.upper = upper
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// Problems, named under `field`.
  func problems(field: String) -> [ParameterProblem] {
    func need(_ name: String, _ v: Double?) -> [ParameterProblem] {
      v.map { $0.isFinite } == true ? [] : [ParameterProblem("\(field).\(name)", mustBe: "a finite number", got: v)]
    }
    switch kind {
    case "constant": return need("value", value)
    case "uniform":
      let found = need("lower", lower) + need("upper", upper)
      if found.isEmpty, let lo = lower, let hi = upper, lo > hi { return [ParameterProblem(field, ": uniform needs lower <= upper, got \(lo) > \(hi)")] }
      return found
    case "normal", "lognormal":
      let found = need("mean", mean) + need("standardDeviation", standardDeviation)
      if found.isEmpty, let s = standardDeviation, s < 0 { return [ParameterProblem("\(field).standardDeviation", mustBe: ">= 0", got: s)] }
      return found
    default:
      return [ParameterProblem("\(field).kind", "is unknown: '\(kind)'. Did you mean '\(Nearest.name(to: kind, in: Self.kinds))'? Known: \(Self.kinds.joined(separator: ", "))")]
    }
  }

  /// One draw.
  func sample<G: RandomNumberGenerator>(using g: inout G) -> Double {
    switch kind {
    case "constant": return value ?? 0
    case "uniform": return g.nextUniform(in: (lower ?? 0)...(upper ?? 0))
    case "normal": return g.nextNormal(mean: mean ?? 0, standardDeviation: standardDeviation ?? 0)
    default: return Foundation.exp(g.nextNormal(mean: mean ?? 0, standardDeviation: standardDeviation ?? 0))
    }
  }
}
