import Foundation
import LabFormats
import LabGenerators
import LabNumerics
import LabRandom

/// A SAELens synthetic model directory (sae-lens 6.54, ANCHORS §3.6): `synthetic_model_config.json`,
/// `synthetic_model.safetensors` (`feature_vectors` F×H, `bias` H, `firing_probabilities` F,
/// optional `correlation_factor` F×rank and `correlation_diag` F) and `hierarchy.json`.
///
/// Reading keeps the saved tensors and hierarchy and rebuilds the per-feature magnitude means
/// and standard deviations from the config (`constant`, `linear`, `exponential`; SAELens draws
/// `folded_normal` values from torch's RNG, which is not reproduced — the same law is drawn from
/// the lab's seed instead). Sampling then follows SAELens's semantics exactly in distribution
/// (``BernoulliSampler``: copula or Bernoulli firing, `max(0, μ + σε)`, level-ordered gating,
/// at-most-one exclusion, per-node scaling by the parent, final ReLU), with the lab's own seeded
/// streams rather than torch's.
public struct SAELensSyntheticModel {
  /// `feature_vectors`, F×H.
  public var featureVectors: Matrix<Double>
  /// `bias`, H.
  public var bias: [Double]
  /// `firing_probabilities` (as saved: after compensation), F.
  public var firingProbabilities: [Double]
  /// `correlation_factor` (F×rank) and `correlation_diag` (F), if firing is correlated.
  public var correlation: (factor: Matrix<Double>, diagonal: [Double])?
  /// Parent of every feature in `hierarchy.json` (`nil` = root or free).
  public var parents: [Int?]
  /// Nodes with `mutually_exclusive_children` (and at least two children).
  public var exclusiveParents: Set<Int>
  /// Nodes with `scale_children_by_parent`.
  public var scaledParents: Set<Int>
  /// Per-feature magnitude means and standard deviations.
  public var magnitudes: MagnitudeModel
  /// The config's `seed` (fixes the random magnitude profiles here), 0 if null.
  public var seed: UInt64
  /// The config as read, written back unchanged by ``write(to:)``.
  public var config: [String: Any]

  // MARK: - Reading

  /// Reads the directory; errors name the file, key and value.
  public init(directory: String) throws {
    func path(_ name: String) -> String { URL(fileURLWithPath: directory).appendingPathComponent(name).path }
    let configPath = path("synthetic_model_config.json")
    guard let data = FileManager.default.contents(atPath: configPath),
          let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw FormatError(path: configPath, "missing or not a JSON object")
    }
    guard let f = config["num_features"] as? Int, let h = config["hidden_dim"] as? Int, f >= 1, h >= 1 else {
      throw FormatError(path: configPath, "'num_features' and 'hidden_dim' must be integers >= 1, got \(config["num_features"] ?? "nothing"), \(config["hidden_dim"] ?? "nothing")")
    }
    let weightsPath = path("synthetic_model.safetensors")
    let weights = try SafeTensors(contentsOf: weightsPath)
    func tensor(_ name: String, _ shape: [Int]) throws -> [Double] {
      guard let t = weights.tensors[name] else { throw FormatError(path: weightsPath, "missing tensor '\(name)'") }
      guard t.shape == shape else { throw FormatError(path: weightsPath, "tensor '\(name)' has shape \(t.shape), expected \(shape)") }
      return t.values
    }
    featureVectors = Matrix(rows: f, columns: h, storage: try Self.bounded(try tensor("feature_vectors", [f, h]), name: "feature_vectors",
                                                                          columns: h, path: weightsPath))
    bias = try Self.bounded(try tensor("bias", [h]), name: "bias", columns: nil, path: weightsPath)
    firingProbabilities = try tensor("firing_probabilities", [f])
    if let bad = firingProbabilities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
      throw FormatError(path: weightsPath, "'firing_probabilities'[\(bad)] must be in [0, 1], got \(firingProbabilities[bad])")
    }
    if let factor = weights.tensors["correlation_factor"] {
      guard factor.shape.count == 2, factor.shape[0] == f else {
        throw FormatError(path: weightsPath, "tensor 'correlation_factor' has shape \(factor.shape), expected [\(f), rank]")
      }
      let values = try Self.bounded(factor.values, name: "correlation_factor", columns: factor.shape[1], path: weightsPath)
      let diagonal = try Self.bounded(try tensor("correlation_diag", [f]), name: "correlation_diag", columns: nil, path: weightsPath)
      if let bad = diagonal.firstIndex(where: { $0 < 0 }) {
        throw FormatError(path: weightsPath, "'correlation_diag'[\(bad)] is a variance and must be >= 0, got \(diagonal[bad])")
      }
      correlation = (Matrix(rows: f, columns: factor.shape[1], storage: values), diagonal)
    }
    var parents = [Int?](repeating: nil, count: f)
    var exclusiveParents: Set<Int> = [], scaledParents: Set<Int> = []
    let hierarchyPath = path("hierarchy.json")
    if let data = FileManager.default.contents(atPath: hierarchyPath) {
      guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let roots = root["roots"] as? [[String: Any]] else {
        throw FormatError(path: hierarchyPath, "must be an object with a 'roots' list")
      }
      var seen = Set<Int>()
      func visit(_ node: [String: Any], parent: Int?) throws {
        guard let index = node["feature_index"] as? Int else {
          throw FormatError(path: hierarchyPath, "organisational nodes ('feature_index' null) are not supported")
        }
        guard (0..<f).contains(index), seen.insert(index).inserted else {
          throw FormatError(path: hierarchyPath, "'feature_index' \(index) is out of 0..<\(f) or appears twice")
        }
        parents[index] = parent
        let children = node["children"] as? [[String: Any]] ?? []
        if node["mutually_exclusive_children"] as? Bool == true && children.count >= 2 { exclusiveParents.insert(index) }
        if node["scale_children_by_parent"] as? Bool == true && !children.isEmpty { scaledParents.insert(index) }
        for child in children { try visit(child, parent: index) }
      }
      for node in roots { try visit(node, parent: nil) }
    }
    (self.parents, self.exclusiveParents, self.scaledParents) = (parents, exclusiveParents, scaledParents)
    seed = UInt64(max(0, config["seed"] as? Int ?? 0))
    magnitudes = MagnitudeModel(mean: try Self.profile(config["mean_firing_magnitudes"] ?? 1.0, key: "mean_firing_magnitudes", path: configPath),
                                standardDeviation: try Self.profile(config["std_firing_magnitudes"] ?? 0.0, key: "std_firing_magnitudes", path: configPath))
    self.config = config
  }

  /// The largest magnitude accepted for a tensor entry or a magnitude parameter: far above any
  /// real model, and small enough that sums of products over 16k features in float64 stay finite.
  public static let largestValue = 1e12

  /// `values` when every entry is finite and at most ``largestValue`` in magnitude; otherwise an
  /// error naming the tensor and the entry (row and column when `columns` is given).
  static func bounded(_ values: [Double], name: String, columns: Int?, path: String) throws -> [Double] {
    guard let bad = values.firstIndex(where: { !(abs($0) <= largestValue) }) else { return values }
    let place = columns.map { "[\(bad / $0), \(bad % $0)]" } ?? "[\(bad)]"
    throw FormatError(path: path, "'\(name)'\(place) is \(values[bad]); entries must be finite and at most \(String(format: "%g", largestValue)) in magnitude")
  }

  /// A SAELens magnitude config (a number or `{"generator_name", …}`) as a profile.
  static func profile(_ value: Any, key: String, path: String) throws -> FeatureProfile {
    if let number = value as? Double {
      guard number >= 0 && number <= largestValue else {
        throw FormatError(path: path, "'\(key)' must be in [0, \(String(format: "%g", largestValue))], got \(number)")
      }
      return .constant(number)
    }
    guard let d = value as? [String: Any], let name = d["generator_name"] as? String else {
      throw FormatError(path: path, "'\(key)' must be a number or an object with 'generator_name', got \(value)")
    }
    /// A parameter of the profile; only a folded normal's `mean` may be negative (|N(μ, σ²)|).
    func number(_ k: String, signed: Bool = false) throws -> Double {
      guard let v = d[k] as? Double else { throw FormatError(path: path, "'\(key).\(k)' must be a number, got \(d[k] ?? "nothing")") }
      guard abs(v) <= largestValue && (signed || v >= 0) else {
        throw FormatError(path: path, "'\(key).\(k)' must be in [\(signed ? String(format: "%g", -largestValue) : "0"), \(String(format: "%g", largestValue))], got \(v)")
      }
      return v
    }
    switch name {
    case "constant": return .constant(try number("value"))
    case "linear": return .linear(start: try number("start"), end: try number("end"))
    case "exponential": return .exponential(start: try number("start"), end: try number("end"))
    case "folded_normal":
      return .foldedNormal(mean: try number("mean", signed: true), standardDeviation: try number("std"), min: d["min_value"] as? Double, max: d["max_value"] as? Double)
    default:
      throw FormatError(path: path, "'\(key).generator_name' '\(name)' is not supported (known: constant, linear, exponential, folded_normal)")
    }
  }

  // MARK: - Sampling

  /// A streaming generator with SAELens's semantics, seeded by `seed`, drawing from `streams`;
  /// throws when a node that scales its children has a mean magnitude that is not > 0 (SAELens
  /// requires it).
  public func generator(seed: UInt64, streams: RandomStreams = .single) throws -> WorldGenerator {
    let f = parents.count
    let resolved = magnitudes.resolved(count: f, seeds: SeedTree(root: self.seed), path: "world/magnitude")
    if let bad = scaledParents.sorted().first(where: { !(resolved.means[$0] > 0) }) {
      throw WorldError("feature \(bad) scales its children but its mean magnitude is \(resolved.means[bad]), not > 0")
    }
    let forest = FeatureForest(parents: parents, exclusiveParents: exclusiveParents)
    let structure = WorldStructure(featureNames: (0..<f).map { "f\($0)" }, parents: parents, exclusiveGroups: forest.exclusiveGroups,
                                   firingProbabilities: firingProbabilities)
    let modifier = parents.contains { $0 != nil }
      ? HierarchyModifier(forest: forest, scaledParents: scaledParents, exclusion: .atMostOne, means: resolved.means, weights: firingProbabilities)
      : nil
    let latent = correlation.map { LatentGaussian.lowRank(factor: $0.factor, diagonal: $0.diagonal) }
    let sampler = BernoulliSampler(structure: structure, magnitudes: resolved, latent: latent, modifier: modifier)
    return WorldGenerator(sampler: sampler, dictionary: featureVectors, bias: bias, noise: 0, seed: seed, streams: streams)
  }
}
