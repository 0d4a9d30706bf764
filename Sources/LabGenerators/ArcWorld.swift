import LabNumerics
import Foundation
import LabRandom

/// Data on an arc (THEORY §7.3): `x = r·(cos φ·u + sin φ·v)` with `u ⊥ v` (directions must be
/// `orthogonal`), `φ ∈ [0, Θ]` for `Θ =` ``angleDegrees``, either uniform at random or on a grid of
/// ``gridCount`` equally spaced angles `Θ·k/(K−1)` taken in turn (`k = n mod K` for sample n).
/// The codes are the plane coordinates `(r cos φ, r sin φ)` (F = 2), so `x = b + z·D` exactly.
public struct ArcWorld: World, Equatable {
  /// `"arc"`.
  public static let kind = "arc"
  /// The arc's angle Θ in degrees, in (0, 360).
  public var angleDegrees: Double
  /// The radius r.
  public var radius: Double
  /// `random` or `grid`.
  public var placement: String
  /// `grid`: the number of angles K ≥ 2.
  public var gridCount: Int?
  /// Directions, bias and noise.
  public var embedding: Embedding

  /// A world.
  public init(angleDegrees: Double, radius: Double = 1, placement: String = "random", gridCount: Int? = nil, embedding: Embedding) {
    self.angleDegrees = angleDegrees
    self.radius = radius
    self.placement = placement
    self.gridCount = gridCount
    self.embedding = embedding
  }

  /// The toy-file keys.
  public static let keys = ["kind", "angleDegrees", "radius", "placement", "gridCount", "inputDimension", "directions", "bias", "noise"]

  /// F = 2.
  public var featureCount: Int { 2 }

  /// Problems with the parameters.
  public func problems() -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    if !(angleDegrees > 0 && angleDegrees < 360) { found.append(ParameterProblem("angleDegrees", mustBe: "in (0, 360)", got: angleDegrees)) }
    if !(radius > 0 && radius.isFinite) { found.append(ParameterProblem("radius", mustBe: "a finite number > 0", got: radius)) }
    if placement == "grid" {
      if !(2...1_000_000).contains(gridCount ?? 0) { found.append(ParameterProblem("gridCount", mustBe: "in 2...1000000", got: gridCount)) }
    } else if placement != "random" {
      found.append(ParameterProblem("placement", "is unknown: '\(placement)'. Did you mean '\(Nearest.name(to: placement, in: ["random", "grid"]))'? Known: random, grid"))
    }
    if embedding.directions.kind != "orthogonal" {
      found.append(ParameterProblem("directions.kind", mustBe: "\"orthogonal\" for an arc (so that its angle is Θ)", got: "\"\(embedding.directions.kind)\""))
    }
    return found + embedding.problems(featureCount: 2)
  }

  /// The sampler.
  public func prepare(seeds: SeedTree) throws -> any CodeSampler {
    ArcSampler(theta: angleDegrees * .pi / 180, radius: radius, grid: placement == "grid" ? gridCount : nil)
  }
}

/// The sampler of ``ArcWorld``.
struct ArcSampler: CodeSampler {
  let theta: Double
  let radius: Double
  let grid: Int?

  var structure: WorldStructure {
    WorldStructure(featureNames: ["cos", "sin"], parents: [nil, nil], exclusiveGroups: [], firingProbabilities: nil)
  }

  func fill(_ codes: UnsafeMutablePointer<Double>, rows: Int, first: Int, using generator: inout Xoshiro256StarStar) {
    for r in 0..<rows {
      let phi = grid.map { theta * Double((first + r) % $0) / Double($0 - 1) } ?? theta * generator.nextUniform()
      codes[2 * r] = radius * Foundation.cos(phi)
      codes[2 * r + 1] = radius * Foundation.sin(phi)
    }
  }
}
