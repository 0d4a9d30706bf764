import LabNumerics
import Foundation
import LabRandom

/// A value for every feature `i = 0..<F`: a firing probability, a mean magnitude or a standard
/// deviation, as SAELens's generators build them (ANCHORS §3.6).
///
/// - `constant`: `v` for every feature.
/// - `linear`: evenly spaced from `start` (feature 0) to `end` (feature F−1), as `linspace`.
/// - `exponential`: `start·(end/start)^(i/(F−1))`.
/// - `zipf`: for rank `r = i+1`, `min + (max − min)·(r^(−e) − F^(−e)) / (1 − F^(−e))`, an affine
///   rescale of `r^(−e)` into `[min, max]`, descending.
/// - `random`: independent `U(min, max)` draws.
/// - `folded-normal`: independent `|N(mean, std)|` draws, clamped to `[min, max]` when given.
///
/// With one feature, `linear`, `exponential` and `zipf` give `start` (resp. `max`).
public enum FeatureProfile: Codable, Equatable, Sendable {
  /// The same value for every feature.
  case constant(Double)
  /// Evenly spaced from `start` to `end`.
  case linear(start: Double, end: Double)
  /// Geometric from `start` to `end`.
  case exponential(start: Double, end: Double)
  /// Zipf's law rescaled into `[min, max]`, descending.
  case zipf(exponent: Double, max: Double, min: Double)
  /// Independent uniform draws.
  case random(min: Double, max: Double)
  /// Independent folded-normal draws, optionally clamped.
  case foldedNormal(mean: Double, standardDeviation: Double, min: Double?, max: Double?)

  /// The `kind` names in toy files.
  public static let kinds = ["constant", "linear", "exponential", "zipf", "random", "folded-normal"]

  private enum Key: String, CodingKey {
    case kind, value, start, end, exponent, max, min, mean, standardDeviation
  }

  /// The keys each kind accepts, for unknown-key messages.
  public static let keys: [String: [String]] = [
    "constant": ["kind", "value"], "linear": ["kind", "start", "end"], "exponential": ["kind", "start", "end"],
    "zipf": ["kind", "exponent", "max", "min"], "random": ["kind", "min", "max"],
    "folded-normal": ["kind", "mean", "standardDeviation", "min", "max"],
  ]

  /// Decodes `{"kind": ..., parameters}`; a bare number means `constant`.
  public init(from decoder: Decoder) throws {
    if let value = try? decoder.singleValueContainer().decode(Double.self) {
      self = .constant(value)
      return
    }
    let c = try decoder.container(keyedBy: Key.self)
    let kind = try c.decode(String.self, forKey: .kind)
    switch kind {
    case "constant": self = .constant(try c.decode(Double.self, forKey: .value))
    case "linear": self = .linear(start: try c.decode(Double.self, forKey: .start), end: try c.decode(Double.self, forKey: .end))
    case "exponential":
      self = .exponential(start: try c.decode(Double.self, forKey: .start), end: try c.decode(Double.self, forKey: .end))
    case "zipf":
      self = .zipf(exponent: try c.decodeIfPresent(Double.self, forKey: .exponent) ?? 1,
                   max: try c.decodeIfPresent(Double.self, forKey: .max) ?? 0.3,
                   min: try c.decodeIfPresent(Double.self, forKey: .min) ?? 0.01)
    case "random":
      self = .random(min: try c.decodeIfPresent(Double.self, forKey: .min) ?? 0.01,
                     max: try c.decodeIfPresent(Double.self, forKey: .max) ?? 0.5)
    case "folded-normal":
      self = .foldedNormal(mean: try c.decode(Double.self, forKey: .mean),
                           standardDeviation: try c.decode(Double.self, forKey: .standardDeviation),
                           min: try c.decodeIfPresent(Double.self, forKey: .min),
                           max: try c.decodeIfPresent(Double.self, forKey: .max))
    default:
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: c, debugDescription: "unknown profile kind '\(kind)'. Did you mean '\(Nearest.name(to: kind, in: Self.kinds))'? Known: \(Self.kinds.joined(separator: ", "))")
    }
  }

  /// Encodes as `{"kind": ..., parameters}`.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    switch self {
    case .constant(let v):
      try c.encode("constant", forKey: .kind)
      try c.encode(v, forKey: .value)
    case .linear(let s, let e):
      try c.encode("linear", forKey: .kind)
      try c.encode(s, forKey: .start)
      try c.encode(e, forKey: .end)
    case .exponential(let s, let e):
      try c.encode("exponential", forKey: .kind)
      try c.encode(s, forKey: .start)
      try c.encode(e, forKey: .end)
    case .zipf(let e, let hi, let lo):
      try c.encode("zipf", forKey: .kind)
      try c.encode(e, forKey: .exponent)
      try c.encode(hi, forKey: .max)
      try c.encode(lo, forKey: .min)
    case .random(let lo, let hi):
      try c.encode("random", forKey: .kind)
      try c.encode(lo, forKey: .min)
      try c.encode(hi, forKey: .max)
    case .foldedNormal(let m, let s, let lo, let hi):
      try c.encode("folded-normal", forKey: .kind)
      try c.encode(m, forKey: .mean)
      try c.encode(s, forKey: .standardDeviation)
      try c.encodeIfPresent(lo, forKey: .min)
      try c.encodeIfPresent(hi, forKey: .max)
    }
  }

  /// The values for `count` features; random kinds draw from `generator`.
  public func values<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> [Double] {
    let last = Double(max(count - 1, 1))
    switch self {
    case .constant(let v):
      return Array(repeating: v, count: count)
    case .linear(let s, let e):
      return (0..<count).map { count == 1 ? s : s + (e - s) * Double($0) / last }
    case .exponential(let s, let e):
      return (0..<count).map { count == 1 ? s : s * Foundation.pow(e / s, Double($0) / last) }
    case .zipf(let exponent, let hi, let lo):
      let tail = Foundation.pow(Double(count), -exponent)
      return (0..<count).map { i in
        count == 1 ? hi : lo + (hi - lo) * (Foundation.pow(Double(i + 1), -exponent) - tail) / (1 - tail)
      }
    case .random(let lo, let hi):
      return (0..<count).map { _ in generator.nextUniform(in: lo...hi) }
    case .foldedNormal(let m, let s, let lo, let hi):
      return (0..<count).map { _ in
        var v = abs(generator.nextNormal(mean: m, standardDeviation: s))
        if let lo { v = Swift.max(v, lo) }
        if let hi { v = Swift.min(v, hi) }
        return v
      }
    }
  }

  /// The smallest and largest value the profile can produce (`folded-normal` without an upper
  /// clamp is unbounded above).
  var range: ClosedRange<Double> {
    switch self {
    case .constant(let v): return v...v
    case .linear(let s, let e), .exponential(let s, let e): return Swift.min(s, e)...Swift.max(s, e)
    case .zipf(_, let hi, let lo), .random(let lo, let hi): return Swift.min(lo, hi)...Swift.max(lo, hi)
    case .foldedNormal(_, _, let lo, let hi): return Swift.max(lo ?? 0, 0)...(hi ?? .infinity)
    }
  }

  /// Problems with the parameters for a profile used as `field`, whose values must lie in `allowed`.
  func problems(field: String, allowed: ClosedRange<Double>) -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    let parameters: [Double]
    switch self {
    case .constant(let v): parameters = [v]
    case .linear(let s, let e): parameters = [s, e]
    case .exponential(let s, let e):
      parameters = [s, e]
      if !(s > 0 && e > 0) { found.append(ParameterProblem(field, ": exponential needs start > 0 and end > 0, got start \(s), end \(e)")) }
    case .zipf(let exponent, let hi, let lo):
      parameters = [exponent, hi, lo]
      if !(exponent > 0) { found.append(ParameterProblem("\(field).exponent", mustBe: "> 0", got: exponent)) }
      if !(lo <= hi) { found.append(ParameterProblem(field, ": zipf needs min <= max, got min \(lo), max \(hi)")) }
    case .random(let lo, let hi):
      parameters = [lo, hi]
      if !(lo <= hi) { found.append(ParameterProblem(field, ": random needs min <= max, got min \(lo), max \(hi)")) }
    case .foldedNormal(let m, let s, let lo, let hi):
      parameters = [m, s] + [lo, hi].compactMap { $0 }
      if !(s >= 0) { found.append(ParameterProblem("\(field).standardDeviation", mustBe: ">= 0", got: s)) }
      if let lo, let hi, lo > hi { found.append(ParameterProblem(field, ": folded-normal needs min <= max, got min \(lo), max \(hi)")) }
    }
    if !parameters.allSatisfy(\.isFinite) {
      found.append(ParameterProblem(field, "parameters must be finite, got \(parameters)"))
    } else if found.isEmpty {
      let r = range
      if !(allowed.contains(r.lowerBound) && (allowed.contains(r.upperBound) || (r.upperBound == .infinity && allowed.upperBound == .infinity))) {
        found.append(ParameterProblem(field, "values must lie in \(allowed.lowerBound)...\(allowed.upperBound), but this profile spans \(r.lowerBound)...\(r.upperBound)"))
      }
    }
    return found
  }
}
