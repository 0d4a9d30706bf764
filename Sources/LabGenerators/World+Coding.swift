/// Toy-file coding of the worlds: one flat object with `kind`, the world's own keys and the
/// ``Embedding`` keys (`inputDimension`, `directions`, `bias`, `noise`).
enum WorldKey: String, CodingKey {
  case kind, featureCount, firing, magnitude, correlation, hierarchy, groups, emptyProbability, memberWeights
  case distribution, zeroProbability, angleDegrees, radius, placement, gridCount
}

extension IndependentWorld {
  /// Decodes the flat toy-file object.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: WorldKey.self)
    self.init(featureCount: try c.decode(Int.self, forKey: .featureCount), firing: try c.decode(FeatureProfile.self, forKey: .firing),
              magnitude: try c.decodeIfPresent(MagnitudeModel.self, forKey: .magnitude) ?? MagnitudeModel(),
              correlation: try c.decodeIfPresent(CorrelationSpec.self, forKey: .correlation), embedding: try Embedding(from: decoder))
  }

  /// Encodes the flat toy-file object.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: WorldKey.self)
    try c.encode(Self.kind, forKey: .kind)
    try c.encode(featureCount, forKey: .featureCount)
    try c.encode(firing, forKey: .firing)
    try c.encode(magnitude, forKey: .magnitude)
    try c.encodeIfPresent(correlation, forKey: .correlation)
    try embedding.encode(to: encoder)
  }
}

extension TreeWorld {
  /// Decodes the flat toy-file object.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: WorldKey.self)
    self.init(featureCount: try c.decode(Int.self, forKey: .featureCount), firing: try c.decode(FeatureProfile.self, forKey: .firing),
              magnitude: try c.decodeIfPresent(MagnitudeModel.self, forKey: .magnitude) ?? MagnitudeModel(),
              correlation: try c.decodeIfPresent(CorrelationSpec.self, forKey: .correlation),
              hierarchy: try c.decode(HierarchySpec.self, forKey: .hierarchy), embedding: try Embedding(from: decoder))
  }

  /// Encodes the flat toy-file object.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: WorldKey.self)
    try c.encode(Self.kind, forKey: .kind)
    try c.encode(featureCount, forKey: .featureCount)
    try c.encode(firing, forKey: .firing)
    try c.encode(magnitude, forKey: .magnitude)
    try c.encodeIfPresent(correlation, forKey: .correlation)
    try c.encode(hierarchy, forKey: .hierarchy)
    try embedding.encode(to: encoder)
  }
}

extension ExclusiveGroupsWorld {
  /// Decodes the flat toy-file object.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: WorldKey.self)
    self.init(groups: try c.decode([Int].self, forKey: .groups), emptyProbability: try c.decodeIfPresent(Double.self, forKey: .emptyProbability) ?? 0,
              memberWeights: try c.decodeIfPresent(FeatureProfile.self, forKey: .memberWeights) ?? .constant(1),
              magnitude: try c.decodeIfPresent(MagnitudeModel.self, forKey: .magnitude) ?? MagnitudeModel(), embedding: try Embedding(from: decoder))
  }

  /// Encodes the flat toy-file object.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: WorldKey.self)
    try c.encode(Self.kind, forKey: .kind)
    try c.encode(groups, forKey: .groups)
    try c.encode(emptyProbability, forKey: .emptyProbability)
    try c.encode(memberWeights, forKey: .memberWeights)
    try c.encode(magnitude, forKey: .magnitude)
    try embedding.encode(to: encoder)
  }
}

extension DenseWorld {
  /// Decodes the flat toy-file object.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: WorldKey.self)
    self.init(featureCount: try c.decode(Int.self, forKey: .featureCount), distribution: try c.decode(ScalarDistribution.self, forKey: .distribution),
              zeroProbability: try c.decodeIfPresent(Double.self, forKey: .zeroProbability) ?? 0, embedding: try Embedding(from: decoder))
  }

  /// Encodes the flat toy-file object.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: WorldKey.self)
    try c.encode(Self.kind, forKey: .kind)
    try c.encode(featureCount, forKey: .featureCount)
    try c.encode(distribution, forKey: .distribution)
    try c.encode(zeroProbability, forKey: .zeroProbability)
    try embedding.encode(to: encoder)
  }
}

extension RayWorld {
  /// Decodes the flat toy-file object.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: WorldKey.self)
    self.init(distribution: try c.decode(ScalarDistribution.self, forKey: .distribution),
              zeroProbability: try c.decodeIfPresent(Double.self, forKey: .zeroProbability) ?? 0, embedding: try Embedding(from: decoder))
  }

  /// Encodes the flat toy-file object.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: WorldKey.self)
    try c.encode(Self.kind, forKey: .kind)
    try c.encode(distribution, forKey: .distribution)
    try c.encode(zeroProbability, forKey: .zeroProbability)
    try embedding.encode(to: encoder)
  }
}

extension ArcWorld {
  /// Decodes the flat toy-file object.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: WorldKey.self)
    self.init(angleDegrees: try c.decode(Double.self, forKey: .angleDegrees), radius: try c.decodeIfPresent(Double.self, forKey: .radius) ?? 1,
              placement: try c.decodeIfPresent(String.self, forKey: .placement) ?? "random",
              gridCount: try c.decodeIfPresent(Int.self, forKey: .gridCount), embedding: try Embedding(from: decoder))
  }

  /// Encodes the flat toy-file object.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: WorldKey.self)
    try c.encode(Self.kind, forKey: .kind)
    try c.encode(angleDegrees, forKey: .angleDegrees)
    try c.encode(radius, forKey: .radius)
    try c.encode(placement, forKey: .placement)
    try c.encodeIfPresent(gridCount, forKey: .gridCount)
    try embedding.encode(to: encoder)
  }
}
