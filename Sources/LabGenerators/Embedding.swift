import LabNumerics
import LabRandom

/// How a world's codes become data: `x = b + z·D + σ·ε`, with directions `D` chosen by
/// ``directions``, `b` a random direction of norm ``bias`` (0: no bias) and `ε ~ N(0, I)`.
public struct Embedding: Codable, Equatable, Sendable {
  /// Input dimension m.
  public var inputDimension: Int
  /// How the feature directions are chosen.
  public var directions: DirectionSpec
  /// Norm of the decoder-style bias vector (SAELens `bias`); 0 for none.
  public var bias: Double
  /// Standard deviation σ of additive Gaussian noise; 0 for none.
  public var noise: Double

  /// An embedding.
  public init(inputDimension: Int, directions: DirectionSpec = DirectionSpec(kind: "random"), bias: Double = 0, noise: Double = 0) {
    self.inputDimension = inputDimension
    self.directions = directions
    self.bias = bias
    self.noise = noise
  }

  private enum CodingKeys: String, CodingKey { case inputDimension, directions, bias, noise }

  /// Decodes; `directions` defaults to random, `bias` and `noise` to 0.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(inputDimension: try c.decode(Int.self, forKey: .inputDimension),
              directions: try c.decodeIfPresent(DirectionSpec.self, forKey: .directions) ?? DirectionSpec(kind: "random"),
              bias: try c.decodeIfPresent(Double.self, forKey: .bias) ?? 0,
              noise: try c.decodeIfPresent(Double.self, forKey: .noise) ?? 0)
  }

  /// Problems for `featureCount` features.
  func problems(featureCount: Int) -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    if !(1...100_000).contains(inputDimension) { found.append(ParameterProblem("inputDimension", mustBe: "in 1...100000", got: inputDimension)) }
    if !(bias >= 0 && bias.isFinite) { found.append(ParameterProblem("bias", mustBe: "a finite number >= 0", got: bias)) }
    if !(noise >= 0 && noise.isFinite) { found.append(ParameterProblem("noise", mustBe: "a finite number >= 0", got: noise)) }
    if found.isEmpty {
      found += directions.problems(featureCount: featureCount, inputDimension: inputDimension, field: "directions")
    }
    return found
  }

  /// The bias vector: `bias · u` with `u` a random unit direction (zeros when `bias` is 0).
  func biasVector(seeds: SeedTree) -> [Double] {
    guard bias > 0 else { return Array(repeating: 0, count: inputDimension) }
    var g = seeds.generator(for: "embedding/bias")
    return DirectionSpec.randomRows(1, inputDimension, using: &g).row(0).map { bias * $0 }
  }
}
