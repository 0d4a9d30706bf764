import Foundation
import LabFormats
import LabGenerators
import LabNumerics
import LabRandom

extension SAELensSyntheticModel {
  /// The SAELens model of a world toy: its directions, bias, firing probabilities (after
  /// compensation), low-rank correlation, forest and magnitudes, with a config SAELens accepts.
  ///
  /// Only what SAELens can represent is accepted: an `independent` or `tree` world, at-most-one
  /// exclusion, `rectified` magnitudes whose profiles are constant, linear, exponential or folded
  /// normal, low-rank (or no) correlation, and no noise. (SAELens regenerates folded-normal
  /// magnitudes from torch's RNG when it loads the directory, so those values differ from the
  /// lab's draw; everything else is saved or deterministic.)
  public init(toy: WorldToy) throws {
    let firing: FeatureProfile, magnitude: MagnitudeModel, correlation: CorrelationSpec?, hierarchy: HierarchySpec?, embedding: Embedding
    switch toy.world {
    case .independent(let w): (firing, magnitude, correlation, hierarchy, embedding) = (w.firing, w.magnitude, w.correlation, nil, w.embedding)
    case .tree(let w): (firing, magnitude, correlation, hierarchy, embedding) = (w.firing, w.magnitude, w.correlation, w.hierarchy, w.embedding)
    default: throw WorldError("a SAELens synthetic model needs an 'independent' or 'tree' world, got '\(type(of: toy.world.world).kind)'")
    }
    guard hierarchy?.exclusion != .exactlyOne else { throw WorldError("SAELens supports only 'hierarchy.exclusion' at-most-one, got exactly-one") }
    guard magnitude.rule == .rectified else { throw WorldError("SAELens supports only 'magnitude.rule' rectified, got \(magnitude.rule.rawValue)") }
    guard correlation == nil || correlation?.kind == "low-rank" else { throw WorldError("SAELens supports only 'correlation.kind' low-rank, got \(correlation?.kind ?? "")") }
    guard embedding.noise == 0 else { throw WorldError("SAELens synthetic models have no noise; 'noise' must be 0, got \(embedding.noise)") }
    if correlation != nil, case .random = firing {
      // SAELens computes copula thresholds when it builds the model from the config and does not
      // recompute them from the saved probabilities, so they must be reproducible from the config.
      throw WorldError("with 'correlation', SAELens needs firing probabilities it can regenerate; 'firing' random is drawn by torch's RNG there")
    }
    let generator = try WorldGenerator(world: toy.world.world, seed: toy.seed)
    guard let sampler = generator.sampler as? BernoulliSampler, let p = sampler.structure.firingProbabilities else {
      throw WorldError("the world has no per-feature firing probabilities")
    }
    featureVectors = generator.dictionary
    bias = generator.bias
    firingProbabilities = p
    if case .lowRank(let factor, let diagonal) = sampler.latent { self.correlation = (factor, diagonal) }
    parents = sampler.structure.parents
    exclusiveParents = Set(sampler.modifier.map { modifier in
      modifier.steps.compactMap { if case .exclusive(let parent, _) = $0 { return parent } else { return nil } }
    } ?? [])
    scaledParents = hierarchy?.scaleChildrenByParent == true ? Set(parents.compactMap { $0 }) : []
    magnitudes = magnitude
    seed = toy.seed
    let f = p.count
    var config: [String: Any] = [
      "num_features": f, "hidden_dim": embedding.inputDimension, "firing_probability": try Self.firingConfig(firing),
      "hierarchy": Self.hierarchyConfig(hierarchy, parents: parents, exclusive: exclusiveParents) ?? NSNull(), "orthogonalization": NSNull(),
      "std_firing_magnitudes": try Self.magnitudeConfig(magnitude.standardDeviation, key: "magnitude.standardDeviation"),
      "mean_firing_magnitudes": try Self.magnitudeConfig(magnitude.mean, key: "magnitude.mean"),
      "bias": embedding.bias == 0 ? false as Any : embedding.bias, "dtype": "float32", "seed": Int(truncatingIfNeeded: toy.seed),
    ]
    config["correlation"] = correlation.map { ["rank": $0.rank ?? 1, "correlation_scale": $0.scale ?? 0, "seed": NSNull()] as [String: Any] } ?? NSNull()
    self.config = config
  }

  /// SAELens's `HierarchyConfig` for the forest. SAELens takes the forest itself from
  /// `hierarchy.json`; of the config it uses `compensate_probabilities` (when it rebuilds the
  /// firing probabilities and copula thresholds) — the shape fields describe the forest within
  /// SAELens's limits (branching ≥ 2).
  private static func hierarchyConfig(_ spec: HierarchySpec?, parents: [Int?], exclusive: Set<Int>) -> [String: Any]? {
    guard let spec else { return nil }
    var children = [Int](repeating: 0, count: parents.count)
    for p in parents.compactMap({ $0 }) { children[p] += 1 }
    let depths = FeatureForest(parents: parents, exclusiveParents: []).depths
    let roots = parents.indices.filter { parents[$0] == nil && children[$0] > 0 }.count
    let eligible = children.filter { $0 >= 2 }.count
    return [
      "total_root_nodes": max(roots, 1), "branching_factor": max(children.max() ?? 2, 2), "max_depth": max(depths.max() ?? 1, 1),
      "mutually_exclusive_portion": eligible == 0 ? 0.0 : Double(exclusive.count) / Double(eligible),
      "mutually_exclusive_min_depth": 0, "mutually_exclusive_max_depth": NSNull(),
      "compensate_probabilities": spec.compensateProbabilities, "scale_children_by_parent": spec.scaleChildrenByParent,
    ]
  }

  private static func firingConfig(_ profile: FeatureProfile) throws -> [String: Any] {
    switch profile {
    case .constant(let v): return ["generator_name": "constant", "probability": v]
    case .linear(let start, let end): return ["generator_name": "linear", "max_prob": start, "min_prob": end]
    case .zipf(let e, let hi, let lo): return ["generator_name": "zipfian", "exponent": e, "max_prob": hi, "min_prob": lo]
    case .random(let lo, let hi): return ["generator_name": "random", "max_prob": hi, "min_prob": lo]
    default: throw WorldError("SAELens has no firing-probability generator for the profile \(profile); use constant, linear, zipf or random")
    }
  }

  private static func magnitudeConfig(_ profile: FeatureProfile, key: String) throws -> Any {
    switch profile {
    case .constant(let v): return v
    case .linear(let s, let e): return ["generator_name": "linear", "start": s, "end": e]
    case .exponential(let s, let e): return ["generator_name": "exponential", "start": s, "end": e]
    case .foldedNormal(let m, let sd, let lo, let hi):
      return ["generator_name": "folded_normal", "mean": m, "std": sd, "min_value": lo.map { $0 as Any } ?? NSNull(),
              "max_value": hi.map { $0 as Any } ?? NSNull()]
    default: throw WorldError("SAELens has no magnitude generator for '\(key)' \(profile); use constant, linear, exponential or folded-normal")
    }
  }

  /// The `hierarchy.json` object: one nested node per tree (free features are omitted).
  var hierarchyObject: [String: Any] {
    var children = [[Int]](repeating: [], count: parents.count)
    for (i, p) in parents.enumerated() { if let p { children[p].append(i) } }
    func node(_ i: Int) -> [String: Any] {
      ["feature_index": i, "mutually_exclusive_children": exclusiveParents.contains(i), "scale_children_by_parent": scaledParents.contains(i),
       "feature_id": NSNull(), "children": children[i].map(node)]
    }
    return ["roots": parents.indices.filter { parents[$0] == nil && !children[$0].isEmpty }.map(node)]
  }

  /// The names ``write(to:)`` can write (`hierarchy.json` only with a forest).
  public static let fileNames = ["synthetic_model_config.json", "synthetic_model.safetensors", "hierarchy.json"]

  /// Writes the directory (float32 tensors, as SAELens saves them); `hierarchy.json` only when
  /// there is a forest.
  public func write(to directory: String) throws {
    let f = parents.count
    var tensors: [String: SafeTensors.Tensor] = [
      "feature_vectors": .init(elementType: .float32, shape: [f, featureVectors.columns], values: featureVectors.storage),
      "bias": .init(elementType: .float32, shape: [bias.count], values: bias),
      "firing_probabilities": .init(elementType: .float32, shape: [f], values: firingProbabilities),
    ]
    if let correlation {
      tensors["correlation_factor"] = .init(elementType: .float32, shape: [f, correlation.factor.columns], values: correlation.factor.storage)
      tensors["correlation_diag"] = .init(elementType: .float32, shape: [f], values: correlation.diagonal)
    }
    let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var files: [(name: String, contents: Data)] = [
      ("synthetic_model_config.json", try JSONSerialization.data(withJSONObject: config, options: options)),
      ("synthetic_model.safetensors", SafeTensors(tensors: tensors).encoded),
    ]
    if parents.contains(where: { $0 != nil }) {
      files.append(("hierarchy.json", try JSONSerialization.data(withJSONObject: hierarchyObject, options: options)))
    }
    try AtomicWriter.write(files, into: directory)
  }
}
